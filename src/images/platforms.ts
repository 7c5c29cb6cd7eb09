/**
 * Platforms of index entries and image configs, and which index entries are images at all.
 *
 * An entry is an attestation (not an image) when BuildKit marked it so
 * (`vnd.docker.reference.type: attestation-manifest`), when it refers to another manifest
 * (`vnd.docker.reference.digest` or `com.docker.reference.digest`, buildx's rule), or when its
 * platform is `unknown/unknown`.
 */
import {
  Annotation,
  ATTESTATION_MANIFEST_REFERENCE_TYPE,
  type Descriptor,
  type OciPlatform,
  parseImageConfig,
} from '../oci/index.js';
import { formatPlatform, normalize, type Platform } from '../platform/index.js';

const REFERENCE_DIGEST_KEYS = [Annotation.DockerReferenceDigest, 'com.docker.reference.digest'];

/** True for index entries that are not images (see the module comment). */
export function isAttestationEntry(d: Descriptor): boolean {
  const a = d.annotations ?? {};
  if (a[Annotation.DockerReferenceType] === ATTESTATION_MANIFEST_REFERENCE_TYPE) return true;
  if (REFERENCE_DIGEST_KEYS.some((k) => a[k] !== undefined)) return true;
  return d.platform?.os === 'unknown' && d.platform.architecture === 'unknown';
}

/** An OCI platform object as a `Platform` (not normalized). */
export function fromOciPlatform(p: OciPlatform): Platform {
  return {
    os: p.os,
    architecture: p.architecture,
    ...(p.variant ? { variant: p.variant } : {}),
    ...(p['os.version'] ? { osVersion: p['os.version'] } : {}),
    ...(p['os.features'] && p['os.features'].length > 0 ? { osFeatures: [...p['os.features']] } : {}),
  };
}

/** A `Platform` as an OCI platform object, members in Go's order. */
export function toOciPlatform(p: Platform): OciPlatform {
  return {
    architecture: p.architecture,
    os: p.os,
    ...(p.osVersion ? { 'os.version': p.osVersion } : {}),
    ...(p.osFeatures && p.osFeatures.length > 0 ? { 'os.features': [...p.osFeatures] } : {}),
    ...(p.variant ? { variant: p.variant } : {}),
  };
}

/** The platform an image config declares (os, architecture, variant, os.version, os.features). */
export function configPlatform(configBytes: Uint8Array): Platform {
  const c = parseImageConfig(configBytes);
  return fromOciPlatform({
    os: c.os,
    architecture: c.architecture,
    ...(c.variant ? { variant: c.variant } : {}),
    ...(c['os.version'] ? { 'os.version': c['os.version'] } : {}),
    ...(c['os.features'] ? { 'os.features': c['os.features'] } : {}),
  });
}

/** `os/arch[/variant]` after normalization: the key images are listed and matched by. */
export function platformKey(p: Platform): string {
  return formatPlatform(normalize(p));
}

/**
 * Output annotations, as BuildKit's image exporters read them from their attributes:
 * `annotation.KEY` (the manifest), `annotation-TYPE.KEY` with TYPE `index`, `index-descriptor`,
 * `manifest` or `manifest-descriptor`, and `annotation-manifest[PLATFORM].KEY` /
 * `annotation-manifest-descriptor[PLATFORM].KEY` for one platform only. Index and descriptor
 * annotations need OCI media types (Docker's manifest list has no annotations), which
 * {@link needsOciMediaTypes} tells.
 */
import type { Annotations } from '../../oci/index.js';
import { formatPlatform, parsePlatform } from '../../platform/index.js';
import { OutputAttributeError } from './errors.js';
import type { AnnotationSet } from './types.js';

const KEY = /^annotation(?:-([a-z-]+))?(?:\[([A-Za-z0-9_/.-]+)\])?\.(\S+)$/;

/** An annotation set with nothing in it. */
export const NO_ANNOTATIONS: AnnotationSet = Object.freeze({
  index: {},
  indexDescriptor: {},
  manifest: {},
  manifestDescriptor: {},
  platformManifest: {},
  platformManifestDescriptor: {},
});

/** True for an attribute key that is an annotation (`annotation.`, `annotation-…`, `annotation[…`). */
export function isAnnotationKey(key: string): boolean {
  return /^annotation[-.[]/.test(key);
}

/** Reads every annotation attribute of `attrs` into a set (other keys are ignored). */
export function parseAnnotationAttrs(attrs: Readonly<Record<string, string>>): AnnotationSet {
  const set = {
    index: {} as Record<string, string>,
    indexDescriptor: {} as Record<string, string>,
    manifest: {} as Record<string, string>,
    manifestDescriptor: {} as Record<string, string>,
    platformManifest: {} as Record<string, Record<string, string>>,
    platformManifestDescriptor: {} as Record<string, Record<string, string>>,
  };
  for (const [attr, value] of Object.entries(attrs)) {
    if (!isAnnotationKey(attr)) continue;
    const m = KEY.exec(attr);
    if (!m) {
      throw new OutputAttributeError(
        `cannot read the annotation attribute "${attr}"`,
        'write annotation.KEY=VALUE, annotation-index.KEY=VALUE or annotation-manifest[linux/amd64].KEY=VALUE',
      );
    }
    const [, type = 'manifest', platformText, key = ''] = m;
    const platform = platformText === undefined ? undefined : formatPlatform(parsePlatform(platformText));
    if (type === 'index' || type === 'index-descriptor') {
      if (platform !== undefined) {
        throw new OutputAttributeError(
          `the annotation "${attr}" names a platform, but an index has none`,
          `write annotation-${type}.${key}=…, or annotation-manifest[${platformText}].${key}=…`,
        );
      }
      (type === 'index' ? set.index : set.indexDescriptor)[key] = value;
    } else if (type === 'manifest' || type === 'manifest-descriptor') {
      const all = type === 'manifest' ? set.manifest : set.manifestDescriptor;
      const per = type === 'manifest' ? set.platformManifest : set.platformManifestDescriptor;
      if (platform === undefined) all[key] = value;
      else per[platform] = { ...per[platform], [key]: value };
    } else {
      throw new OutputAttributeError(
        `unknown annotation type "${type}" in "${attr}"`,
        'the types are index, index-descriptor, manifest and manifest-descriptor',
      );
    }
  }
  return set;
}

/** `over`'s annotations on top of `base`'s. */
export function mergeAnnotations(base: AnnotationSet, over: AnnotationSet): AnnotationSet {
  const perPlatform = (
    a: Readonly<Record<string, Annotations>>,
    b: Readonly<Record<string, Annotations>>,
  ) => {
    const out: Record<string, Annotations> = { ...a };
    for (const [p, v] of Object.entries(b)) out[p] = { ...out[p], ...v };
    return out;
  };
  return {
    index: { ...base.index, ...over.index },
    indexDescriptor: { ...base.indexDescriptor, ...over.indexDescriptor },
    manifest: { ...base.manifest, ...over.manifest },
    manifestDescriptor: { ...base.manifestDescriptor, ...over.manifestDescriptor },
    platformManifest: perPlatform(base.platformManifest, over.platformManifest),
    platformManifestDescriptor: perPlatform(base.platformManifestDescriptor, over.platformManifestDescriptor),
  };
}

/** True when the set holds annotations only OCI media types can carry (index or descriptors). */
export function needsOciMediaTypes(set: AnnotationSet): boolean {
  return (
    Object.keys(set.index).length > 0 ||
    Object.keys(set.indexDescriptor).length > 0 ||
    Object.keys(set.manifestDescriptor).length > 0 ||
    Object.keys(set.platformManifestDescriptor).length > 0
  );
}

/** The manifest and manifest-descriptor annotations of one platform (`os/arch[/variant]`). */
export function platformAnnotations(
  set: AnnotationSet,
  platform: string,
): { manifest: Annotations; descriptor: Annotations } {
  return {
    manifest: { ...set.manifest, ...set.platformManifest[platform] },
    descriptor: { ...set.manifestDescriptor, ...set.platformManifestDescriptor[platform] },
  };
}

/** A stable text of the set, for telling variants apart. */
export function annotationsKey(set: AnnotationSet): string {
  const sorted = (a: Annotations) => Object.entries(a).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  const per = (r: Readonly<Record<string, Annotations>>) =>
    Object.keys(r)
      .sort()
      .map((p) => [p, sorted(r[p] ?? {})]);
  return JSON.stringify([
    sorted(set.index),
    sorted(set.indexDescriptor),
    sorted(set.manifest),
    sorted(set.manifestDescriptor),
    per(set.platformManifest),
    per(set.platformManifestDescriptor),
  ]);
}

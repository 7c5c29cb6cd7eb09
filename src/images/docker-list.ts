/**
 * The docker CLI's manifest list formats, byte for byte, so that `manifest push` of the same
 * images gives the digest `docker manifest push` gives, and `manifest inspect` prints what
 * `docker manifest inspect` prints:
 *
 * - The pushed list (`manifestlist.FromDescriptors`): Docker's manifest list media type, or the
 *   OCI index type when the first entry is an OCI manifest; each entry `mediaType`, `size`,
 *   `digest` and `platform` (`architecture`, `os`, `os.version`, `os.features`, `variant`), no
 *   annotations; Go's `json.MarshalIndent` with a three-space indent and no final newline.
 * - An entry of `inspect -v` (`types.ImageManifest`): `Ref`, `Descriptor` (OCI descriptor with
 *   the platform), `Raw` (base64 of the exact bytes) and `SchemaV2Manifest` or `OCIManifest`
 *   (the manifest itself), tab-indented.
 * - The os/arch pairs `manifest annotate` accepts (the Go toolchain's list plus linux/s390x).
 */
import { type GoValue, goJsonQuote, goMarshalIndent, goMarshalOrdered } from '../gofmt/index.js';
import { type Descriptor, MediaType, type OciPlatform } from '../oci/index.js';
import { descriptorValue } from './inspect.js';

/** A list's bytes and media type. */
export interface DockerList {
  readonly bytes: Buffer;
  readonly mediaType: string;
}

/** The list `docker manifest push` writes for these entries (see the module comment). */
export function dockerListBytes(entries: readonly Descriptor[]): DockerList {
  const mediaType =
    entries[0]?.mediaType === MediaType.OciManifest ? MediaType.OciIndex : MediaType.DockerManifestList;
  const value: GoValue = {
    schemaVersion: 2,
    mediaType,
    manifests: entries.map((d) => ({
      mediaType: d.mediaType || undefined,
      size: d.size || undefined,
      digest: d.digest,
      platform: platformSpec(d.platform),
    })),
  };
  return { bytes: Buffer.from(goMarshalIndent(value, '', '   '), 'utf8'), mediaType };
}

function platformSpec(p: OciPlatform | undefined): GoValue {
  return {
    architecture: p?.architecture ?? '',
    os: p?.os ?? '',
    'os.version': p?.['os.version'] || undefined,
    'os.features': p?.['os.features'] && p['os.features'].length > 0 ? [...p['os.features']] : undefined,
    variant: p?.variant || undefined,
  };
}

/** One `types.ImageManifest`, compact (indent it with `goIndent`). */
export function dockerImageManifestJson(ref: string, descriptor: Descriptor, raw: Buffer): string {
  const d: Descriptor = {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    ...(descriptor.platform ? { platform: descriptor.platform } : {}),
  };
  const field = descriptor.mediaType === MediaType.DockerManifest ? 'SchemaV2Manifest' : 'OCIManifest';
  return `{"Ref":${goJsonQuote(ref)},"Descriptor":${goMarshalOrdered(descriptorValue(d))},"Raw":${goJsonQuote(raw.toString('base64'))},"${field}":${raw.toString('utf8')}}`;
}

const VALID_OS_ARCH = new Set([
  'darwin/386',
  'darwin/amd64',
  'darwin/arm',
  'darwin/arm64',
  'dragonfly/amd64',
  'freebsd/386',
  'freebsd/amd64',
  'freebsd/arm',
  'linux/386',
  'linux/amd64',
  'linux/arm',
  'linux/arm64',
  'linux/ppc64le',
  'linux/mips64',
  'linux/mips64le',
  'linux/riscv64',
  'linux/s390x',
  'netbsd/386',
  'netbsd/amd64',
  'netbsd/arm',
  'openbsd/386',
  'openbsd/amd64',
  'openbsd/arm',
  'plan9/386',
  'plan9/amd64',
  'solaris/amd64',
  'windows/386',
  'windows/amd64',
]);

/** True for the os/arch pairs `docker manifest annotate` accepts. */
export function isValidOsArch(os: string, arch: string): boolean {
  return VALID_OS_ARCH.has(`${os}/${arch}`);
}

/** The pairs, for messages. */
export function validOsArchPairs(): string[] {
  return [...VALID_OS_ARCH];
}

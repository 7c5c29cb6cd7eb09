/**
 * Media types of the OCI image spec and of Docker's image manifest v2 schema 2, and the rules
 * that sort them: which are indexes, which are manifests, which are layers and how a layer is
 * compressed, and the OCI ⇄ Docker equivalents.
 *
 * `MediaType.X` is the constant, `MediaType` the union of the known values. Descriptors keep a
 * plain `string` media type (artifacts may carry any), and these helpers classify it. Docker
 * schema 1 (`…manifest.v1+json`, `…+prettyjws`) is named only so that readers can reject it.
 */
import { UnsupportedMediaTypeError } from './errors.js';

/** Every media type Manifold knows by name. */
export const MediaType = {
  // OCI image spec
  OciDescriptor: 'application/vnd.oci.descriptor.v1+json',
  OciLayoutHeader: 'application/vnd.oci.layout.header.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
  OciLayer: 'application/vnd.oci.image.layer.v1.tar',
  OciLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  OciLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  OciLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  OciLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  OciLayerNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  // Docker image manifest v2, schema 2
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  DockerLayerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  DockerLayerForeign: 'application/vnd.docker.image.rootfs.foreign.diff.tar',
  DockerLayerForeignGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  // Docker schema 1: known only to be refused
  DockerSchema1Manifest: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerSchema1SignedManifest: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  // Attestations (BuildKit stores in-toto statements as layers of an attestation manifest)
  InToto: 'application/vnd.in-toto+json',
} as const;

/** Union of the known media type strings. */
export type MediaType = (typeof MediaType)[keyof typeof MediaType];

/** How a layer blob is compressed. */
export type LayerCompression = 'gzip' | 'zstd' | 'uncompressed';

/** Which family of media types to write. */
export type MediaTypeFamily = 'oci' | 'docker';

const KNOWN = new Set<string>(Object.values(MediaType));

/** Layer media type → [compression, family, nondistributable]. */
const LAYERS: ReadonlyMap<string, readonly [LayerCompression, MediaTypeFamily, boolean]> = new Map([
  [MediaType.OciLayer, ['uncompressed', 'oci', false]],
  [MediaType.OciLayerGzip, ['gzip', 'oci', false]],
  [MediaType.OciLayerZstd, ['zstd', 'oci', false]],
  [MediaType.OciLayerNondistributable, ['uncompressed', 'oci', true]],
  [MediaType.OciLayerNondistributableGzip, ['gzip', 'oci', true]],
  [MediaType.OciLayerNondistributableZstd, ['zstd', 'oci', true]],
  [MediaType.DockerLayer, ['uncompressed', 'docker', false]],
  [MediaType.DockerLayerGzip, ['gzip', 'docker', false]],
  [MediaType.DockerLayerZstd, ['zstd', 'docker', false]],
  [MediaType.DockerLayerForeign, ['uncompressed', 'docker', true]],
  [MediaType.DockerLayerForeignGzip, ['gzip', 'docker', true]],
]);

/** OCI ⇄ Docker pairs for the non-layer documents. */
const DOC_PAIRS: readonly (readonly [string, string])[] = [
  [MediaType.OciIndex, MediaType.DockerManifestList],
  [MediaType.OciManifest, MediaType.DockerManifest],
  [MediaType.OciConfig, MediaType.DockerConfig],
];

/** True for a media type Manifold knows by name. */
export function isKnownMediaType(mediaType: string): mediaType is MediaType {
  return KNOWN.has(mediaType);
}

/** True for an OCI image index or a Docker manifest list. */
export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MediaType.OciIndex || mediaType === MediaType.DockerManifestList;
}

/** True for an OCI image manifest or a Docker schema 2 manifest (schema 1 is not supported). */
export function isManifestMediaType(mediaType: string): boolean {
  return mediaType === MediaType.OciManifest || mediaType === MediaType.DockerManifest;
}

/** True for an OCI or Docker image config. */
export function isConfigMediaType(mediaType: string): boolean {
  return mediaType === MediaType.OciConfig || mediaType === MediaType.DockerConfig;
}

/** True for any known image layer media type, OCI or Docker, distributable or not. */
export function isLayerMediaType(mediaType: string): boolean {
  return LAYERS.has(mediaType);
}

/** True for OCI non-distributable and Docker foreign layers (their blobs may live elsewhere). */
export function isNondistributableLayer(mediaType: string): boolean {
  return LAYERS.get(mediaType)?.[2] === true;
}

/** True for Docker schema 1 manifests, which Manifold refuses with a clear message. */
export function isDockerSchema1MediaType(mediaType: string): boolean {
  return mediaType === MediaType.DockerSchema1Manifest || mediaType === MediaType.DockerSchema1SignedManifest;
}

/**
 * The compression of a known layer media type.
 * @throws UnsupportedMediaTypeError when `mediaType` is not a known layer type.
 */
export function layerCompression(mediaType: string): LayerCompression {
  const entry = LAYERS.get(mediaType);
  if (entry === undefined) {
    throw new UnsupportedMediaTypeError(mediaType, 'not a known image layer media type', {
      hint: `layer media types are ${[...LAYERS.keys()].join(', ')}`,
    });
  }
  return entry[0];
}

/**
 * The layer media type for a family and compression; `nondistributable` picks the OCI
 * non-distributable / Docker foreign variant.
 * @throws UnsupportedMediaTypeError for a foreign Docker zstd layer, which has no media type.
 */
export function layerMediaType(
  family: MediaTypeFamily,
  compression: LayerCompression,
  nondistributable = false,
): MediaType {
  for (const [mediaType, [c, f, n]] of LAYERS) {
    if (c === compression && f === family && n === nondistributable) return mediaType as MediaType;
  }
  throw new UnsupportedMediaTypeError(
    `${family} ${nondistributable ? 'foreign ' : ''}layer with ${compression} compression`,
    'Docker has no media type for a foreign zstd layer',
    { hint: 'use the oci media types for zstd non-distributable layers' },
  );
}

/**
 * The same kind of document or layer in the other family: index ⇄ manifest list,
 * manifest ⇄ schema 2 manifest, config ⇄ container image, layers keep compression and
 * distributability. Unknown or family-less media types (artifacts, empty, in-toto) are returned
 * unchanged.
 * @throws UnsupportedMediaTypeError when the target family has no equivalent (foreign zstd).
 */
export function convertMediaType(mediaType: string, to: MediaTypeFamily): string {
  const layer = LAYERS.get(mediaType);
  if (layer !== undefined) {
    return layer[1] === to ? mediaType : layerMediaType(to, layer[0], layer[2]);
  }
  for (const [oci, docker] of DOC_PAIRS) {
    if (mediaType === oci || mediaType === docker) return to === 'oci' ? oci : docker;
  }
  return mediaType;
}

/** The OCI equivalent of a Docker media type (identity for OCI and unknown types). */
export function toOciMediaType(mediaType: string): string {
  return convertMediaType(mediaType, 'oci');
}

/** The Docker equivalent of an OCI media type (identity for Docker and unknown types). */
export function toDockerMediaType(mediaType: string): string {
  return convertMediaType(mediaType, 'docker');
}

/** The family a known media type belongs to, or undefined for artifacts and shared types. */
export function mediaTypeFamily(mediaType: string): MediaTypeFamily | undefined {
  if (mediaType.startsWith('application/vnd.oci.')) return 'oci';
  if (mediaType.startsWith('application/vnd.docker.')) return 'docker';
  return undefined;
}

/** The media type without parameters (`; charset=utf-8`) and surrounding blanks, lower-cased. */
export function baseMediaType(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/**
 * The OCI image model: digests, media types, descriptors, manifests, indexes and image configs
 * as typed values; their canonical encoding (what Manifold writes and digests); parsing of what
 * registries and layouts serve; and validation against the OCI image-spec schemas and rules.
 */

// Go's JSON escaping lives in src/gofmt; re-exported here under the names this module has always had.
export { goJsonQuote as goQuote, goMarshalValue, type JsonValue } from '../gofmt/index.js';
export { Annotation, ATTESTATION_MANIFEST_REFERENCE_TYPE } from './annotations.js';
export {
  encodeConfig,
  encodeDescriptor,
  encodeImageLayout,
  encodeIndex,
  encodeManifest,
} from './canonical-json.js';
export {
  type DecodeOptions,
  decodeDescriptor,
  decodeImageConfig,
  decodeImageLayout,
  decodeIndex,
  decodeManifest,
} from './decode.js';
export {
  type Annotations,
  type Descriptor,
  EMPTY_DESCRIPTOR,
  EMPTY_JSON_BYTES,
  type OciPlatform,
} from './descriptor.js';
export {
  createDigester,
  DIGEST_HEX_LENGTH,
  type Digest,
  type DigestAlgorithm,
  type Digester,
  type DigestResult,
  digestAlgorithm,
  digestEncoded,
  digestReadable,
  HashingStream,
  hashingStream,
  isDigest,
  isDigestAlgorithm,
  parseDigest,
  sha256Digest,
} from './digest.js';
export {
  type ContentCheckOptions,
  DigestMismatchError,
  InvalidDigestError,
  OciDecodeError,
  OciEncodeError,
  OciValidationError,
  SizeMismatchError,
  UnsupportedMediaTypeError,
  type ValidationProblem,
} from './errors.js';
export type {
  ContainerConfig,
  EmptyObject,
  HealthcheckConfig,
  HistoryEntry,
  ImageConfig,
  RootFs,
} from './image-config.js';
export {
  type ImageIndex,
  type ImageLayoutHeader,
  type ImageManifest,
  OCI_LAYOUT_VERSION,
} from './manifest.js';
export {
  baseMediaType,
  convertMediaType,
  isConfigMediaType,
  isDockerSchema1MediaType,
  isIndexMediaType,
  isKnownMediaType,
  isLayerMediaType,
  isManifestMediaType,
  isNondistributableLayer,
  type LayerCompression,
  layerCompression,
  layerMediaType,
  MediaType,
  type MediaTypeFamily,
  mediaTypeFamily,
  toDockerMediaType,
  toOciMediaType,
} from './media-types.js';
export {
  type ParsedIndex,
  type ParsedManifest,
  type ParsedManifestOrIndex,
  parseImageConfig,
  parseManifestOrIndex,
} from './parse.js';
export {
  assertValidDescriptor,
  assertValidImageConfig,
  assertValidImageIndex,
  assertValidImageLayout,
  assertValidImageManifest,
  validateByMediaType,
  validateDescriptor,
  validateImageConfig,
  validateImageIndex,
  validateImageLayout,
  validateImageManifest,
} from './validate.js';

/**
 * Build outputs, buildx's `-o`/`--output` exporters: where a finished build goes.
 *
 * - `image` / `registry`: named in the local image store and pushed (`name`, `push`,
 *   `push-by-digest`, `name-canonical`, `store`, `unpack`, `dangling-name-prefix`).
 * - `oci`: an OCI image layout, as a tar or (`tar=false`) a directory, every platform in it.
 * - `docker`: a tar `docker load` reads (OCI layout + `manifest.json` + `repositories`);
 *   without `dest`, the image is loaded into the local image store.
 * - `local` / `tar`: the final stage's file system, per platform (`linux_arm64/…`) when several
 *   platforms are built, into a directory or a tar (`dest=-`: standard output).
 * - `cacheonly`: nothing.
 *
 * Image outputs choose their image: `oci-mediatypes`, `compression` (gzip, zstd, uncompressed),
 * `compression-level`, `force-compression`, `rewrite-timestamp` (clamp file times in the
 * build's layers to SOURCE_DATE_EPOCH), `source-date-epoch`, `annotation*`. Outputs asking for
 * the same image share it. Start with {@link parseOutput}, then {@link exportOutputs}; the
 * results feed {@link buildMetadata} (buildx's `--metadata-file`) and {@link imageId}.
 */
export { mergeAnnotations, NO_ANNOTATIONS, parseAnnotationAttrs } from './annotations.js';
export {
  type ExportTarget,
  ImageAssembler,
  type ImageBase,
  type LayerCompressionDefault,
} from './assemble.js';
export type { OutputContext } from './context.js';
export { OutputAttributeError, OutputDestinationError } from './errors.js';
export { type ExportImageDefaults, exportOutputs } from './export.js';
export { buildMetadata, imageId, newBuildRef, primaryImageOutput } from './metadata.js';
export { defaultImageOutput, type OutputEntry, type OutputParseContext, parseOutput } from './parse.js';
export type {
  AnnotationSet,
  AssembledImage,
  CacheOnlyOutput,
  Destination,
  DockerOutput,
  FilesOutput,
  ImageOutput,
  ImageVariant,
  OciOutput,
  OutputResult,
  OutputSpec,
} from './types.js';

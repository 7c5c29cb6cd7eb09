/** Exporters: layers from snapshots, image manifests and indexes in the store, pushes to registries. */
export { type AssembleOptions, assembleIndex, assemblePlatformImage, type PlatformImage } from './image.js';
export { ensureLayer, ensureLayers, type LayerExportOptions } from './layers.js';
export {
  type AssembledImage,
  buildMetadata,
  type ExportTarget,
  exportOutputs,
  imageId,
  newBuildRef,
  type OutputContext,
  type OutputEntry,
  type OutputResult,
  type OutputSpec,
  parseOutput,
} from './outputs/index.js';
export { type PushOptions, pushImage } from './push.js';

/** Exporters: layers from snapshots, image manifests and indexes in the store, pushes to registries. */
export { type AssembleOptions, assembleIndex, assemblePlatformImage, type PlatformImage } from './image.js';
export { ensureLayer, ensureLayers, type LayerExportOptions } from './layers.js';
export { type PushOptions, pushImage } from './push.js';

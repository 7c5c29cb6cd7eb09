/** Base images for builds: resolution for a platform, and layers unpacked into snapshots. */
export { ImageUnavailableError, LayerDiffIdMismatchError, PlatformNotInImageError } from './errors.js';
export type { FetchedManifest, ImageFetcher } from './fetcher.js';
export { type PullProgress, pullProgress } from './pull-progress.js';
export { ensureBlob, type ResolveBaseOptions, type ResolvedBaseImage, resolveBaseImage } from './resolve.js';
export { chainIds, type UnpackOptions, unpackImage } from './unpack.js';

/** Running images: `runImage` starts a container of any platform from the store or a registry. */
export { NothingToRunError, type RunImageOptions, runImage } from './run-image.js';

/** State directories under MANIFOLD_HOME (or the XDG defaults). */
export {
  builderStateDir,
  defaultBuildkitdConfig,
  imageStoreDir,
  manifestListDir,
  type StatePaths,
  statePaths,
} from './home.js';

/** State directories under MANIFOLD_HOME (or the XDG defaults). */
export { type StatePaths, builderStateDir, defaultBuildkitdConfig, imageStoreDir, manifestListDir, statePaths } from './home.js';

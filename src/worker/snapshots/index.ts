/** Snapshots: layers unpacked once into overlayfs upper directories, stacked per build step. */
export { MountError, mountBind, mountOverlay, unmount } from './mount.js';
export {
  type ActiveSnapshot,
  type SnapshotLayer,
  type SnapshotMeta,
  SnapshotStore,
  type SnapshotView,
} from './store.js';

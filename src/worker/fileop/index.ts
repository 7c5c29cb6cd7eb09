/**
 * The file op executor: performs a build graph's file actions (COPY, ADD, WORKDIR's mkdir,
 * heredoc files, rm) on real directories with BuildKit's semantics, and computes the content
 * checksum of what a copy reads, for cache keys.
 *
 * What it guarantees, whatever the trees hold: nothing outside the destination root is written
 * (destination paths are resolved with scoped resolution, nothing below them follows a symlink)
 * and nothing outside a source root is read (source paths likewise; symlinks inside a copied tree
 * are copied as links). Semantics, rule by rule, are in the module comments: source-select.ts
 * (paths, wildcards, --parents), selection-walk.ts (--exclude, order), copy.ts (destinations),
 * copy-tree.ts (merging, metadata), chmod.ts, chown.ts, archive-extract.ts (ADD), make-remove.ts
 * (mkdir, mkfile, rm), checksum.ts.
 *
 * Needs root for ownership; Debian's `attr` for xattrs (or `xattrs: false`), and `bzip2`, `xz`
 * or `zstd` only to ADD archives compressed that way.
 */
export { applyFileActions } from './apply.js';
export { copySourceChecksum } from './checksum.js';
export { type ChmodSpec, parseChmod } from './chmod.js';
export { type Owner, resolveOwner } from './chown.js';
export {
  ArchiveError,
  ChmodError,
  ChownError,
  DestinationError,
  FileActionPathError,
  FileOpIoError,
  MissingInputError,
  NoSourceFilesError,
  SourceNotFoundError,
} from './errors.js';
export type { CopyAction } from './source-select.js';
export type {
  ApplyFileActionsOptions,
  ChecksumOptions,
  CopySource,
  DigestCache,
  FileActionsResult,
  SkippedItem,
  SourceLookup,
} from './types.js';

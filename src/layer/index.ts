/**
 * Layers: tar reading and writing, compression, safe application onto a directory, and layer
 * creation from a diff. This module is the only one that reads or writes tar.
 *
 * Tar: {@link TarWriter} writes ustar with PAX records where needed (long names and links,
 * uid/gid ≥ 2^21, sizes ≥ 8 GiB, sub-second mtimes when asked, binary-safe xattrs);
 * {@link readTar} reads ustar, V7, GNU (`L`/`K`, base-256) and PAX (global and local), checks
 * every checksum and caps metadata records at 1 MiB. Compression is told by magic bytes
 * ({@link decompress}); layers are written with {@link createCompressor}: gzip through node:zlib,
 * zstd through Debian's `zstd` program as a streaming child process (zstd.ts says why).
 *
 * What apply ({@link applyLayer}) guarantees — nothing outside the root is created, changed,
 * removed or hard-linked to, whatever the archive says:
 * - Entry names are root-relative; a name that climbs above the root after lexical cleaning
 *   (`../x`) is refused (`E_LAYER_PATH_ESCAPE`); a name that is the root itself is skipped.
 * - Parents and hardlink targets are resolved against the live tree with symlinks clamped to
 *   the root like a chroot ({@link resolveInRoot}); symlink targets are stored verbatim and never
 *   followed by the host; metadata is never applied through a symlink.
 * - Hardlinks must point at an existing non-directory inside the root.
 * - Device nodes only with `devices: 'create'` (else skipped and reported, or an error); numbers
 *   outside 0 … 2^32-1 are refused. Whiteouts and opaque markers delete lower content
 *   (`whiteouts: 'remove'`), or become overlayfs whiteouts and `trusted.overlay.opaque`
 *   (`'overlay'`); malformed whiteouts (`.wh.`, `.wh..`, `.wh...`) are refused.
 * - `trusted.overlay.*` and `user.overlay.*` xattrs from a layer are dropped (a layer must not
 *   forge overlayfs metadata). Truncated or corrupt archives fail (`E_TAR_TRUNCATED`,
 *   `E_TAR_CORRUPT`); the half-applied directory is the caller's to discard.
 *
 * Diffs ({@link diffDirectories}, {@link diffOverlayUpper}, {@link packDirectory}) are
 * deterministic: walk order, parents first, whiteouts for deletions, hardlink groups kept,
 * `sourceDateEpoch` clamping, numeric owners, only `security.capability` by default.
 *
 * System helpers: Node 20 has no mknod or xattr calls, so device nodes and fifos use `mknod`
 * and xattrs use `setfattr`/`getfattr` (Debian's `attr` package); see system-tools.ts.
 */

export { type ApplyOptions, type ApplyResult, applyLayer } from './apply.js';
export {
  type DeviceMode,
  IMPLIED_DIR_MODE,
  type SkippedEntry,
  type WhiteoutMode,
} from './apply-context.js';
export { OVERLAY_OPAQUE_XATTR } from './apply-whiteout.js';
export type { ByteStream } from './byte-source.js';
export {
  type Compression,
  checkCompressionLevel,
  createCompressor,
  createGzip,
  type Decompressed,
  type DecompressOptions,
  decompress,
  defaultCompressionLevel,
  detectCompression,
  type GzipOptions,
  type LayerCompressionType,
  MAGIC_BYTES,
  zstdAvailable,
} from './compression.js';
export {
  type DiffOptions,
  type DiffResult,
  diffDirectories,
  diffOverlayUpper,
  type PackOptions,
  packDirectory,
  type XattrPolicy,
} from './diff.js';
export {
  CompressionError,
  InvalidEntryError,
  InvalidWhiteoutError,
  LayerIoError,
  PathEscapeError,
  SystemToolError,
  TarFormatError,
  TarTruncatedError,
  TarWriteError,
  TooManyLinksError,
} from './errors.js';
export { ProgramStream, type ProgramStreamOptions } from './program-stream.js';
export {
  type CleanName,
  cleanEntryName,
  type ResolveOptions,
  resolveInRoot,
  SYMLINK_LIMIT,
} from './scoped-path.js';
export { readTar, type TarEntry, type TarReaderOptions } from './tar-reader.js';
export {
  EPOCH,
  OPAQUE_MARKER,
  type TarEntryInput,
  type TarEntryType,
  type TarHeader,
  type TarTime,
  WHITEOUT_PREFIX,
} from './tar-types.js';
export { type TarBody, TarWriter, type TarWriterOptions } from './tar-writer.js';
export {
  createZstdCompress,
  createZstdDecompress,
  ZSTD_DEFAULT_LEVEL,
  ZSTD_MAX_LEVEL,
  type ZstdOptions,
  zstdLevel,
} from './zstd.js';

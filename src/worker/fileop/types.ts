/**
 * The public shapes of the file op executor: where copies read from, the options of a run, what
 * a run reports, and the digest cache hook of the checksum.
 */
import type { Stats } from 'node:fs';

/** A file system a copy reads from. */
export interface CopySource {
  /** Absolute host path of its root directory (read-only to the executor). */
  readonly root: string;
  /**
   * `local`: the build context or a named local context. Its files are owned by 0:0 in the image
   * whatever their owners on disk (BuildKit's client resets uid/gid when it sends a context).
   * `snapshot`: a stage, an image or a downloaded file; owners are kept.
   */
  readonly kind: 'local' | 'snapshot';
  /** How messages name it: `the build context`, `build context "docs"`, `stage "build"`, `image "alpine"`. */
  readonly description: string;
}

/** Returns the source for a copy's `sourceInput` (undefined input: scratch, an empty file system). */
export type SourceLookup = (input: number | undefined) => CopySource | undefined;

/** Options of `applyFileActions`. */
export interface ApplyFileActionsOptions {
  /** Absolute host path of the file system being changed (an overlayfs merged dir, or a plain dir). */
  readonly destRoot: string;
  /** The sources of copy actions, by input index. */
  readonly sources: SourceLookup;
  /** Stops between entries. */
  readonly signal?: AbortSignal;
  /**
   * `SOURCE_DATE_EPOCH` in seconds: when set, every file and directory written gets this
   * atime/mtime (BuildKit's `WithCreatedTime`); otherwise copies keep the source's times and
   * made files and directories get the current time.
   */
  readonly sourceDateEpoch?: number;
  /** Copy extended attributes (needs `getfattr`/`setfattr` from Debian's `attr`). Default true. */
  readonly xattrs?: boolean;
}

/** Something a run left out, with the reason (sockets cannot be copied, an xattr was refused). */
export interface SkippedItem {
  /** Path inside the destination. */
  readonly path: string;
  readonly reason: string;
}

/** What `applyFileActions` did. */
export interface FileActionsResult {
  /** Entries written (files, links, directories, archive entries not counted). */
  readonly written: number;
  readonly skipped: readonly SkippedItem[];
}

/**
 * Memoizes file content digests for `copySourceChecksum`, e.g. by (dev, ino, size, mtime).
 * `get` returning undefined means "not known": the file is read and `set` is told the result.
 */
export interface DigestCache {
  get(absPath: string, stat: Stats): string | undefined | Promise<string | undefined>;
  set?(absPath: string, stat: Stats, digest: string): void;
}

/** Options of `copySourceChecksum`. */
export interface ChecksumOptions {
  readonly cache?: DigestCache;
  readonly signal?: AbortSignal;
  /** Files read at the same time. Default 16. */
  readonly concurrency?: number;
}

/**
 * Clones a copied tree from one snapshot into another: directories made again with the same
 * mode, owner and times; regular files hard-linked (one inode, no data copied); symlinks made
 * again. Snapshots are immutable once committed, and a later step that changes such a file
 * changes its own copy (overlayfs copies it up), so sharing the inode is safe.
 *
 * Used when several platforms copy the same source to a path none of their bases has: the
 * result of one copy is the result of all (src/worker/local-worker.ts). Anything else in the
 * tree (devices, fifos, directory xattrs) is refused with {@link CloneRefusedError}; the caller
 * then copies as usual.
 */
import type { Stats } from 'node:fs';
import { chmod, lchown, link, lstat, lutimes, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import path from 'node:path';
import { readXattrs } from './xattrs.js';

/** The tree holds something a clone cannot reproduce exactly. */
export class CloneRefusedError extends Error {
  constructor(readonly reason: string) {
    super(`cannot clone: ${reason}`);
    this.name = 'CloneRefusedError';
  }
}

/** Entries linked at once within one directory. */
const PARALLEL = 32;

/**
 * Clones `fromRoot/rel` to `toRoot/rel` (whose parent must exist). The caller removes a partial
 * clone on failure.
 */
export async function cloneTree(fromRoot: string, toRoot: string, rel: string): Promise<void> {
  const top = path.join(fromRoot, rel);
  const topStats = await lstat(top);
  if (topStats.isDirectory()) {
    // Files share their inode and so their attributes; directories would need theirs set.
    for (const file of (await readXattrs([top])).keys()) {
      if ((await lstat(file)).isDirectory()) throw new CloneRefusedError(`${file} has extended attributes`);
    }
  }
  await cloneEntry(top, path.join(toRoot, rel), topStats);
}

async function cloneEntry(from: string, to: string, stats: Stats): Promise<void> {
  if (stats.isFile()) {
    await link(from, to);
  } else if (stats.isDirectory()) {
    await mkdir(to, { mode: 0o700 });
    const names = await readdir(from);
    for (let i = 0; i < names.length; i += PARALLEL) {
      await Promise.all(
        names.slice(i, i + PARALLEL).map(async (name) => {
          const src = path.join(from, name);
          await cloneEntry(src, path.join(to, name), await lstat(src));
        }),
      );
    }
    // Metadata after the contents, times last: adding entries changed the directory's mtime.
    await lchown(to, stats.uid, stats.gid);
    await chmod(to, stats.mode & 0o7777);
    await lutimes(to, stats.atimeMs / 1000, stats.mtimeMs / 1000);
  } else if (stats.isSymbolicLink()) {
    await symlink(await readlink(from), to);
    await lchown(to, stats.uid, stats.gid);
    await lutimes(to, stats.atimeMs / 1000, stats.mtimeMs / 1000);
  } else {
    throw new CloneRefusedError(`${from} is neither a file, a directory nor a symlink`);
  }
}

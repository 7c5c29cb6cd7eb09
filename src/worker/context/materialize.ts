/**
 * A build context with its .dockerignore applied, as the build sees it: a tree in a snapshot
 * holding exactly the files the patterns let through, hard-linked to the originals (no data is
 * copied; a copy is made only across file systems). Steps read it like the context itself, and
 * nothing they do can change the user's files through it: copies read it, and bind mounts of
 * it are read-only.
 */
import { copyFile, link, lutimes, mkdir, readlink, symlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { walkContext } from '../../dockerfile/ignore/index.js';
import type { SnapshotStore } from '../snapshots/index.js';

/** Makes the filtered tree of `dir`; returns the snapshot id and its root. */
export async function materializeContext(
  dir: string,
  excludes: readonly string[],
  snapshots: SnapshotStore,
  signal?: AbortSignal,
): Promise<{ id: string; root: string }> {
  const { id, fs } = await snapshots.create();
  const dirs: Array<{ target: string; atime: Date; mtime: Date }> = [];
  try {
    for await (const entry of walkContext(dir, {
      excludePatterns: [...excludes],
      ...(signal ? { signal } : {}),
    })) {
      const target = path.join(fs, entry.path);
      const { stats } = entry;
      if (stats.isDirectory()) {
        await mkdir(target, { mode: stats.mode & 0o7777 });
        dirs.push({ target, atime: stats.atime, mtime: stats.mtime });
      } else if (stats.isSymbolicLink()) {
        await symlink(await readlink(entry.absolutePath), target);
        await lutimes(target, stats.atime, stats.mtime).catch(() => {});
      } else if (stats.isFile()) {
        await link(entry.absolutePath, target).catch(async (err: NodeJS.ErrnoException) => {
          if (err.code !== 'EXDEV' && err.code !== 'EPERM') throw err;
          await copyFile(entry.absolutePath, target);
          await utimes(target, stats.atime, stats.mtime);
        });
      }
    }
    // Directory times last, after their contents stopped changing them.
    for (const d of dirs.reverse()) await utimes(d.target, d.atime, d.mtime);
    await snapshots.finish(id);
    return { id, root: fs };
  } catch (err) {
    await snapshots.remove(id);
    throw err;
  }
}

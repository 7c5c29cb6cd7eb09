/**
 * Writing below the destination root without leaving it.
 *
 * A destination path is resolved once with scoped resolution (`resolveInRoot`: symlinks clamped
 * to the root as in a chroot). Below a resolved path the executor never follows a symlink:
 * directories are checked with lstat, files are created with O_EXCL (a symlink in the way is
 * removed first, never written through), metadata calls use lchown/lutimes or run on entries
 * that were just checked to be regular files or directories.
 *
 * {@link mkdirAll} is BuildKit's `MkdirAll` for copies and WORKDIR: each missing component is
 * created with the given mode (exactly, whatever the umask), owner and time; existing directories
 * are left alone; a non-directory in the way is an error.
 */
import { chmod, lchown, mkdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { resolveInRoot } from '../../layer/index.js';
import type { Owner } from './chown.js';
import { DestinationError, FileOpIoError } from './errors.js';
import { lstatIfPresent } from './fs-probe.js';

/** How a directory that gets created is set up. */
export interface NewDirSpec {
  readonly mode: number;
  /** Owner; undefined leaves the process's (root). */
  readonly owner?: Owner;
  /** atime/mtime in seconds; undefined leaves the current time. */
  readonly time?: number;
}

/** `/`-rooted form of a host path below `root`, for messages. */
export function displayPath(root: string, abs: string): string {
  const rel = path.relative(root, abs);
  return rel === '' ? '/' : `/${rel}`;
}

/** Resolves `p` (relative or `/`-rooted, inside the image) to a host path below `root`. */
export function resolveDest(root: string, p: string, followFinal = true): string {
  return resolveInRoot(root, p, { followFinal });
}

/**
 * Creates `abs` (a resolved host path below `root`) and its missing parents. Returns the
 * directories it created, outermost first.
 */
export async function mkdirAll(root: string, abs: string, spec: NewDirSpec): Promise<string[]> {
  const rel = path.relative(root, abs);
  if (rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) {
    throw new DestinationError(abs, `internal error: ${abs} is not below the destination root`);
  }
  const created: string[] = [];
  let current = root;
  for (const part of rel.split('/').filter((p) => p !== '')) {
    current = `${current}/${part}`;
    const st = await lstatIfPresent(current);
    if (st?.isDirectory()) continue;
    if (st !== undefined) {
      throw new DestinationError(
        displayPath(root, abs),
        `cannot create directory ${displayPath(root, abs)}: ${displayPath(root, current)} exists and is not a directory`,
        { hint: 'remove it in an earlier step, or choose another destination' },
      );
    }
    await makeDir(current, spec);
    created.push(current);
  }
  return created;
}

/** Creates one directory (its parent exists) with exactly `spec`. */
export async function makeDir(abs: string, spec: NewDirSpec): Promise<void> {
  try {
    await mkdir(abs, { mode: spec.mode & 0o7777 });
    await chmod(abs, spec.mode & 0o7777); // mkdir applies the umask
    if (spec.owner !== undefined) await lchown(abs, spec.owner.uid, spec.owner.gid);
    if (spec.time !== undefined) await utimes(abs, spec.time, spec.time);
  } catch (err) {
    throw new FileOpIoError(`cannot create directory ${abs}`, err);
  }
}

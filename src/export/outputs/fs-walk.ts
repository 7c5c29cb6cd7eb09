/**
 * Walking a result's file system for the `local` and `tar` outputs: depth first, a directory
 * before its children, siblings sorted by name bytes, so equal trees give equal outputs.
 * Symlinks are reported, never followed. A second name of a file with several links is a
 * `hardlink` entry to the first name met. Sockets are left out, and so are overlayfs
 * whiteouts (0/0 character devices), which a view never shows but a lone snapshot may hold.
 */
import type { BigIntStats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';

/** One entry of a tree. */
export interface FsEntry {
  /** Path relative to the root, `/`-separated, no leading slash. */
  readonly rel: string;
  /** Absolute path on this machine. */
  readonly abs: string;
  readonly kind: 'dir' | 'file' | 'symlink' | 'hardlink' | 'fifo' | 'char' | 'block';
  readonly stat: BigIntStats;
  /** A symlink's target (verbatim), or the `rel` of a hardlink's first name. */
  readonly link?: string;
}

/** The entries under `root` (not the root itself). */
export async function* walkTree(root: string, signal?: AbortSignal): AsyncGenerator<FsEntry> {
  const firstName = new Map<string, string>();
  yield* walkDir(path.resolve(root), '', firstName, signal);
}

async function* walkDir(
  dir: string,
  rel: string,
  firstName: Map<string, string>,
  signal: AbortSignal | undefined,
): AsyncGenerator<FsEntry> {
  const names = (await readdir(dir)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names) {
    signal?.throwIfAborted();
    const abs = path.join(dir, name);
    const childRel = rel === '' ? name : `${rel}/${name}`;
    const st = await lstat(abs, { bigint: true });
    if (st.isDirectory()) {
      yield { rel: childRel, abs, kind: 'dir', stat: st };
      yield* walkDir(abs, childRel, firstName, signal);
      continue;
    }
    if (st.isSocket() || (st.isCharacterDevice() && st.rdev === 0n)) continue;
    if (st.nlink > 1n) {
      const key = `${st.dev}:${st.ino}`;
      const first = firstName.get(key);
      if (first !== undefined) {
        yield { rel: childRel, abs, kind: 'hardlink', stat: st, link: first };
        continue;
      }
      firstName.set(key, childRel);
    }
    if (st.isFile()) yield { rel: childRel, abs, kind: 'file', stat: st };
    else if (st.isSymbolicLink())
      yield { rel: childRel, abs, kind: 'symlink', stat: st, link: await readlink(abs) };
    else if (st.isFIFO()) yield { rel: childRel, abs, kind: 'fifo', stat: st };
    else if (st.isCharacterDevice()) yield { rel: childRel, abs, kind: 'char', stat: st };
    else if (st.isBlockDevice()) yield { rel: childRel, abs, kind: 'block', stat: st };
  }
}

/** Splits a Linux dev_t (glibc encoding) into major and minor numbers. */
export function deviceNumbers(rdev: bigint): { major: number; minor: number } {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}

/** The directory name of a platform in split outputs: `linux/arm/v7` → `linux_arm_v7`. */
export function platformDirName(platform: string): string {
  return platform.replaceAll('/', '_');
}

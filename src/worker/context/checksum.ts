/**
 * The checksum of a build context: every file the .dockerignore patterns let through, by path,
 * type, permission bits, link target, device numbers, hardlink group (the first path of the
 * inode) and content digest. Ownership and times are left out (the build sees context files as
 * 0:0, and a touch is not a change). It covers all that a `COPY . DEST` of the whole context
 * reads, so such a copy's cache key is this checksum (src/worker/local-worker.ts).
 */
import { createHash } from 'node:crypto';
import { readlink } from 'node:fs/promises';
import { walkContext } from '../../dockerfile/ignore/index.js';
import type { FileDigestMemo } from './file-digests.js';

/** Bounded parallel hashing: enough to keep the disk busy, few enough to keep memory flat. */
const PARALLEL = 16;

/** Options of {@link contextChecksum}. */
export interface ContextChecksumOptions {
  readonly excludes: readonly string[];
  readonly memo: FileDigestMemo;
  readonly signal?: AbortSignal;
  /** Called with each regular file's size once it is read (progress: bytes of the context). */
  readonly onFile?: (size: number) => void;
}

/** Checksums the context at `dir`. */
export async function contextChecksum(dir: string, options: ContextChecksumOptions): Promise<string> {
  const lines: Promise<string>[] = [];
  const linkGroups = new Map<string, string>();
  const running = new Set<Promise<unknown>>();
  for await (const entry of walkContext(dir, {
    excludePatterns: [...options.excludes],
    ...(options.signal ? { signal: options.signal } : {}),
  })) {
    const { stats } = entry;
    const mode = (stats.mode & 0o7777).toString(8);
    let line: Promise<string>;
    if (stats.isFile()) {
      let group = '';
      if (stats.nlink > 1) {
        const inode = `${stats.dev}:${stats.ino}`;
        const first = linkGroups.get(inode);
        if (first === undefined) linkGroups.set(inode, entry.path);
        else group = ` =${first}`;
      }
      line = options.memo.digest(entry.absolutePath, stats).then((d) => {
        options.onFile?.(stats.size);
        return `f ${entry.path} ${mode} ${d}${group}`;
      });
    } else if (stats.isSymbolicLink()) {
      line = readlink(entry.absolutePath).then((t) => `l ${entry.path} ${t}`);
    } else if (stats.isDirectory()) {
      line = Promise.resolve(`d ${entry.path} ${mode}`);
    } else {
      line = Promise.resolve(`o ${entry.path} ${(stats.mode >>> 12).toString(8)} ${mode} ${stats.rdev}`);
    }
    lines.push(line);
    running.add(line);
    void line.finally(() => running.delete(line)).catch(() => {});
    if (running.size >= PARALLEL) await Promise.race(running);
  }
  const hash = createHash('sha256');
  for (const line of await Promise.all(lines)) hash.update(`${line}\n`);
  return `sha256:${hash.digest('hex')}`;
}

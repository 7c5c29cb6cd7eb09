/**
 * `type=local`: the final stage's file system copied into a directory on this machine, into
 * one `os_arch[_variant]` subdirectory per platform when several platforms are built (or
 * `platform-split=true`), as buildx does. What is in the destination already stays unless the
 * result has an entry of the same path, which replaces it (a symlink in the destination is
 * replaced, never followed). Files keep their mode and modification time (SOURCE_DATE_EPOCH
 * when set, as BuildKit writes); they belong to the user running Manifold, as buildx's client
 * writes them. Hardlinks stay hardlinks; device nodes and fifos are not copied (counted in
 * the result instead).
 */
import { constants } from 'node:fs';
import { chmod, copyFile, link, lstat, lutimes, mkdir, rm, symlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { formatPlatform } from '../../platform/index.js';
import type { OutputContext } from './context.js';
import { OutputDestinationError } from './errors.js';
import { type FsEntry, platformDirName, walkTree } from './fs-walk.js';
import type { FilesOutput, OutputResult } from './types.js';

/** Copies each platform's file system into the output's directory. */
export async function exportLocal(out: FilesOutput, ctx: OutputContext): Promise<OutputResult> {
  if (typeof out.dest !== 'string') throw new Error('internal: a local output needs a directory');
  const dest = path.resolve(out.dest);
  const split = out.platformSplit ?? ctx.multiPlatform;
  const epoch = out.sourceDateEpoch ?? ctx.sourceDateEpoch;
  await makeRoot(dest);
  for (const target of ctx.targets) {
    const root = split ? path.join(dest, platformDirName(formatPlatform(target.platform))) : dest;
    if (split) await makeRoot(root);
    const view = await ctx.snapshots.view(target.chain);
    try {
      await copyTree(view.root, root, epoch, ctx.signal);
    } finally {
      await view.release();
    }
  }
  return { type: 'local', names: [], stored: [], pushed: [], written: dest };
}

async function makeRoot(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new OutputDestinationError(
      `cannot create the output directory ${dir}: ${(err as Error).message}`,
      'give a directory you can write with dest=DIR',
      err,
    );
  }
}

/** Copies the tree at `src` into `dest`; directories get their mode and time after their contents. */
export async function copyTree(
  src: string,
  dest: string,
  epoch: number | undefined,
  signal?: AbortSignal,
): Promise<{ skipped: number }> {
  const dirs: FsEntry[] = [];
  let skipped = 0;
  for await (const entry of walkTree(src, signal)) {
    const target = path.join(dest, entry.rel);
    if (entry.kind === 'fifo' || entry.kind === 'char' || entry.kind === 'block') {
      skipped++;
      continue;
    }
    await clearFor(target, entry.kind === 'dir');
    const seconds = epoch ?? Number(entry.stat.mtimeNs) / 1e9;
    switch (entry.kind) {
      case 'dir':
        await mkdir(target, { recursive: true, mode: 0o700 });
        dirs.push(entry);
        break;
      case 'file':
        await copyFile(entry.abs, target, constants.COPYFILE_FICLONE);
        await chmod(target, Number(entry.stat.mode & 0o7777n));
        await utimes(target, seconds, seconds);
        break;
      case 'symlink':
        await symlink(entry.link ?? '', target);
        await lutimes(target, seconds, seconds);
        break;
      case 'hardlink':
        await link(path.join(dest, entry.link ?? ''), target);
        break;
    }
  }
  for (const d of dirs.reverse()) {
    const target = path.join(dest, d.rel);
    const seconds = epoch ?? Number(d.stat.mtimeNs) / 1e9;
    await chmod(target, Number(d.stat.mode & 0o7777n));
    await utimes(target, seconds, seconds);
  }
  return { skipped };
}

/** Removes what is at `target` unless it is a directory and a directory goes there. */
async function clearFor(target: string, isDir: boolean): Promise<void> {
  const st = await lstat(target).catch(() => undefined);
  if (st === undefined || (isDir && st.isDirectory())) return;
  await rm(target, { recursive: true, force: true });
}

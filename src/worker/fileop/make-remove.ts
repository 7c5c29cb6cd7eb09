/**
 * The mkdir, mkfile and rm actions. Paths are `/`-rooted inside the destination and resolved with
 * scoped resolution (a final symlink is followed by mkdir and mkfile, never by rm).
 *
 * - mkdir (WORKDIR): with `parents`, every missing component is made with `mode & 0777`, the
 *   owner and the time (BuildKit's `MkdirAll`); an existing directory is left as it is; a
 *   non-directory in the way is an error. Without `parents` the parent must exist, and an
 *   existing path is not an error (BuildKit ignores EEXIST).
 * - mkfile (heredocs): writes `data` with `mode & 0777`, replacing a non-directory at the path.
 *   Missing parents are made 0755 with the same owner, as the COPY of a heredoc does in BuildKit
 *   (its frontend copies a file made in scratch; here the file is made in place). The owner is
 *   `chown`, else root.
 * - rm: removes the path and everything below it; a missing path is an error unless
 *   `allowNotFound`. The root itself cannot be removed.
 *
 * With SOURCE_DATE_EPOCH, what is made gets that atime/mtime; otherwise the current time.
 */
import { chmod, lchown, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileAction } from '../../graph/ops.js';
import { resolveOwner } from './chown.js';
import type { RunContext } from './copy.js';
import { displayPath, makeDir, mkdirAll, resolveDest } from './dest-tree.js';
import { FileActionPathError, FileOpIoError } from './errors.js';
import { lstatIfPresent } from './fs-probe.js';

type MkdirAction = Extract<FileAction, { action: 'mkdir' }>;
type MkfileAction = Extract<FileAction, { action: 'mkfile' }>;
type RmAction = Extract<FileAction, { action: 'rm' }>;

/** Runs a mkdir action. */
export async function runMkdir(action: MkdirAction, ctx: RunContext): Promise<void> {
  const owner = action.chown === undefined ? undefined : await resolveOwner(ctx.destRoot, action.chown);
  const spec = { mode: action.mode & 0o777, owner, time: ctx.time };
  const abs = resolveDest(ctx.destRoot, action.path);
  if (action.parents) {
    ctx.counter.written += (await mkdirAll(ctx.destRoot, abs, spec)).length;
    return;
  }
  if ((await lstatIfPresent(abs)) !== undefined) return;
  const parent = path.dirname(abs);
  if (!(await lstatIfPresent(parent))?.isDirectory()) {
    throw new FileActionPathError(
      action.path,
      `cannot create directory ${action.path}: its parent ${displayPath(ctx.destRoot, parent)} does not exist`,
      { hint: 'create the parent first, or make the directory with its parents' },
    );
  }
  await makeDir(abs, spec);
  ctx.counter.written++;
}

/** Runs a mkfile action. */
export async function runMkfile(action: MkfileAction, ctx: RunContext): Promise<void> {
  const owner = action.chown === undefined ? undefined : await resolveOwner(ctx.destRoot, action.chown);
  const abs = resolveDest(ctx.destRoot, action.path);
  const shown = displayPath(ctx.destRoot, abs);
  if (abs === path.resolve(ctx.destRoot)) {
    throw new FileActionPathError(action.path, `cannot write file ${action.path}: it is the root directory`);
  }
  await mkdirAll(ctx.destRoot, path.dirname(abs), { mode: 0o755, owner, time: ctx.time });
  const existing = await lstatIfPresent(abs);
  if (existing?.isDirectory()) {
    throw new FileActionPathError(action.path, `cannot write file ${shown}: a directory is there`, {
      hint: 'write the file into the directory (end the destination with "/"), or remove the directory first',
    });
  }
  const mode = action.mode & 0o777;
  try {
    if (existing !== undefined) await rm(abs);
    await writeFile(abs, action.data, { mode, flag: 'wx' });
    await chmod(abs, mode);
    if (owner !== undefined) await lchown(abs, owner.uid, owner.gid);
    if (ctx.time !== undefined) await utimes(abs, ctx.time, ctx.time);
  } catch (err) {
    throw new FileOpIoError(`cannot write file ${shown}`, err);
  }
  ctx.counter.written++;
}

/** Runs an rm action. */
export async function runRm(action: RmAction, ctx: RunContext): Promise<void> {
  const parts = action.path.split('/').filter((p) => p !== '' && p !== '.');
  const clean = path.posix.normalize(`/${parts.join('/')}`);
  if (clean === '/') {
    throw new FileActionPathError(action.path, `cannot remove "${action.path}": it is the root directory`);
  }
  const parent = resolveDest(ctx.destRoot, path.posix.dirname(clean));
  const abs = `${parent}/${path.posix.basename(clean)}`;
  if ((await lstatIfPresent(abs)) === undefined) {
    if (action.allowNotFound) return;
    throw new FileActionPathError(action.path, `cannot remove ${clean}: no such file or directory`, {
      hint: 'check the path, or allow it to be missing',
    });
  }
  try {
    await rm(abs, { recursive: true, force: true });
  } catch (err) {
    throw new FileOpIoError(`cannot remove ${displayPath(ctx.destRoot, abs)}`, err);
  }
}

/**
 * The working directory of a step: resolved inside the root file system (symlinks followed
 * within it) and, when missing, created as BuildKit does: every missing directory with mode 0755,
 * owned by the step's user and primary group. Directories that exist are left as they are.
 */
import { chmod, chown, lstat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { resolveInRoot } from '../../layer/scoped-path.js';
import { WorkdirError } from './errors.js';

/** Makes sure `cwd` exists in `rootfs`; returns its host path. Throws {@link WorkdirError}. */
export async function ensureWorkdir(rootfs: string, cwd: string, uid: number, gid: number): Promise<string> {
  const root = path.resolve(rootfs);
  try {
    const target = resolveInRoot(root, cwd);
    const missing: string[] = [];
    let p = target;
    while (p !== root && !(await lstat(p).catch(() => undefined))) {
      missing.unshift(p);
      p = path.dirname(p);
    }
    for (const dir of missing) {
      await mkdir(dir);
      await chmod(dir, 0o755);
      await chown(dir, uid, gid);
    }
    return target;
  } catch (err) {
    throw new WorkdirError(cwd, err);
  }
}

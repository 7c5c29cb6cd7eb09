/**
 * Mount stubs: runc creates an empty file or directory in the root file system for every mount
 * destination that does not exist there (and the missing directories above it). Left behind,
 * they would end up in the step's layer. As BuildKit does, the executor notes before the run
 * which destinations (always /etc/resolv.conf and /etc/hosts, plus the step's mounts) and which
 * of their parents are missing, and afterwards removes each that is still an empty file or an
 * empty directory, deepest first (BuildKit goes mount by mount, which can leave a parent shared
 * by two mounts behind), restoring the parent directory's access and modification times
 * so the layer stays reproducible. Anything the step put there is kept.
 */
import { lstat, readdir, rmdir, stat, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { resolveInRoot } from '../../layer/scoped-path.js';

/** Destinations that are always mounted over. */
const ALWAYS_MOUNTED = ['/etc/resolv.conf', '/etc/hosts'];

/**
 * Notes the missing mount destinations of `targets` (container paths) in `rootfs`; the returned
 * function removes those runc created and the step left empty.
 */
export async function collectMountStubs(
  rootfs: string,
  targets: readonly string[],
): Promise<() => Promise<void>> {
  const root = path.resolve(rootfs);
  const stubs: string[] = [];
  for (const target of [...ALWAYS_MOUNTED, ...targets]) {
    const clean = path.posix.join('/', target);
    if (clean === '/') continue;
    let p = resolveInRoot(root, clean);
    while (p !== root && p.startsWith(root) && !(await exists(p))) {
      if (!stubs.includes(p)) stubs.push(p);
      p = path.dirname(p);
    }
  }
  // Deepest first, so that a directory emptied by removing its stubs goes too.
  stubs.sort((a, b) => b.split('/').length - a.split('/').length);
  return () => removeStubs(stubs);
}

async function removeStubs(stubs: readonly string[]): Promise<void> {
  for (const p of stubs) {
    const st = await lstat(p).catch(() => undefined);
    if (!st) continue;
    if (st.isDirectory()) {
      const entries = await readdir(p).catch(() => undefined);
      if (entries === undefined || entries.length > 0) continue;
    } else if (st.size !== 0) {
      continue;
    }
    const parent = path.dirname(p);
    const parentSt = await stat(parent).catch(() => undefined);
    await (st.isDirectory() ? rmdir(p) : unlink(p)).catch(() => undefined);
    if (parentSt) await utimes(parent, parentSt.atime, parentSt.mtime).catch(() => undefined);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Empty state for a tool ("cold"): a directory made empty again, after unmounting whatever a
 * tool left mounted under it (overlay mounts of buildah's and podman's storage, Manifold's
 * snapshots), deepest first, so `rm -rf` never walks into a live mount.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';

/** Mount points at or under `dir`, deepest first (from /proc/self/mountinfo). */
export function mountsUnder(dir: string): string[] {
  const root = path.resolve(dir);
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8))))
    .filter((p) => p === root || p.startsWith(`${root}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Unmounts everything under `dir` (lazily where a plain unmount is refused). */
export function unmountUnder(dir: string): void {
  for (const p of mountsUnder(dir)) {
    const r = spawnSync('umount', [p], { stdio: 'ignore' });
    if (r.status !== 0) spawnSync('umount', ['-l', p], { stdio: 'ignore' });
  }
}

/** Makes `dir` exist and be empty. */
export async function emptyDir(dir: string): Promise<void> {
  unmountUnder(dir);
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  await mkdir(dir, { recursive: true });
}

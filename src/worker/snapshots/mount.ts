/**
 * overlayfs and bind mounts through mount(8)/umount(8): Node has no mount syscall. Lower
 * directories are passed relative to the snapshot root (the command runs there), which keeps
 * the option string short enough for deep layer stacks, as containerd does.
 */
import { spawn } from 'node:child_process';
import { ManifoldError } from '../../errors/index.js';

/** A mount or unmount failed. */
export class MountError extends ManifoldError {
  constructor(message: string, cause?: unknown) {
    super('E_MOUNT', message, {
      hint: 'Manifold needs root (or CAP_SYS_ADMIN) and a kernel with overlayfs to run build steps',
      cause,
    });
    this.name = 'MountError';
  }
}

function run(command: string, args: readonly string[], cwd: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (err) => reject(new MountError(`cannot run ${command}: ${err.message}`, err)));
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new MountError(`${command} ${args.join(' ')} failed: ${stderr.trim() || `exit ${code}`}`)),
    );
  });
}

/**
 * Mounts an overlay at `target`. `lowers` are paths relative to `cwd`, topmost first. Without an
 * upper directory the mount is read-only (and needs at least two lowers).
 */
export function mountOverlay(
  target: string,
  cwd: string,
  lowers: readonly string[],
  upper?: { upper: string; work: string },
): Promise<void> {
  const options = [`lowerdir=${lowers.join(':')}`];
  if (upper) options.push(`upperdir=${upper.upper}`, `workdir=${upper.work}`);
  // index=off, redirect_dir=off and metacopy=off keep upper directories self-contained, so each is a layer diff.
  options.push('index=off', 'redirect_dir=off', 'metacopy=off');
  return run('mount', ['-t', 'overlay', 'overlay', '-o', options.join(','), target], cwd);
}

/** Bind-mounts `source` at `target` (read-only when asked). */
export async function mountBind(source: string, target: string, readonly: boolean): Promise<void> {
  await run('mount', ['--bind', source, target], undefined);
  if (readonly) await run('mount', ['-o', 'remount,bind,ro', target], undefined);
}

/** Unmounts `target` (lazily when busy, so a dying process never leaves the build stuck). */
export async function unmount(target: string): Promise<void> {
  try {
    await run('umount', [target], undefined);
  } catch {
    await run('umount', ['-l', target], undefined);
  }
}

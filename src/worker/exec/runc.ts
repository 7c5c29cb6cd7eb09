/**
 * Runs one process in a runc container from a bundle (a directory with config.json; the root
 * file system lives elsewhere, named by absolute path). Only stdio reaches the container: stdin
 * is /dev/null, stdout and stderr are pipes streamed to the caller. The container is deleted
 * afterwards, also when the caller aborts.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ContainerStartError } from './errors.js';
import { buildRuntimeSpec, type ContainerSpecOptions } from './spec.js';

/** Where runc and its state live. */
export interface RuncOptions {
  /** The runc binary; default `runc` from PATH. */
  readonly runc?: string;
  /** runc's state directory (`--root`); default /run/manifold/runc. */
  readonly stateDir?: string;
  /** Directory for bundles; default the OS temp dir. */
  readonly bundleDir?: string;
}

/** The outcome of a container run. */
export interface ContainerResult {
  /** The process's exit code (128+signal when killed by a signal). */
  readonly exitCode: number;
}

/** Runs `spec` to completion; `onOutput` receives stdout and stderr chunks as they come. */
export async function runContainer(
  spec: ContainerSpecOptions,
  onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void,
  options: RuncOptions & { signal?: AbortSignal } = {},
): Promise<ContainerResult> {
  const runc = options.runc ?? 'runc';
  const stateDir = options.stateDir ?? '/run/manifold/runc';
  await mkdir(stateDir, { recursive: true });
  const bundle = await mkdtemp(path.join(options.bundleDir ?? '/tmp', 'manifold-bundle-'));
  const id = `manifold-${randomBytes(8).toString('hex')}`;
  try {
    await writeFile(path.join(bundle, 'config.json'), JSON.stringify(buildRuntimeSpec(spec)));
    const exitCode = await spawnRunc(
      runc,
      ['--root', stateDir, 'run', '--bundle', bundle, '--no-new-keyring', id],
      onOutput,
      options.signal,
      () => killContainer(runc, stateDir, id),
    );
    return { exitCode };
  } finally {
    await deleteContainer(runc, stateDir, id);
    await rm(bundle, { recursive: true, force: true });
  }
}

function spawnRunc(
  runc: string,
  args: string[],
  onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void,
  signal: AbortSignal | undefined,
  onAbort: () => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const child = spawn(runc, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // A cancel can come before runc has created the container, when `runc kill` finds nothing
    // to kill yet: try again until runc exits.
    let retry: NodeJS.Timeout | undefined;
    const abort = () => {
      onAbort();
      retry = setInterval(onAbort, 250);
    };
    signal?.addEventListener('abort', abort, { once: true });
    child.stdout.on('data', (d: Buffer) => onOutput('stdout', d));
    child.stderr.on('data', (d: Buffer) => onOutput('stderr', d));
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearInterval(retry);
      signal?.removeEventListener('abort', abort);
      reject(
        err.code === 'ENOENT'
          ? new ContainerStartError(
              `cannot run "${runc}": not found`,
              'install runc (apt-get install runc) or put it on PATH',
              err,
            )
          : new ContainerStartError(
              `cannot run "${runc}": ${err.message}`,
              'check that runc is installed and executable',
              err,
            ),
      );
    });
    child.on('close', (code, sig) => {
      clearInterval(retry);
      signal?.removeEventListener('abort', abort);
      if (signal?.aborted) reject(signal.reason ?? new Error('aborted'));
      else resolve(code ?? 128 + signalNumber(sig));
    });
  });
}

function signalNumber(sig: NodeJS.Signals | null): number {
  return sig === 'SIGKILL' ? 9 : sig === 'SIGTERM' ? 15 : 1;
}

function quiet(runc: string, args: string[]): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(runc, args, { stdio: 'ignore' });
    child.on('error', () => resolve());
    child.on('close', () => resolve());
  });
}

function killContainer(runc: string, stateDir: string, id: string): void {
  void quiet(runc, ['--root', stateDir, 'kill', '--all', id, 'KILL']);
}

function deleteContainer(runc: string, stateDir: string, id: string): Promise<void> {
  return quiet(runc, ['--root', stateDir, 'delete', '--force', id]);
}

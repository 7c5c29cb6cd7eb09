/**
 * End-to-end helpers: run the compiled `manifold` CLI as a user would, against the test world's
 * real registry, with a private MANIFOLD_HOME per test.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/paths.js';

/** What a command printed and how it ended. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The process's pid. */
  readonly pid: number;
}

/**
 * Runs `manifold ARGS` (the compiled CLI) with `env` added to this process's environment.
 * Builds run in the command's own process (MANIFOLD_RESIDENT=0): every test home would otherwise
 * leave a resident builder behind. test/e2e/resident.test.ts covers the resident builder, and
 * `env` can turn it back on.
 */
export function manifold(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<RunResult> {
  return runCommand(process.execPath, [path.join(repoRoot, 'bin', 'manifold.js'), ...args], {
    MANIFOLD_RESIDENT: '0',
    ...env,
  });
}

/** Runs any command (in `cwd`, default this process's directory). */
export function runCommand(
  cmd: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  cwd?: string,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr, pid: child.pid ?? 0 }));
  });
}

/** The plain registry of the test world (`host:port`), or undefined when it is not running. */
export function testRegistry(): string | undefined {
  if (process.env.MANIFOLD_TEST_REGISTRY) return process.env.MANIFOLD_TEST_REGISTRY;
  const dir = process.env.MANIFOLD_TESTWORLD_DIR ?? '/tmp/manifold-testworld';
  const file = path.join(dir, 'env.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>).MANIFOLD_TEST_REGISTRY;
}

/** The busybox root file system tarballs made by scripts/testworld/rootfs.sh. */
export const ROOTFS_DIR = process.env.MANIFOLD_TESTWORLD_ROOTFS ?? '/var/cache/manifold-testworld/rootfs';

/** A fresh MANIFOLD_HOME; with `mirror`, its buildkitd.toml maps docker.io to that registry. */
export async function freshHome(mirror?: string): Promise<string> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'manifold-e2e-'));
  if (mirror)
    await writeFile(path.join(home, 'buildkitd.toml'), `[registry."docker.io"]\n  mirrors = ["${mirror}"]\n`);
  return home;
}

/** A build context directory holding `files`. */
export async function makeContext(files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'manifold-ctx-'));
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

/**
 * Builds the test world's base image (busybox for three platforms, from Debian's packages) with
 * Manifold and pushes it to `registry` as library/busybox and library/alpine, the stand-ins
 * that a docker.io mirror entry serves.
 */
export async function publishBaseImages(registry: string): Promise<void> {
  const home = await freshHome();
  const ctx = await mkdtemp(path.join(os.tmpdir(), 'manifold-base-'));
  for (const f of await readdir(ROOTFS_DIR))
    if (f.endsWith('.tar')) await cp(path.join(ROOTFS_DIR, f), path.join(ctx, f));
  const res = await manifold(
    [
      'build',
      '--progress',
      'quiet',
      '--platform',
      'linux/amd64,linux/arm64,linux/arm/v7',
      '-t',
      `${registry}/library/busybox`,
      '-t',
      `${registry}/library/alpine`,
      '--push',
      '-f',
      path.join(repoRoot, 'scripts', 'testworld', 'base', 'Dockerfile'),
      ctx,
    ],
    { MANIFOLD_HOME: home },
  );
  if (res.code !== 0) throw new Error(`base image build failed:\n${res.stderr}`);
}

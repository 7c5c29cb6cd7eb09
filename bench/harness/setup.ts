/**
 * Everything the benchmark needs before it measures, each step idempotent:
 * 1. The test world's packages with the peers (`scripts/testworld/install.sh --peers`: buildah,
 *    podman, skopeo, runc, qemu-user-static, docker-registry), the qemu emulators in
 *    binfmt_misc (`binfmt.sh register`) and the busybox root file systems (`rootfs.sh`).
 * 2. Two registries of the benchmark's own (its own state dirs and ports, so tests running at
 *    the same time are not disturbed): A on 127.0.0.1:5531 (base images, every push), B on
 *    127.0.0.1:5533 (target of the registry-to-registry copies of the big scenario); their TLS
 *    twins on 5532 and 5534 are started by registry.sh but not used. Both are listed as
 *    insecure for buildah, podman and skopeo in
 *    /etc/containers/registries.conf.d/60-manifold-bench.conf.
 * 3. Manifold built from the working tree as `npm run build` does (tsc, then the CLI bundle when
 *    scripts/bundle-cli.mjs exists) into WORKDIR/manifold/: its own dist/ and bin/, so a rebuild
 *    of the shared dist/ by someone else during a run changes nothing (WORKDIR/node_modules
 *    links to the repository's).
 * 4. The base images: Manifold builds scripts/testworld/base/Dockerfile for three platforms
 *    and pushes it to A as library/busybox and library/alpine, which every tool then pulls.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type ManifoldCommand, manifoldArgv } from './builders.js';
import { runQuiet } from './measure.js';
import { emptyDir } from './state-dir.js';

/** Ports of the benchmark's registries. */
export const REGISTRY_A = { dir: 'tw-a', port: 5531, tlsPort: 5532 } as const;
export const REGISTRY_B = { dir: 'tw-b', port: 5533, tlsPort: 5534 } as const;
const REGISTRIES_CONF = '/etc/containers/registries.conf.d/60-manifold-bench.conf';
const ROOTFS_DIR = process.env.MANIFOLD_TESTWORLD_ROOTFS ?? '/var/cache/manifold-testworld/rootfs';

/** Where things are. */
export interface SetupPaths {
  readonly repoRoot: string;
  /** Scratch space (contexts, states, registries). */
  readonly workDir: string;
  /** `bench/out`. */
  readonly outDir: string;
  /** Set-up log. */
  readonly log: string;
}

/** Runs a test-world script with a clean registry-port environment. */
async function testworld(
  paths: SetupPaths,
  script: string,
  args: string[],
  env: Record<string, string> = {},
) {
  await runQuiet({
    cmd: 'bash',
    args: [path.join(paths.repoRoot, 'scripts', 'testworld', script), ...args],
    env: { MANIFOLD_TEST_REGISTRY_PORT: '', MANIFOLD_TEST_TLS_REGISTRY_PORT: '', ...env },
    log: paths.log,
  });
}

/** Step 1 and 2; returns the registries' `host:port`. */
export async function setUpWorld(paths: SetupPaths, skipInstall: boolean): Promise<{ a: string; b: string }> {
  if (process.getuid?.() !== 0) throw new Error('the benchmark runs as root (runc, overlay mounts, apt)');
  if (!skipInstall) {
    await testworld(paths, 'install.sh', ['--peers']);
    await testworld(paths, 'binfmt.sh', ['register']);
    await testworld(paths, 'rootfs.sh', []);
  }
  await writeRegistriesConf();
  for (const r of [REGISTRY_A, REGISTRY_B]) {
    await testworld(paths, 'registry.sh', ['start', '--dir', path.join(paths.workDir, r.dir)], {
      MANIFOLD_TEST_REGISTRY_PORT: String(r.port),
      MANIFOLD_TEST_TLS_REGISTRY_PORT: String(r.tlsPort),
    });
  }
  return { a: `127.0.0.1:${REGISTRY_A.port}`, b: `127.0.0.1:${REGISTRY_B.port}` };
}

async function writeRegistriesConf(): Promise<void> {
  const want = [
    '# Written by manifold bench/harness/setup.ts: the benchmark registries on loopback (plain HTTP).',
    ...[REGISTRY_A.port, REGISTRY_B.port].flatMap((p) => [
      '',
      '[[registry]]',
      `location = "127.0.0.1:${p}"`,
      'insecure = true',
    ]),
    '',
  ].join('\n');
  const have = await readFile(REGISTRIES_CONF, 'utf8').catch(() => '');
  if (have === want) return;
  await mkdir(path.dirname(REGISTRIES_CONF), { recursive: true });
  await writeFile(REGISTRIES_CONF, want);
}

/** What compiling Manifold gave. */
export interface CompiledManifold {
  readonly command: ManifoldCommand;
  /** `working tree` or `HEAD (…)`: which sources were compiled. */
  readonly source: string;
  /** tsc's complaints about the working tree when it fell back to HEAD. */
  readonly typeErrors: string[];
}

/** The compiled copy lives in the work dir; `WORKDIR/node_modules` makes its imports resolve. */
async function linkNodeModules(paths: SetupPaths): Promise<void> {
  const link = path.join(paths.workDir, 'node_modules');
  await rm(link, { recursive: true, force: true });
  await symlink(path.join(paths.repoRoot, 'node_modules'), link);
}

/**
 * The second half of `npm run build` where the sources have it: scripts/bundle-cli.mjs bundles
 * dist/cli into dist/manifold.cjs (what bin/manifold.js loads), run in the compiled copy.
 */
async function bundle(from: string, root: string): Promise<void> {
  const script = path.join(from, 'scripts', 'bundle-cli.mjs');
  if (!(await readFile(script).catch(() => undefined))) return;
  const r = spawnSync(process.execPath, [script], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundling the CLI failed:\n${r.stdout}${r.stderr}`);
}

/** Runs tsc on `project` into `outDir`; returns its error lines. */
function tsc(repoRoot: string, project: string, outDir: string): string[] {
  const bin = path.join(repoRoot, 'node_modules', '.bin', 'tsc');
  const r = spawnSync(bin, ['-p', project, '--outDir', outDir], {
    cwd: path.dirname(project),
    encoding: 'utf8',
  });
  return `${r.stdout}${r.stderr}`.split('\n').filter((l) => /error TS\d+/.test(l));
}

/**
 * Step 3: compiles src/ into WORKDIR/manifold/dist and copies bin/ and package.json
 * beside it. Other people edit src/ while this runs: when the working tree does not type-check
 * (someone is half-way through a change), the last commit is compiled instead (`git archive
 * HEAD`, which reads the repository without changing it) and the report says so.
 */
export async function compileManifold(paths: SetupPaths, skipBuild: boolean): Promise<CompiledManifold> {
  const root = path.join(paths.workDir, 'manifold');
  if (skipBuild) return { command: { repoRoot: root }, source: 'reused from an earlier run', typeErrors: [] };
  await emptyDir(root);
  await linkNodeModules(paths);
  const dist = path.join(root, 'dist');
  let source = 'working tree';
  let from = paths.repoRoot;
  const typeErrors = tsc(paths.repoRoot, path.join(paths.repoRoot, 'tsconfig.build.json'), dist);
  if (typeErrors.length > 0) {
    from = path.join(paths.workDir, 'manifold-head');
    await emptyDir(from);
    const files = ['src', 'bin', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
    const git = spawnSync('sh', ['-c', `git archive HEAD ${files.join(' ')} | tar -x -C "${from}"`], {
      cwd: paths.repoRoot,
    });
    if (git.status !== 0) throw new Error(`git archive HEAD failed: ${git.stderr}`);
    await emptyDir(dist);
    const headErrors = tsc(paths.repoRoot, path.join(from, 'tsconfig.build.json'), dist);
    if (headErrors.length > 0) throw new Error(`HEAD does not compile either:\n${headErrors.join('\n')}`);
    const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: paths.repoRoot,
      encoding: 'utf8',
    });
    source = `HEAD (${commit.stdout.trim()}): the working tree had ${typeErrors.length} type errors`;
  }
  await mkdir(path.join(root, 'bin'), { recursive: true });
  // bin/package.json makes manifold.js CommonJS.
  for (const f of await readdir(path.join(from, 'bin')))
    await copyFile(path.join(from, 'bin', f), path.join(root, 'bin', f));
  await copyFile(path.join(from, 'package.json'), path.join(root, 'package.json'));
  await bundle(from, root);
  return { command: { repoRoot: root }, source, typeErrors };
}

/** Step 4: the base images in registry `registry` as library/busybox and library/alpine. */
export async function publishBaseImages(paths: SetupPaths, command: ManifoldCommand, registry: string) {
  const home = path.join(paths.workDir, 'base-home');
  const ctx = path.join(paths.workDir, 'base-context');
  await emptyDir(home);
  await emptyDir(ctx);
  for (const f of await readdir(ROOTFS_DIR))
    if (f.endsWith('.tar')) await copyFile(path.join(ROOTFS_DIR, f), path.join(ctx, f));
  const argv = manifoldArgv(command, [
    'build',
    '--progress',
    'plain',
    '--platform',
    'linux/amd64,linux/arm64,linux/arm/v7',
    '-t',
    `${registry}/library/busybox`,
    '-t',
    `${registry}/library/alpine`,
    '--push',
    '-f',
    path.join(paths.repoRoot, 'scripts', 'testworld', 'base', 'Dockerfile'),
    ctx,
  ]);
  // Set-up only: no resident builder left behind for this state directory.
  await runQuiet({ ...argv, env: { MANIFOLD_HOME: home, MANIFOLD_RESIDENT: '0' }, log: paths.log });
}

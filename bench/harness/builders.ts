/**
 * The builders under test, behind one interface: each builds a Dockerfile for several platforms
 * and pushes the result to the benchmark registry as one multi-platform image, from its own
 * state directory (so "cold" is that directory emptied).
 *
 * - Manifold: `node bin/manifold.js build --progress rawjson --platform … -t IMAGE --push CTX`
 *   with MANIFOLD_HOME in its state directory; one command does build and push. A build that
 *   found no resident builder starts one (as a user's would); later builds run in it, and its
 *   CPU time and peak RSS are added to theirs (resident.ts).
 * - buildah and podman (Debian's 1.28 and 4.3): `build --layers --runtime /usr/sbin/runc
 *   --network none --platform … --manifest LIST` then `manifest push --all LIST docker://IMAGE`,
 *   with their own `--root`/`--runroot` (overlay driver); both commands are timed and added up.
 *   buildah 1.28 appends to an existing list on `--manifest`, so the list is removed first
 *   (`manifest rm`, not timed: Manifold has nothing to match it).
 */
import path from 'node:path';
import { combineSamples, measure, runQuiet, type Sample } from './measure.js';
import { residentCpuOfRun, residentUsage, settleResident, stopResidentOf } from './resident.js';
import { emptyDir } from './state-dir.js';

/** Names of the builders. */
export type BuilderName = 'manifold' | 'buildah' | 'podman';

/** One build to run. */
export interface BuildRequest {
  readonly context: string;
  /** Absolute path of the Dockerfile. */
  readonly dockerfile: string;
  readonly platforms: readonly string[];
  readonly buildArgs: Readonly<Record<string, string>>;
  /** Full reference pushed to: `127.0.0.1:5531/bench/hello-manifold-r1`. */
  readonly image: string;
  /** Log file of this run. */
  readonly log: string;
}

/** A builder under test. */
export interface Builder {
  readonly name: BuilderName;
  /** Empties the builder's state (a cold start). */
  reset(): Promise<void>;
  /** Builds and pushes; the cost of the whole. */
  build(request: BuildRequest): Promise<Sample>;
}

/** How Manifold is run. */
export interface ManifoldCommand {
  /** The repository root (bin/manifold.js and dist/ live there). */
  readonly repoRoot: string;
  /** With `--cpu-prof`: each measured run writes its CPU profile to PROFILEDIR/RUN-NAME/. */
  readonly profileDir?: string;
}

/**
 * `node [--cpu-prof …] bin/manifold.js ARGS…`. `runName` (the run's log name) places the CPU
 * profile when profiling is on; set-up commands pass none and are never profiled.
 */
export function manifoldArgv(
  cmd: ManifoldCommand,
  args: readonly string[],
  runName?: string,
): { cmd: string; args: string[] } {
  const prof =
    cmd.profileDir && runName ? ['--cpu-prof', '--cpu-prof-dir', path.join(cmd.profileDir, runName)] : [];
  return { cmd: process.execPath, args: [...prof, path.join(cmd.repoRoot, 'bin', 'manifold.js'), ...args] };
}

/** The run name of a log file (`hello-cold-r1-manifold`). */
export function runName(log: string): string {
  return path.basename(log, '.log');
}

function buildArgFlags(buildArgs: Readonly<Record<string, string>>): string[] {
  return Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
}

/** Manifold, with its state in `stateDir` (MANIFOLD_HOME). */
export function manifoldBuilder(stateDir: string, command: ManifoldCommand): Builder {
  return {
    name: 'manifold',
    reset: async () => {
      await stopResidentOf(stateDir);
      await emptyDir(stateDir);
    },
    async build(req) {
      const argv = manifoldArgv(
        command,
        [
          'build',
          '--progress',
          'rawjson',
          '-f',
          req.dockerfile,
          '--platform',
          req.platforms.join(','),
          ...buildArgFlags(req.buildArgs),
          '-t',
          req.image,
          '--push',
          req.context,
        ],
        runName(req.log),
      );
      const before = await residentUsage(stateDir);
      // A profiled run must do its work in the profiled process, not in the resident builder.
      const env = { MANIFOLD_HOME: stateDir, ...(command.profileDir ? { MANIFOLD_RESIDENT: '0' } : {}) };
      const sample = await measure({ ...argv, env, log: req.log });
      // A run without a resident starts one: wait (untimed) until it is up and warm, and count
      // its start and warm-up as this run's CPU time.
      if (before === undefined && !command.profileDir) await settleResident(stateDir);
      const after = await residentUsage(stateDir);
      return {
        ...sample,
        userMs: sample.userMs + residentCpuOfRun(before, after),
        maxRssKb: Math.max(sample.maxRssKb, after?.peakRssKb ?? 0),
      };
    },
  };
}

/** Options of buildah and podman runs. */
export interface ContainersOptions {
  /** buildah's and podman's `--jobs` (stages run at once); undefined: the tool's default. */
  readonly jobs?: number;
}

/** buildah or podman with their own storage under `stateDir`. */
export function containersBuilder(
  name: 'buildah' | 'podman',
  stateDir: string,
  options: ContainersOptions = {},
): Builder {
  const global = [
    '--root',
    path.join(stateDir, 'root'),
    '--runroot',
    path.join(stateDir, 'runroot'),
    '--storage-driver',
    'overlay',
  ];
  const list = `manifold-bench-list`;
  return {
    name,
    async reset() {
      await runQuiet({ cmd: name, args: [...global, 'rm', '-a'], log: '/dev/null' }, true);
      await emptyDir(stateDir);
    },
    async build(req) {
      await runQuiet({ cmd: name, args: [...global, 'manifest', 'rm', list], log: req.log }, true);
      const build = await measure({
        cmd: name,
        args: [
          ...global,
          'build',
          '--layers',
          '--runtime',
          '/usr/sbin/runc',
          '--network',
          'none',
          ...(options.jobs === undefined ? [] : ['--jobs', String(options.jobs)]),
          '--platform',
          req.platforms.join(','),
          '--manifest',
          list,
          '-f',
          req.dockerfile,
          ...buildArgFlags(req.buildArgs),
          req.context,
        ],
        log: req.log,
      });
      const push = await measure({
        cmd: name,
        args: [...global, 'manifest', 'push', '--all', list, `docker://${req.image}`],
        log: req.log,
      });
      return combineSamples([build, push]);
    },
  };
}

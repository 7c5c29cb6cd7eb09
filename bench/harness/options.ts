/**
 * The benchmark's command line (`npm run bench -- [options]`):
 *   --quick            smaller sizes (1,000 files / 10 MB context, 64 MiB big layer, shorter
 *                      loops) and 1 repetition: for developing the harness, not for the record
 *   --only a,b         only these scenarios (hello, context, cross, stages, big)
 *   --reps N           repetitions (default 3; --quick: 1)
 *   --tools a,b        builders of every build scenario (default: manifold,buildah,podman for
 *                      hello, manifold,buildah for the others: podman builds with buildah's
 *                      own library, and the 20-minute budget has no room for it everywhere)
 *   --buildah-jobs N   pass --jobs N to buildah and podman (default: their own default, 1)
 *   --cpu-prof         run Manifold under `node --cpu-prof`: one folder of profiles per run
 *                      in bench/out/profiles/ (read them with bench/profile-summary.ts); the
 *                      profiler slows Manifold, so such a run is not of record; builds run in
 *                      the profiled process (MANIFOLD_RESIDENT=0), not in a resident builder
 *   --no-install       skip the apt/binfmt/rootfs steps of the set-up
 *   --no-build         reuse the Manifold compiled into WORKDIR/manifold by an earlier run
 *   --work DIR         scratch space (default /tmp/manifold-bench)
 *   --render           measure nothing: write bench/RESULTS.md again from bench/results.json
 *                      (after bench/FINDINGS.md changed)
 * A full run writes bench/RESULTS.md and bench/results.json; a partial one (--quick, --only,
 * --reps below 3, --tools, --cpu-prof) writes them under bench/out/ so the figures of record stay.
 */

import type { Sizes } from '../scenarios/types.js';
import type { BuilderName } from './builders.js';

/** Resolved options. */
export interface BenchOptions {
  readonly quick: boolean;
  readonly only: readonly string[] | undefined;
  /** Builders of a build scenario. */
  readonly toolsFor: (scenario: string) => readonly BuilderName[];
  readonly buildahJobs: number | undefined;
  readonly cpuProf: boolean;
  readonly install: boolean;
  readonly build: boolean;
  readonly workDir: string;
  readonly sizes: Sizes;
  /** Whether this run's figures are of record (written to bench/RESULTS.md). */
  readonly ofRecord: boolean;
}

export const SCENARIO_NAMES = ['hello', 'context', 'cross', 'stages', 'big'] as const;
const TOOL_NAMES: readonly BuilderName[] = ['manifold', 'buildah', 'podman'];

const DEFAULT_TOOLS: Readonly<Record<string, readonly BuilderName[]>> = {
  hello: ['manifold', 'buildah', 'podman'],
};

const FULL: Sizes = {
  reps: 3,
  contextFiles: 10_000,
  contextBytes: 100_000_000,
  crossIterations: 750_000,
  stagesIterations: 20_000,
  bigBytes: 2 ** 30,
};

const QUICK: Sizes = {
  reps: 1,
  contextFiles: 1_000,
  contextBytes: 10_000_000,
  crossIterations: 100_000,
  stagesIterations: 2_000,
  bigBytes: 64 * 2 ** 20,
};

function list(value: string | undefined, flag: string, allowed: readonly string[]): string[] {
  if (!value) throw new Error(`${flag} needs a comma-separated list of: ${allowed.join(', ')}`);
  const items = value.split(',').filter(Boolean);
  const bad = items.filter((i) => !allowed.includes(i));
  if (bad.length) throw new Error(`${flag}: unknown ${bad.join(', ')} (expected ${allowed.join(', ')})`);
  return items;
}

function positive(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number, got "${value}"`);
  return n;
}

/** Parses `argv` (without node and the script). */
export function parseOptions(argv: readonly string[]): BenchOptions {
  let quick = false;
  let only: string[] | undefined;
  let tools: BuilderName[] | undefined;
  let reps: number | undefined;
  let buildahJobs: number | undefined;
  const flags = { cpuProf: false, install: true, build: true };
  let workDir = '/tmp/manifold-bench';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => argv[++i];
    if (a === '--quick') quick = true;
    else if (a === '--only') only = list(next(), a, SCENARIO_NAMES);
    else if (a === '--tools') {
      tools = list(next(), a, TOOL_NAMES) as BuilderName[];
    } else if (a === '--reps') reps = positive(next(), a);
    else if (a === '--buildah-jobs') buildahJobs = positive(next(), a);
    else if (a === '--cpu-prof') flags.cpuProf = true;
    else if (a === '--no-install') flags.install = false;
    else if (a === '--no-build') flags.build = false;
    else if (a === '--work') workDir = next() ?? workDir;
    else throw new Error(`unknown option "${a}" (see the top of bench/harness/options.ts)`);
  }
  const base = quick ? QUICK : FULL;
  const sizes = { ...base, reps: reps ?? base.reps };
  const ofRecord = !quick && !only && sizes.reps >= 3 && !tools && !flags.cpuProf;
  const toolsFor = (scenario: string) => tools ?? DEFAULT_TOOLS[scenario] ?? ['manifold', 'buildah'];
  return { quick, only, toolsFor, buildahJobs, ...flags, workDir, sizes, ofRecord };
}

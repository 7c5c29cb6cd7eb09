/**
 * `npm run bench`: Manifold against buildah and podman (builds) and skopeo (transfers of a
 * 1 GiB layer) on the same work, in the same run, alternating, and the report of it
 * (bench/RESULTS.md, bench/results.json). Options: bench/harness/options.ts. Needs root.
 *
 * Order: set-up (bench/harness/setup.ts), then hello, context, cross, stages, big; each
 * measured run prints one line as it finishes; logs of every run go to bench/out/logs/.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Builder,
  containersBuilder,
  type ManifoldCommand,
  manifoldBuilder,
} from './harness/builders.js';
import { runQuiet } from './harness/measure.js';
import { type BenchOptions, parseOptions } from './harness/options.js';
import { summarizePhases } from './harness/phases.js';
import { groupStats, type RunRecord } from './harness/records.js';
import { type RunReport, writeReport } from './harness/report.js';
import { runBuildScenario } from './harness/run-builds.js';
import {
  compileManifold,
  publishBaseImages,
  REGISTRY_B,
  type SetupPaths,
  setUpWorld,
} from './harness/setup.js';
import { emptyDir } from './harness/state-dir.js';
import { machineInfo, toolVersions } from './harness/system.js';
import { checkTargets } from './harness/targets.js';
import { runBigScenario } from './scenarios/big.js';
import { BUILD_SCENARIOS } from './scenarios/build-scenarios.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(benchDir);

function say(line: string): void {
  process.stdout.write(`bench: ${line}\n`);
}

function printRecord(r: RunRecord): void {
  const cpu = (r.sample.userMs + r.sample.sysMs) / 1000;
  const rss = (r.sample.maxRssKb * 1024) / 1e6;
  say(
    `${r.scenario} ${r.variant} r${r.rep} ${r.tool.padEnd(8)} ${(r.sample.wallMs / 1000).toFixed(2)} s` +
      ` (cpu ${cpu.toFixed(2)} s, peak rss ${rss.toFixed(0)} MB)`,
  );
}

function builders(opts: BenchOptions, manifold: ManifoldCommand, scenario: string): Builder[] {
  const state = (name: string) => path.join(opts.workDir, 'state', name);
  return opts
    .toolsFor(scenario)
    .map((t) =>
      t === 'manifold'
        ? manifoldBuilder(state('manifold'), manifold)
        : containersBuilder(t, state(t), opts.buildahJobs === undefined ? {} : { jobs: opts.buildahJobs }),
    );
}

/** Set-up: the world, Manifold compiled, the base images; what the scenarios need from it. */
async function setUp(opts: BenchOptions, paths: SetupPaths) {
  const t0 = Date.now();
  say(`set-up (log: ${path.relative(repoRoot, paths.log)})`);
  const reg = await setUpWorld(paths, !opts.install);
  const compiled = await compileManifold(paths, !opts.build);
  const profDir = path.join(paths.outDir, 'profiles');
  if (opts.cpuProf) await emptyDir(profDir);
  const manifold: ManifoldCommand = {
    ...compiled.command,
    ...(opts.cpuProf ? { profileDir: profDir } : {}),
  };
  await publishBaseImages(paths, compiled.command, reg.a);
  say(`set-up done in ${((Date.now() - t0) / 1000).toFixed(0)} s; registries ${reg.a} and ${reg.b}`);
  return { reg, compiled, manifold };
}

/**
 * Runs the scenarios asked for. A scenario that fails (a tool's command exits non-zero) is
 * reported and the others still run; the records it made before failing are kept.
 */
async function runScenarios(
  opts: BenchOptions,
  paths: SetupPaths,
  world: Awaited<ReturnType<typeof setUp>>,
): Promise<{ records: RunRecord[]; failures: string[] }> {
  const records: RunRecord[] = [];
  const failures: string[] = [];
  const wanted = (name: string) => !opts.only || opts.only.includes(name);
  const env = {
    registry: world.reg.a,
    workDir: opts.workDir,
    logDir: path.dirname(paths.log),
    repoRoot,
    sizes: opts.sizes,
    runId: Date.now().toString(36),
    onRecord: (r: RunRecord) => {
      records.push(r);
      printRecord(r);
    },
  };
  const attempt = async (name: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (err) {
      const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
      failures.push(`Scenario ${name} failed: ${first} (see bench/out/logs/).`);
      say(`scenario ${name} FAILED: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  for (const scenario of BUILD_SCENARIOS.filter((s) => wanted(s.name))) {
    const list = builders(opts, world.manifold, scenario.name);
    await attempt(scenario.name, () => runBuildScenario(scenario, { ...env, builders: list }));
    for (const b of list) await b.reset();
  }
  if (wanted('big')) {
    const big = { ...env, registryA: world.reg.a, registryB: world.reg.b, manifold: world.manifold };
    await attempt('big', () =>
      runBigScenario({ ...big, resetRegistryB: () => resetRegistry(paths, REGISTRY_B) }),
    );
  }
  return { records, failures };
}

/** `--render`: RESULTS.md again from bench/results.json (after FINDINGS.md changed). */
async function render(): Promise<void> {
  const json = path.join(benchDir, 'results.json');
  const report = JSON.parse(await readFile(json, 'utf8')) as RunReport;
  const md = path.join(benchDir, 'RESULTS.md');
  await writeReport(report, { md, json, findings: path.join(benchDir, 'FINDINGS.md'), repoRoot });
  say(`wrote ${path.relative(repoRoot, md)} from ${path.relative(repoRoot, json)}`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--render')) return render();
  const opts = parseOptions(argv);
  const t0 = Date.now();
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const outDir = path.join(benchDir, 'out');
  await emptyDir(path.join(outDir, 'logs'));
  await mkdir(opts.workDir, { recursive: true });
  const paths: SetupPaths = {
    repoRoot,
    workDir: opts.workDir,
    outDir,
    log: path.join(outDir, 'logs', 'setup.log'),
  };
  const world = await setUp(opts, paths);
  const { records, failures } = await runScenarios(opts, paths, world);
  const stats = groupStats(records);
  const { compiled } = world;
  const report = {
    startedAt,
    durationS: (Date.now() - t0) / 1000,
    argv,
    quick: opts.quick,
    machine,
    loadAverageEnd: machineInfo().loadAverage,
    versions: toolVersions(compiled.command, repoRoot, compiled.source),
    notes: [
      ...(compiled.typeErrors.length
        ? [
            `The working tree did not type-check (${compiled.typeErrors.slice(0, 2).join('; ')}): HEAD was measured.`,
          ]
        : []),
      ...failures,
    ],
    sizes: opts.sizes,
    records,
    stats,
    targets: checkTargets(stats),
    phases: await summarizePhases(records, repoRoot),
  };
  const dir = opts.ofRecord ? benchDir : outDir;
  const md = path.join(dir, 'RESULTS.md');
  const files = {
    md,
    json: path.join(dir, 'results.json'),
    findings: path.join(benchDir, 'FINDINGS.md'),
    repoRoot,
  };
  await writeReport(report, files);
  for (const t of report.targets)
    say(`target ${t.name} ${t.bar}: ${t.measured}${t.met === false ? ' (NOT MET)' : ''}`);
  say(`done in ${(report.durationS / 60).toFixed(1)} min; wrote ${path.relative(repoRoot, md)}`);
}

async function resetRegistry(
  paths: SetupPaths,
  r: { dir: string; port: number; tlsPort: number },
): Promise<void> {
  const script = path.join(paths.repoRoot, 'scripts', 'testworld', 'registry.sh');
  const env = {
    MANIFOLD_TEST_REGISTRY_PORT: String(r.port),
    MANIFOLD_TEST_TLS_REGISTRY_PORT: String(r.tlsPort),
  };
  const dir = path.join(paths.workDir, r.dir);
  await runQuiet({ cmd: 'bash', args: [script, 'stop', '--dir', dir], env, log: paths.log });
  await runQuiet({ cmd: 'bash', args: [script, 'start', '--dir', dir], env, log: paths.log });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});

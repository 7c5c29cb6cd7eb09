/**
 * The big scenario: an image whose top layer holds one 1 GiB file of incompressible bytes
 * (linux/amd64 only: three platforms would be three such layers), moved by Manifold and by
 * skopeo, alternating, each repetition:
 * - pull: registry A → local store. Manifold: `manifold pull --platform linux/amd64 IMAGE` into
 *   an empty MANIFOLD_HOME; skopeo: `skopeo copy docker://IMAGE oci:DIR` into an empty OCI
 *   layout. Neither unpacks. Where the CLI has no `pull` yet, Manifold runs
 *   `manifold run --platform linux/amd64 IMAGE true` instead (pull, unpack and start a
 *   container: more work than skopeo's, and the report says so).
 * - push: to registry B, emptied just before (so nothing can be skipped or mounted from an
 *   earlier repetition). Manifold: `manifold tag` (not timed) of what it pulled, then
 *   `manifold push`; skopeo: `skopeo copy docker://A/IMAGE docker://B/…` (registry to
 *   registry, streaming). Where the CLI has no `push`/`tag` yet, Manifold runs the same
 *   `build --push` it made the image with, every step cached, to B.
 * The image is built by Manifold (`dockerfiles/big.Dockerfile`), timed and reported for
 * information; once the CLI can pull and push, an image an earlier run left in registry A is
 * reused. Throughput counts the manifest's layer and config bytes.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ManifoldCommand, manifoldArgv, runName } from '../harness/builders.js';
import { writeBigFile } from '../harness/content.js';
import { measure, type Sample } from '../harness/measure.js';
import type { RunRecord } from '../harness/records.js';
import { rotation } from '../harness/run-builds.js';
import { emptyDir } from '../harness/state-dir.js';
import type { Sizes } from './types.js';

/** What the big scenario needs. */
export interface BigEnv {
  readonly registryA: string;
  readonly registryB: string;
  /** Empties registry B (stop, start). */
  readonly resetRegistryB: () => Promise<void>;
  readonly workDir: string;
  readonly logDir: string;
  readonly repoRoot: string;
  readonly sizes: Sizes;
  readonly runId: string;
  readonly manifold: ManifoldCommand;
  readonly onRecord: (record: RunRecord) => void;
}

const DOCKERFILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dockerfiles', 'big.Dockerfile');
const PLATFORM = 'linux/amd64';

/** Which image commands the Manifold CLI has. */
function cliCommands(cmd: ManifoldCommand): Set<string> {
  const argv = manifoldArgv(cmd, ['--help']);
  const out = spawnSync(argv.cmd, argv.args, { encoding: 'utf8' }).stdout ?? '';
  return new Set([...out.matchAll(/^ {2}(\w+)\b/gm)].map((m) => m[1]!));
}

/** Bytes of the linux/amd64 image's config and layers, from the registry. */
async function imageBytes(registry: string, repo: string, tag: string): Promise<number> {
  const accept = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
  ].join(', ');
  const get = async (ref: string) => {
    const res = await fetch(`http://${registry}/v2/${repo}/manifests/${ref}`, { headers: { accept } });
    if (!res.ok) throw new Error(`GET ${repo}:${ref} from ${registry}: ${res.status}`);
    return (await res.json()) as {
      manifests?: { digest: string; platform?: { architecture: string } }[];
      config?: { size: number };
      layers?: { size: number }[];
    };
  };
  let doc = await get(tag);
  const entry = doc.manifests?.find((m) => m.platform?.architecture === 'amd64');
  if (entry) doc = await get(entry.digest);
  return (doc.config?.size ?? 0) + (doc.layers ?? []).reduce((a, l) => a + l.size, 0);
}

/** The image under test and what the repetitions share. */
interface BigState {
  /** `A/bench/big-RUNID`. */
  readonly source: string;
  /** Config and layer bytes. */
  readonly bytes: number;
  readonly canPull: boolean;
  readonly canPush: boolean;
  readonly buildHome: string;
  readonly pullHome: string;
  readonly ociDir: string;
  /** `manifold build --push` of the big image to `image`. */
  readonly buildArgv: (image: string, log: string) => { cmd: string; args: string[] };
}

/** A measured transfer and how it was made. */
interface Transfer {
  readonly sample: Sample;
  readonly how: string;
}

/** Writes the big file, builds and pushes the image with Manifold (timed, for information). */
async function prepare(env: BigEnv): Promise<{ state: BigState; built: Sample | undefined; log: string }> {
  const commands = cliCommands(env.manifold);
  const ctx = path.join(env.workDir, 'contexts', 'big');
  await writeBigFile(path.join(ctx, 'big.bin'), 'big', env.sizes.bigBytes);
  // The same bytes every run: an earlier run's image is reused when Manifold can push without it.
  const repo = `bench/big-${env.sizes.bigBytes}`;
  const buildHome = path.join(env.workDir, 'state', 'big-build');
  const buildArgv = (image: string, log: string) =>
    manifoldArgv(
      env.manifold,
      [
        ...['build', '--progress', 'rawjson', '--platform', PLATFORM, '-f', DOCKERFILE],
        ...['--build-arg', `REG=${env.registryA}`, '-t', image, '--push', ctx],
      ],
      runName(log),
    );
  await emptyDir(buildHome);
  const log = path.join(env.logDir, 'big-build-manifold.log');
  const source = `${env.registryA}/${repo}`;
  const canPull = commands.has('pull');
  const canPush = canPull && commands.has('push') && commands.has('tag');
  const have = canPush ? await imageBytes(env.registryA, repo, 'latest').catch(() => 0) : 0;
  const built =
    have > 0
      ? undefined
      : await measure({ ...buildArgv(source, log), env: { MANIFOLD_HOME: buildHome }, log });
  const state: BigState = {
    source,
    bytes: await imageBytes(env.registryA, repo, 'latest'),
    canPull,
    canPush,
    buildHome,
    pullHome: path.join(env.workDir, 'state', 'big-pull'),
    ociDir: path.join(env.workDir, 'state', 'big-oci'),
    buildArgv,
  };
  return { state, built, log };
}

/** One pull: registry A into an empty store (Manifold) or OCI layout (skopeo). */
async function pull(env: BigEnv, st: BigState, tool: 'manifold' | 'skopeo', log: string): Promise<Transfer> {
  if (tool === 'skopeo') {
    await emptyDir(st.ociDir);
    const args = ['copy', '--src-tls-verify=false', `docker://${st.source}`, `oci:${st.ociDir}:big`];
    return {
      sample: await measure({ cmd: 'skopeo', args, log }),
      how: 'skopeo copy docker:// → oci: (registry to OCI layout)',
    };
  }
  await emptyDir(st.pullHome);
  const args = st.canPull
    ? ['pull', '--platform', PLATFORM, st.source]
    : ['run', '--platform', PLATFORM, st.source, 'true'];
  const how = st.canPull
    ? 'manifold pull'
    : 'manifold run … true (pull + unpack + start: no pull command yet)';
  const sample = await measure({
    ...manifoldArgv(env.manifold, args, runName(log)),
    env: { MANIFOLD_HOME: st.pullHome },
    log,
  });
  return { sample, how };
}

/** One push to an emptied registry B. */
async function push(
  env: BigEnv,
  st: BigState,
  tool: 'manifold' | 'skopeo',
  target: string,
  log: string,
): Promise<Transfer> {
  if (tool === 'skopeo') {
    const args = [
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${st.source}`,
      `docker://${target}`,
    ];
    return {
      sample: await measure({ cmd: 'skopeo', args, log }),
      how: 'skopeo copy docker:// → docker:// (registry A to B)',
    };
  }
  if (!st.canPush) {
    const sample = await measure({ ...st.buildArgv(target, log), env: { MANIFOLD_HOME: st.buildHome }, log });
    return { sample, how: 'manifold build --push (every step cached; no push command yet)' };
  }
  const home = { MANIFOLD_HOME: st.pullHome };
  await measure({ ...manifoldArgv(env.manifold, ['tag', st.source, target]), env: home, log });
  const sample = await measure({
    ...manifoldArgv(env.manifold, ['push', target], runName(log)),
    env: home,
    log,
  });
  return { sample, how: 'manifold push (of the image it pulled, tagged for B)' };
}

/** Runs the big scenario; returns its records. */
export async function runBigScenario(env: BigEnv): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const add = (r: RunRecord) => {
    const full = { ...r, log: path.relative(env.repoRoot, r.log) };
    records.push(full);
    env.onRecord(full);
  };
  const { state, built, log } = await prepare(env);
  if (built)
    add({ scenario: 'big', variant: 'build (set-up)', tool: 'manifold', rep: 1, sample: built, log });
  for (let rep = 1; rep <= env.sizes.reps; rep++) {
    for (const tool of rotation(['manifold', 'skopeo'] as const, rep)) {
      const log = path.join(env.logDir, `big-pull-r${rep}-${tool}.log`);
      const t = await pull(env, state, tool, log);
      add({ scenario: 'big', variant: 'pull', tool, rep, log, bytes: state.bytes, ...t });
    }
    for (const tool of rotation(['manifold', 'skopeo'] as const, rep)) {
      await env.resetRegistryB();
      const target = `${env.registryB}/bench/big-${tool}-${env.runId}-r${rep}`;
      const log = path.join(env.logDir, `big-push-r${rep}-${tool}.log`);
      const t = await push(env, state, tool, target, log);
      add({ scenario: 'big', variant: 'push', tool, rep, log, bytes: state.bytes, ...t });
    }
  }
  await Promise.all([emptyDir(state.pullHome), emptyDir(state.ociDir), emptyDir(state.buildHome)]);
  return records;
}

/**
 * `build`: a Dockerfile and a context in, a multi-platform image out. The steps, in order:
 * resolve options; read the Dockerfile and .dockerignore; convert to one graph per platform
 * (resolving base images through the store and registries); check that every platform a step
 * runs on can run here (before any work); solve all graphs together (shared steps run once,
 * cached steps not at all); hand the per-platform results to the outputs (src/export/outputs:
 * images assembled per variant, files written, names given in the store, pushes). Nothing is
 * written, named or pushed unless every platform succeeded.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Agent, interceptors } from 'undici';
import { type ContentStore, openContentStore } from '../content/index.js';
import { type ConversionResult, convertDockerfile, type NamedContext } from '../dockerfile/convert/index.js';
import { loadDockerignore } from '../dockerfile/ignore/index.js';
import type { PlatformImage } from '../export/index.js';
import {
  type ExportTarget,
  exportOutputs,
  NO_ANNOTATIONS,
  newBuildRef,
  type OutputResult,
} from '../export/outputs/index.js';
import type { Descriptor, Digest } from '../oci/index.js';
import { type Platform, parsePlatform } from '../platform/index.js';
import { discardProgress } from '../progress/index.js';
import { formatReference, parseReference } from '../registry/reference/index.js';
import { solve } from '../solver/index.js';
import { FileDigestMemo } from '../worker/context/index.js';
import { type ImageFetcher, resolveBaseImage } from '../worker/images/index.js';
import { LocalWorker } from '../worker/local-worker.js';
import type { WorkerRef } from '../worker/refs.js';
import { DiskResultCache } from '../worker/result-cache.js';
import { SnapshotStore } from '../worker/snapshots/index.js';
import { BaseImageMemo } from './base-image-memo.js';
import { type BuildEngine, defaultEngine } from './engine.js';
import { openBuilderForBuild } from './instances/index.js';
import { type MetadataStep, metadataProgress } from './metadata-progress.js';
import {
  type BuildOptions,
  BuildOptionsError,
  type ResolvedBuildOptions,
  resolveBuildOptions,
} from './options.js';
import { openRegistrySession, type RegistrySession } from './registry-session.js';

/** What a build made. */
export interface BuildResult {
  /**
   * The image of the first output that holds one (image, oci, docker): an index for several
   * platforms, a manifest for one. Absent when the outputs hold no image (local, tar).
   */
  readonly descriptor?: Descriptor;
  /** That image's platform manifests. */
  readonly images: readonly PlatformImage[];
  /** Names given in the store, by every output. */
  readonly names: readonly string[];
  /** References pushed, by every output. */
  readonly pushed: readonly string[];
  /** What each output did, in the order of the outputs. */
  readonly outputs: readonly OutputResult[];
  /** The build's reference, `BUILDER/NODE/ID` (buildx's `buildx.build.ref`). */
  readonly ref: string;
  /** Vertices that ran and that came from the cache. */
  readonly executed: number;
  readonly cached: number;
}

/** Builds an image. See the module comment for the steps. */
export async function build(
  options: BuildOptions,
  engine: BuildEngine = defaultEngine(),
): Promise<BuildResult> {
  // The builder (named, MANIFOLD_BUILDER, current, default) gives the state, configuration and
  // platforms; a restricted builder refuses other platforms here, before any work.
  const builder = await openBuilderForBuild(options);
  const opts = resolveBuildOptions(builder.options);
  builder.checkPlatforms(opts.platforms);
  const progress = options.progress ?? discardProgress;
  const store = await openContentStore(opts.imageStoreDir);
  const httpAgent = new Agent();
  let session: RegistrySession | undefined;
  const registry = async () => {
    session ??= await openRegistrySession({ configFile: opts.configFile });
    return session;
  };
  try {
    const conversion = await convert(opts, store, registry, metadataProgress(progress, opts.multiPlatform));
    engine.checkPlatforms(runPlatforms(conversion), opts.hostPlatform);
    const snapshots = new SnapshotStore(path.join(opts.stateDir, 'snapshots'));
    const memo = await FileDigestMemo.load(path.join(opts.stateDir, 'file-digests.json'));
    const worker = new LocalWorker({
      snapshots,
      store,
      // The registry is contacted only if a blob is missing from the store.
      fetcher: lazyFetcher(registry),
      contexts: new Map([['context', opts.context], ...opts.buildContexts]),
      memo,
      cacheMountDir: path.join(opts.stateDir, 'cache-mounts'),
      secrets: opts.secrets,
      runStep: engine.runStep,
      applyFileActions: engine.applyFileActions,
      ...(engine.copyChecksum ? { copyChecksum: engine.copyChecksum } : {}),
      http: httpAgent.compose(interceptors.redirect({ maxRedirections: 10 })),
    });
    const solved = await solve<WorkerRef>(
      conversion.targets.map((t) => t.definition),
      {
        worker,
        cache: new DiskResultCache(path.join(opts.stateDir, 'cache'), snapshots),
        maxParallelism: opts.maxParallelism,
        progress,
        noCache: opts.noCache,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    await memo.save();
    const targets: ExportTarget[] = conversion.targets.map((t, i) => {
      const head = solved.heads[i];
      return { platform: t.platform, output: t.output, chain: head?.kind === 'fs' ? head.chain : [] };
    });
    const outputs = await exportOutputs(
      opts.outputs,
      {
        store,
        snapshots,
        targets,
        multiPlatform: opts.multiPlatform,
        hostPlatform: opts.hostPlatform,
        registry,
        buildTime: Date.now(),
        ...(opts.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: opts.sourceDateEpoch }),
        progress,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      {
        labels: opts.labels,
        annotations: { ...NO_ANNOTATIONS, index: opts.indexAnnotations, manifest: opts.manifestAnnotations },
        compression: opts.compression,
      },
    );
    const primary = outputs.find((o) => o.image !== undefined)?.image;
    return {
      ...(primary ? { descriptor: primary.descriptor } : {}),
      images: primary?.images ?? [],
      names: outputs.flatMap((o) => o.stored),
      pushed: outputs.flatMap((o) => o.pushed),
      outputs,
      ref: newBuildRef(options.builder ?? 'default'),
      executed: solved.executed.size,
      cached: solved.cached.size,
    };
  } finally {
    await store.close();
    await session?.close();
    await httpAgent.close();
  }
}

async function convert(
  opts: ResolvedBuildOptions,
  store: ContentStore,
  registry: () => Promise<RegistrySession>,
  metadataStep: MetadataStep,
): Promise<ConversionResult> {
  const source = await readFile(opts.dockerfile).catch((err: NodeJS.ErrnoException) => {
    throw new BuildOptionsError(
      `cannot read the Dockerfile ${opts.dockerfile}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`,
      'give the Dockerfile with -f FILE, or put one named Dockerfile in the context directory',
    );
  });
  const excludes = await loadDockerignore(opts.context, opts.dockerfile);
  const memo = await BaseImageMemo.load(path.join(opts.stateDir, 'base-images.json'));
  const memoKey = (ref: string) => formatReference({ ...parseReference(ref), digest: undefined });
  const fromMemo = async (ref: string, platform: Platform) => {
    const parsed = parseReference(ref);
    const digest = parsed.digest ? undefined : memo.get(memoKey(ref));
    if (!digest) return undefined;
    const pinned = formatReference({ ...parsed, tag: parsed.tag ?? 'latest', digest: digest as Digest });
    return resolveBaseImage(pinned, platform, { store, fetcher: undefined }).catch(() => undefined);
  };
  const conversion = await convertDockerfile(source, {
    file: path.relative(opts.context, opts.dockerfile) || 'Dockerfile',
    platforms: opts.platforms,
    buildPlatform: opts.hostPlatform,
    buildArgs: opts.buildArgs,
    ...(opts.target === undefined ? {} : { target: opts.target }),
    excludes,
    noCacheFilter: opts.noCacheFilter,
    namedContexts: new Map<string, NamedContext>([
      ...[...opts.buildContexts.keys()].map((name) => [name, { kind: 'local' }] as const),
      ...[...opts.imageContexts].map(([name, ref]) => [name, { kind: 'image', ref }] as const),
    ]),
    resolveImage: (ref, platform) =>
      metadataStep(ref, platform, async () => {
        // The store first (by name, then by the digest this builder resolved the name to before),
        // unless --pull; then the registry, remembering what it answered.
        const local = !opts.pull
          ? ((await resolveBaseImage(ref, platform, { store, fetcher: undefined }).catch(() => undefined)) ??
            (await fromMemo(ref, platform)))
          : undefined;
        if (local) return { ref: local.pinned, config: local.config };
        const resolved = await resolveBaseImage(ref, platform, {
          store,
          fetcher: (await registry()).fetcher,
          pull: opts.pull,
        });
        memo.set(memoKey(ref), resolved.pinned.slice(resolved.pinned.lastIndexOf('@') + 1));
        return { ref: resolved.pinned, config: resolved.config };
      }),
  });
  await memo.save();
  return conversion;
}

/** The platforms RUN steps run on, from the converted graphs. */
function runPlatforms(conversion: ConversionResult) {
  const seen = new Map<string, ReturnType<typeof parsePlatform>>();
  for (const t of conversion.targets) {
    for (const v of t.definition.vertices.values()) {
      if (v.op.kind === 'exec' && !seen.has(v.op.platform))
        seen.set(v.op.platform, parsePlatform(v.op.platform));
    }
  }
  return [...seen.values()];
}

/** An ImageFetcher that opens the registry session on first use. */
function lazyFetcher(registry: () => Promise<RegistrySession>): ImageFetcher {
  return {
    fetchManifest: async (ref, signal) => (await registry()).fetcher.fetchManifest(ref, signal),
    fetchBlob: async (ref, digest, signal) => (await registry()).fetcher.fetchBlob(ref, digest, signal),
  };
}

/**
 * What a build takes from its builder, resolved once before any work: which builder (the
 * `builder` option, else `MANIFOLD_BUILDER`, else the current one), its state directory, its
 * buildkitd.toml (read and checked now, so a broken file fails the build at once), the
 * `max-parallelism` it sets, and the platform check of a restricted builder. A named builder is
 * bootstrapped (a stopped one starts again; its last activity is now), and its cache collected
 * when its configuration sets gc limits. Without requested platforms, a restricted builder that
 * does not build the host's platform builds its first one.
 */
import { hostPlatform, only, type Platform } from '../../platform/index.js';
import { type StatePaths, statePaths } from '../../state/index.js';
import { emulatorFor } from '../../worker/exec/index.js';
import { gcBuilderCache } from './cache-prune.js';
import { loadBuilderConfig } from './config.js';
import {
  type BuilderPlatforms,
  builderPlatforms,
  checkBuilderPlatforms,
  type PlatformLookup,
} from './platforms.js';
import { type Builder, bootstrapBuilder, getBuilder, resolveBuilderName } from './store.js';

/** The build options a builder fills in (a subset of BuildOptions). */
export interface BuilderBuildOptions {
  readonly builder?: string;
  readonly configFile?: string;
  readonly maxParallelism?: number;
  readonly paths?: StatePaths;
  readonly platforms?: readonly (string | Platform)[];
  readonly hostPlatform?: Platform;
}

/** A builder ready for one build. */
export interface BuildBuilder<T extends BuilderBuildOptions> {
  readonly builder: Builder;
  /** The caller's options with the builder's name, configuration file, parallelism and paths set. */
  readonly options: T &
    Required<Pick<BuilderBuildOptions, 'builder' | 'configFile' | 'paths'>> &
    Pick<BuilderBuildOptions, 'maxParallelism' | 'platforms'>;
  readonly platforms: BuilderPlatforms;
  /** Throws, before any work, when the builder does not build one of `requested`. */
  checkPlatforms(requested: readonly Platform[]): void;
}

/** Resolves the builder of a build; see the module comment. */
export async function openBuilderForBuild<T extends BuilderBuildOptions>(
  options: T,
  context: PlatformLookup & { readonly env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<BuildBuilder<T>> {
  const paths = options.paths ?? statePaths();
  const name = await resolveBuilderName(options.builder, {
    paths,
    ...(context.env ? { env: context.env } : {}),
  });
  let builder = await getBuilder(name, { paths });
  const configFile = options.configFile ?? builder.configFile;
  const config = await loadBuilderConfig(configFile, { missingOk: true });
  if (builder.record) builder = await bootstrapBuilder(builder, { paths });
  if (config.gc.enabled && (config.gc.keepBytes !== undefined || config.gc.keepDuration !== undefined)) {
    await gcBuilderCache(builder.stateDir, config.gc);
  }
  const platforms = builderPlatforms(builder, config, context);
  const maxParallelism = options.maxParallelism ?? config.maxParallelism;
  // Without --platform a build is for the host; a builder that does not build the host's
  // platform builds its first one instead.
  const host = options.hostPlatform ?? context.hostPlatform ?? hostPlatform();
  const lookup = {
    ...(context.binfmtDir ? { binfmtDir: context.binfmtDir } : {}),
    ...(context.qemuSearchPath ? { qemuSearchPath: context.qemuSearchPath } : {}),
  };
  const fallback =
    !options.platforms?.length &&
    platforms.source !== 'host' &&
    !platforms.platforms.some((p) => only(p)(host))
      ? platforms.platforms.slice(0, 1)
      : undefined;
  return {
    builder,
    options: {
      ...options,
      ...(fallback ? { platforms: fallback } : {}),
      builder: name,
      configFile,
      paths,
      ...(maxParallelism === undefined ? {} : { maxParallelism }),
    },
    platforms,
    checkPlatforms: (requested) =>
      checkBuilderPlatforms(builder, platforms, requested, (p) => emulatorFor(p, host, lookup) !== undefined),
  };
}

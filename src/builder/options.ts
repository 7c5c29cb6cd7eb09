/**
 * Build options: what a caller may give (`BuildOptions`) and what the build works with
 * (`ResolvedBuildOptions`), with every default set and every contradiction refused in one place.
 */
import path from 'node:path';
import { ManifoldError } from '../errors/index.js';
import { defaultImageOutput, type OutputSpec } from '../export/outputs/index.js';
import { checkCompressionLevel, type LayerCompressionType } from '../layer/index.js';
import { hostPlatform, type Platform, parsePlatformList } from '../platform/index.js';
import type { ProgressSink } from '../progress/index.js';
import { parseReference, type Reference } from '../registry/reference/index.js';
import {
  builderStateDir,
  defaultBuildkitdConfig,
  imageStoreDir,
  type StatePaths,
  statePaths,
} from '../state/index.js';
import type { SecretSource } from '../worker/local-worker.js';

/** What `build` accepts. */
export interface BuildOptions {
  /** The build context directory. */
  readonly context: string;
  /** The Dockerfile; default `<context>/Dockerfile`. */
  readonly dockerfile?: string;
  /** Target platforms (strings are parsed, comma lists allowed); default the host's. */
  readonly platforms?: readonly (string | Platform)[];
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly target?: string;
  /** Image names (`-t`). */
  readonly tags?: readonly string[];
  /** Push every tag to its registry. */
  readonly push?: boolean;
  /** Keep the result in the local image store under its tags (default true). */
  readonly load?: boolean;
  /**
   * Where the result goes (buildx's `-o`, each parsed with `parseOutput`); when given, `push`
   * and `load` are not read. Default: one image output, named in the store under the tags
   * unless `load` is false, and pushed with `push`.
   */
  readonly outputs?: readonly OutputSpec[];
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations, buildx syntax: `[type:]key=value` with type `index`, `manifest`. */
  readonly annotations?: readonly string[];
  readonly noCache?: boolean;
  readonly noCacheFilter?: readonly string[];
  /** Ask registries for base images even when the store has them. */
  readonly pull?: boolean;
  readonly secrets?: Readonly<Record<string, SecretSource>>;
  /** Named contexts (`--build-context name=DIR` or `name=docker-image://REF`). */
  readonly buildContexts?: Readonly<Record<string, string>>;
  /** OCI media types (default) or Docker's. */
  readonly ociMediaTypes?: boolean;
  /**
   * How the layers the build makes are compressed (default gzip at level 6; zstd's default
   * level is 3); `force` also recompresses base image layers of another compression.
   */
  readonly compression?: LayerCompressionOption;
  readonly progress?: ProgressSink;
  readonly signal?: AbortSignal;
  /** State directories; default from MANIFOLD_HOME. */
  readonly paths?: StatePaths;
  /** Builder instance name; default `default`. */
  readonly builder?: string;
  /** buildkitd.toml with registry host config; default the builder's. */
  readonly configFile?: string;
  /** Steps running at once; default the number of cores. */
  readonly maxParallelism?: number;
  /** The machine's platform; default detected. */
  readonly hostPlatform?: Platform;
}

/** Options with every default applied. */
export interface ResolvedBuildOptions {
  readonly context: string;
  readonly dockerfile: string;
  readonly platforms: readonly Platform[];
  readonly multiPlatform: boolean;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly target: string | undefined;
  readonly tags: readonly Reference[];
  readonly push: boolean;
  readonly load: boolean;
  /** The outputs given, or the image output `tags`, `push` and `load` describe. */
  readonly outputs: readonly OutputSpec[];
  readonly labels: Readonly<Record<string, string>>;
  readonly indexAnnotations: Readonly<Record<string, string>>;
  readonly manifestAnnotations: Readonly<Record<string, string>>;
  readonly noCache: boolean;
  readonly noCacheFilter: readonly string[];
  readonly pull: boolean;
  readonly secrets: ReadonlyMap<string, SecretSource>;
  /** Named local directories, by name. */
  readonly buildContexts: ReadonlyMap<string, string>;
  /** Named contexts that are images, by name → reference. */
  readonly imageContexts: ReadonlyMap<string, string>;
  readonly ociMediaTypes: boolean;
  readonly compression: LayerCompressionOption;
  readonly stateDir: string;
  readonly imageStoreDir: string;
  readonly configFile: string;
  readonly maxParallelism: number;
  readonly hostPlatform: Platform;
  readonly sourceDateEpoch: number | undefined;
}

/** Layer compression of a build (buildx's `compression`, `compression-level`, `force-compression`). */
export interface LayerCompressionOption {
  readonly type: LayerCompressionType;
  /** gzip 0–9, zstd 0–22; default 6 for gzip, 3 for zstd. */
  readonly level?: number;
  /** Recompress base image layers too (`force-compression=true`). */
  readonly force?: boolean;
}

/**
 * Steps running at once when the builder sets no `max-parallelism`. BuildKit has no cap; a
 * small one keeps memory bounded while letting pulls, copies and emulated steps of different
 * platforms and stages overlap (measured in bench/: a cap of 2 doubled the `stages` time).
 */
export const DEFAULT_MAX_PARALLELISM = 16;

/** A contradiction or malformed value in build options. */
export class BuildOptionsError extends ManifoldError {
  constructor(message: string, hint: string) {
    super('E_BUILD_OPTIONS', message, { hint });
    this.name = 'BuildOptionsError';
  }
}

/** Applies defaults and checks; pure apart from reading the environment through `statePaths`. */
export function resolveBuildOptions(options: BuildOptions): ResolvedBuildOptions {
  const context = path.resolve(options.context);
  const host = options.hostPlatform ?? hostPlatform();
  const platforms = options.platforms?.length
    ? parsePlatformList(
        options.platforms.map((p) =>
          typeof p === 'string' ? p : `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`,
        ),
      )
    : [host];
  const tags = (options.tags ?? []).map((t) => parseReference(t));
  if (options.push && tags.length === 0) {
    throw new BuildOptionsError('--push needs an image name', 'name the image with -t REGISTRY/NAME:TAG');
  }
  const { index, manifest } = splitAnnotations(options.annotations ?? []);
  const paths = options.paths ?? statePaths();
  const builder = options.builder ?? 'default';
  const epochText = options.buildArgs?.SOURCE_DATE_EPOCH ?? process.env.SOURCE_DATE_EPOCH;
  let sourceDateEpoch: number | undefined;
  if (epochText !== undefined && epochText !== '') {
    sourceDateEpoch = Number(epochText);
    if (!Number.isInteger(sourceDateEpoch) || sourceDateEpoch < 0) {
      throw new BuildOptionsError(
        `SOURCE_DATE_EPOCH must be a whole number of seconds, not "${epochText}"`,
        'set it to e.g. $(git log -1 --format=%ct)',
      );
    }
  }
  return {
    context,
    dockerfile: options.dockerfile ? path.resolve(options.dockerfile) : path.join(context, 'Dockerfile'),
    platforms,
    multiPlatform: platforms.length > 1,
    buildArgs: options.buildArgs ?? {},
    target: options.target,
    tags,
    push: options.push ?? false,
    load: options.load ?? true,
    outputs: options.outputs ?? [
      defaultImageOutput({
        names: tags,
        push: options.push ?? false,
        store: options.load ?? true,
        ociMediaTypes: options.ociMediaTypes ?? true,
      }),
    ],
    labels: options.labels ?? {},
    indexAnnotations: index,
    manifestAnnotations: manifest,
    noCache: options.noCache ?? false,
    noCacheFilter: options.noCacheFilter ?? [],
    pull: options.pull ?? false,
    secrets: new Map(Object.entries(options.secrets ?? {})),
    ...namedContexts(options.buildContexts ?? {}),
    ociMediaTypes: options.ociMediaTypes ?? true,
    compression: resolveCompression(options.compression),
    stateDir: builderStateDir(paths, builder),
    imageStoreDir: imageStoreDir(paths),
    configFile: options.configFile ?? defaultBuildkitdConfig(paths),
    // A RUN step under emulation is CPU-bound: one per core.
    maxParallelism: options.maxParallelism ?? DEFAULT_MAX_PARALLELISM,
    hostPlatform: host,
    sourceDateEpoch,
  };
}

function resolveCompression(option: LayerCompressionOption | undefined): LayerCompressionOption {
  if (option === undefined) return { type: 'gzip' };
  if (!['gzip', 'zstd', 'uncompressed'].includes(option.type)) {
    throw new BuildOptionsError(
      `unsupported layer compression "${option.type}"`,
      'use gzip, zstd or uncompressed',
    );
  }
  try {
    checkCompressionLevel(option.type, option.level);
  } catch (err) {
    throw new BuildOptionsError(
      (err as Error).message,
      (err as ManifoldError).hint ?? 'see the compression levels',
    );
  }
  return option;
}

/** buildx's `--annotation [type[,type]:]key=value`; no type means the manifest (and index when multi). */
function splitAnnotations(specs: readonly string[]): {
  index: Record<string, string>;
  manifest: Record<string, string>;
} {
  const index: Record<string, string> = {};
  const manifest: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq < 1)
      throw new BuildOptionsError(
        `invalid annotation "${spec}"`,
        'write --annotation key=value or --annotation index:key=value',
      );
    let key = spec.slice(0, eq);
    const value = spec.slice(eq + 1);
    let types = ['manifest'];
    const colon = key.indexOf(':');
    if (colon > 0 && /^[a-z,-]+$/.test(key.slice(0, colon))) {
      types = key.slice(0, colon).split(',');
      key = key.slice(colon + 1);
    }
    for (const t of types) {
      const kind = t.replace(/-descriptor$/, '');
      if (kind === 'index') index[key] = value;
      else if (kind === 'manifest') manifest[key] = value;
      else
        throw new BuildOptionsError(`unknown annotation type "${t}" in "${spec}"`, 'use index or manifest');
    }
  }
  return { index, manifest };
}

/** Splits `--build-context` values into local directories and images. */
function namedContexts(specs: Readonly<Record<string, string>>): {
  buildContexts: Map<string, string>;
  imageContexts: Map<string, string>;
} {
  const buildContexts = new Map<string, string>();
  const imageContexts = new Map<string, string>();
  for (const [name, value] of Object.entries(specs)) {
    if (value.startsWith('docker-image://')) {
      imageContexts.set(name, value.slice('docker-image://'.length));
    } else if (/^[a-z][a-z0-9+.-]*:\/\//.test(value)) {
      throw new BuildOptionsError(
        `--build-context ${name}=${value}: this kind of context is not supported`,
        'use a local directory or docker-image://REFERENCE',
      );
    } else {
      buildContexts.set(name, path.resolve(value));
    }
  }
  return { buildContexts, imageContexts };
}

/**
 * Everything `ls` and `inspect` show about a builder, gathered in one value: its driver (and the
 * one asked for), status, node, Manifold's version in BuildKit's column, last activity, the
 * platforms it builds and where they come from, and a summary of its configuration. A broken
 * configuration does not stop the listing: it shows as the builder's `error`.
 */
import { existsSync } from 'node:fs';
import { formatPlatform, hostPlatform } from '../../platform/index.js';
import { manifoldVersion } from '../../version.js';
import { emulatorFor } from '../../worker/exec/index.js';
import { type BuilderConfig, emptyBuilderConfig, loadBuilderConfig } from './config.js';
import { type BuilderPlatforms, builderPlatforms, type PlatformLookup } from './platforms.js';
import {
  type Builder,
  type BuilderStatus,
  bootstrapBuilder,
  builderStatus,
  getBuilder,
  listBuilders,
  resolveBuilderName,
  type StoreOptions,
} from './store.js';

/** A registry table, summarized. */
export interface RegistrySummary {
  readonly host: string;
  readonly mirrors: readonly string[];
  readonly http: boolean | undefined;
  readonly insecure: boolean;
}

/** How the host runs one of the builder's platforms. */
export interface PlatformMode {
  readonly platform: string;
  /** `native`, `binfmt` (an emulator registered in binfmt_misc), `qemu` (a qemu binary), `none`. */
  readonly how: 'native' | 'binfmt' | 'qemu' | 'none';
  /** The binfmt entry or qemu binary. */
  readonly via: string | undefined;
}

/** What `ls` and `inspect` show. */
export interface BuilderInfo {
  readonly name: string;
  readonly current: boolean;
  readonly driver: 'local';
  readonly requestedDriver: string;
  readonly driverOpts: Readonly<Record<string, string>>;
  readonly status: BuilderStatus;
  /** The single node: `<name>0` (`default` for the default builder), endpoint `in-process`. */
  readonly node: { readonly name: string; readonly endpoint: string };
  readonly version: string;
  readonly lastActivity: string | undefined;
  readonly platforms: BuilderPlatforms;
  /** Each platform with how this host runs it. */
  readonly modes: readonly PlatformMode[];
  readonly stateDir: string;
  /** Where the builder reads its configuration. */
  readonly configPath: string;
  /** The configuration file, when it exists. */
  readonly configFile: string | undefined;
  /** Where the configuration was copied from. */
  readonly configSource: string | undefined;
  readonly registries: readonly RegistrySummary[];
  readonly maxParallelism: number | undefined;
  readonly gc: BuilderConfig['gc'];
  readonly ignored: readonly string[];
  /** Why the configuration could not be read. */
  readonly error: string | undefined;
}

/** Describes `builder`; `current` says whether it is the current one. */
export async function describeBuilder(
  builder: Builder,
  current: boolean,
  lookup: PlatformLookup = {},
): Promise<BuilderInfo> {
  let config = emptyBuilderConfig();
  let error: string | undefined;
  try {
    config = await loadBuilderConfig(builder.configFile, { missingOk: true });
  } catch (err) {
    error = (err as Error).message;
  }
  const record = builder.record;
  const platforms = builderPlatforms(builder, config, lookup);
  const host = lookup.hostPlatform ?? hostPlatform();
  const modes = platforms.platforms.map((p): PlatformMode => {
    const how = emulatorFor(p, host, {
      ...(lookup.binfmtDir ? { binfmtDir: lookup.binfmtDir } : {}),
      ...(lookup.qemuSearchPath ? { qemuSearchPath: lookup.qemuSearchPath } : {}),
    });
    const via = how?.kind === 'binfmt' ? how.entry : how?.kind === 'qemu' ? how.path : undefined;
    return { platform: formatPlatform(p), how: how?.kind ?? 'none', via };
  });
  return {
    name: builder.name,
    current,
    driver: 'local',
    requestedDriver: record?.requestedDriver ?? 'local',
    driverOpts: record?.driverOpts ?? {},
    status: builderStatus(builder),
    node: { name: builder.isDefault ? builder.name : `${builder.name}0`, endpoint: 'in-process' },
    version: `v${manifoldVersion()}`,
    lastActivity: record?.lastActivity,
    platforms,
    modes,
    stateDir: builder.stateDir,
    configPath: builder.configFile,
    configFile: existsSync(builder.configFile) ? builder.configFile : undefined,
    configSource: record?.configSource,
    registries: [...config.hosts.registries].map(([host, r]) => ({
      host,
      mirrors: r.mirrors,
      http: r.http,
      insecure: r.insecure,
    })),
    maxParallelism: config.maxParallelism,
    gc: config.gc,
    ignored: config.ignored,
    error,
  };
}

/** Options of {@link describeBuilders} and {@link inspectBuilder}. */
export interface DescribeOptions extends StoreOptions, PlatformLookup {
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Every builder, described, the current one marked (what `ls` shows). */
export async function describeBuilders(options: DescribeOptions = {}): Promise<BuilderInfo[]> {
  const current = await resolveBuilderName(undefined, options);
  const out: BuilderInfo[] = [];
  for (const b of await listBuilders(options))
    out.push(await describeBuilder(b, b.name === current, options));
  return out;
}

/** One builder (default: the one a command would use), bootstrapped first with `bootstrap`. */
export async function inspectBuilder(
  name: string | undefined,
  options: DescribeOptions & { readonly bootstrap?: boolean } = {},
): Promise<BuilderInfo> {
  const resolved = await resolveBuilderName(name, options);
  let builder = await getBuilder(resolved, options);
  if (options.bootstrap) {
    await loadBuilderConfig(builder.configFile, { missingOk: true });
    builder = await bootstrapBuilder(builder, options);
  }
  return describeBuilder(builder, resolved === (await resolveBuilderName(undefined, options)), options);
}

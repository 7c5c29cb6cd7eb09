/**
 * Builder instances: create, choose, look up, bootstrap, stop and remove them. A builder is a
 * name with its own state directory (snapshots, result cache, cache mounts), its own
 * configuration (a buildkitd.toml copy) and, optionally, a fixed list of platforms. The
 * `default` builder always exists: it has no record, reads `<config>/buildkitd.toml` live, and
 * builds every platform the host runs.
 *
 * Which builder a command uses: `--builder NAME`, else `MANIFOLD_BUILDER`, else the one `use`
 * made current, else `default`.
 *
 * `create` without `--config` starts the builder from a copy of the default builder's
 * buildkitd.toml when there is one, as buildx starts from buildkitd.default.toml.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { formatPlatform, parsePlatformList } from '../../platform/index.js';
import { defaultBuildkitdConfig, type StatePaths, statePaths } from '../../state/index.js';
import { copyBuilderConfig } from './config-copy.js';
import { chooseDriver } from './drivers.js';
import { BuilderExistsError, BuilderNameError, BuilderNotFoundError } from './errors.js';
import {
  type BuilderRecord,
  builderConfigDir,
  builderConfigFile,
  builderStatePath,
  DEFAULT_BUILDER,
  deleteRecord,
  listRecords,
  readCurrent,
  readRecord,
  validateBuilderName,
  writeCurrent,
  writeRecord,
} from './record.js';

/** A builder, resolved. */
export interface Builder {
  readonly name: string;
  readonly isDefault: boolean;
  /** Undefined for the default builder. */
  readonly record: BuilderRecord | undefined;
  readonly stateDir: string;
  /** Its buildkitd.toml (which may not exist: no configuration). */
  readonly configFile: string;
}

/** Options every lifecycle call takes. */
export interface StoreOptions {
  /** State directories; default from MANIFOLD_HOME. */
  readonly paths?: StatePaths;
}

function pathsOf(options: StoreOptions): StatePaths {
  return options.paths ?? statePaths();
}

function toBuilder(paths: StatePaths, name: string, record: BuilderRecord | undefined): Builder {
  const isDefault = name === DEFAULT_BUILDER;
  return {
    name,
    isDefault,
    record,
    stateDir: builderStatePath(paths, name),
    configFile: isDefault ? defaultBuildkitdConfig(paths) : builderConfigFile(paths, name),
  };
}

/** The builder `name`; throws {@link BuilderNotFoundError} when there is none. */
export async function getBuilder(name: string, options: StoreOptions = {}): Promise<Builder> {
  const paths = pathsOf(options);
  if (name === DEFAULT_BUILDER) return toBuilder(paths, name, undefined);
  const record = await readRecord(paths, name);
  if (!record) throw new BuilderNotFoundError(name);
  return toBuilder(paths, name, record);
}

/** Every builder: the named ones by name, then `default`. */
export async function listBuilders(options: StoreOptions = {}): Promise<Builder[]> {
  const paths = pathsOf(options);
  const named = (await listRecords(paths)).map((r) => toBuilder(paths, r.name, r));
  return [...named, toBuilder(paths, DEFAULT_BUILDER, undefined)];
}

/** The builder `use` made current (`default` when none, or when it has been removed). */
export async function currentBuilderName(options: StoreOptions = {}): Promise<string> {
  const paths = pathsOf(options);
  const name = await readCurrent(paths);
  if (name === undefined || !(await readRecord(paths, name))) return DEFAULT_BUILDER;
  return name;
}

/** The builder a command uses: `explicit`, else `MANIFOLD_BUILDER` in `env`, else the current one. */
export async function resolveBuilderName(
  explicit: string | undefined,
  options: StoreOptions & { readonly env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<string> {
  const env = options.env ?? process.env;
  if (explicit) return explicit;
  if (env.MANIFOLD_BUILDER) return env.MANIFOLD_BUILDER;
  return currentBuilderName(options);
}

/** Options of {@link createBuilder}. */
export interface CreateBuilderOptions extends StoreOptions {
  /** Default: the first free `builder-N`. */
  readonly name?: string;
  /** `local` (default), `docker-container` or `docker`. */
  readonly driver?: string;
  /** `--driver-opt` values, `K=V` (CSV allowed). */
  readonly driverOpts?: readonly string[];
  /** `--platform` values (comma lists allowed): the builder builds only these. */
  readonly platforms?: readonly string[];
  /** buildkitd.toml to copy; default a copy of the default builder's, if it has one. */
  readonly configFile?: string;
  /** Make it current. */
  readonly use?: boolean;
  /** Bootstrap it now. */
  readonly bootstrap?: boolean;
  readonly now?: Date;
}

/** A new builder, and the lines worth telling the user (driver substitution, ignored settings). */
export interface CreatedBuilder {
  readonly builder: Builder;
  readonly notes: readonly string[];
}

/**
 * Creates a builder. Everything is checked (name, driver, platforms, configuration) before
 * anything is written.
 * @throws BuilderNameError, BuilderExistsError, BuilderDriverError, BuilderConfigError, InvalidPlatformError
 */
export async function createBuilder(options: CreateBuilderOptions = {}): Promise<CreatedBuilder> {
  const paths = pathsOf(options);
  const name = options.name ?? (await freeName(paths));
  if (name === DEFAULT_BUILDER) {
    throw new BuilderNameError(
      'the default builder exists already and cannot be created',
      'choose another --name',
    );
  }
  validateBuilderName(name);
  if (await readRecord(paths, name)) throw new BuilderExistsError(name);
  const driver = chooseDriver(options.driver, options.driverOpts ?? [], name);
  const platforms = options.platforms?.length
    ? parsePlatformList([...options.platforms]).map(formatPlatform)
    : [];
  const notes: string[] = driver.note ? [driver.note] : [];
  const source =
    options.configFile ??
    (existsSync(defaultBuildkitdConfig(paths)) ? defaultBuildkitdConfig(paths) : undefined);
  if (source !== undefined) {
    const config = await copyBuilderConfig(source, builderConfigDir(paths, name));
    if (options.configFile === undefined) notes.push(`configuration: a copy of ${source}`);
    if (config.ignored.length) {
      notes.push(`${source}: Manifold does not use ${config.ignored.join(', ')} (ignored)`);
    }
  }
  const record: BuilderRecord = {
    version: 1,
    name,
    driver: driver.driver,
    requestedDriver: driver.requested,
    driverOpts: driver.driverOpts,
    platforms,
    ...(source === undefined ? {} : { configSource: source }),
    createdAt: (options.now ?? new Date()).toISOString(),
  };
  await writeRecord(paths, record);
  if (options.use) await writeCurrent(paths, name);
  const builder = toBuilder(paths, name, record);
  if (options.bootstrap) await bootstrapBuilder(builder, options);
  return { builder, notes };
}

async function freeName(paths: StatePaths): Promise<string> {
  for (let i = 1; ; i++) {
    const name = `builder-${i}`;
    if (!(await readRecord(paths, name))) return name;
  }
}

/** Makes `name` the current builder (`default` too). */
export async function useBuilder(name: string, options: StoreOptions = {}): Promise<Builder> {
  const builder = await getBuilder(name, options);
  await writeCurrent(pathsOf(options), builder.name);
  return builder;
}

/**
 * Readies a builder for builds: its state directory exists and it is no longer stopped. Builds do
 * this themselves; `create --bootstrap` and `inspect --bootstrap` do it ahead.
 */
export async function bootstrapBuilder(builder: Builder, options: StoreOptions = {}): Promise<Builder> {
  await mkdir(builder.stateDir, { recursive: true });
  if (!builder.record) return builder;
  const { stopped: _stopped, ...rest } = builder.record;
  const record: BuilderRecord = { ...rest, lastActivity: new Date().toISOString() };
  await writeRecord(pathsOf(options), record);
  return { ...builder, record };
}

/** Marks a builder stopped (an in-process builder has nothing running between builds). */
export async function stopBuilder(name: string, options: StoreOptions = {}): Promise<Builder> {
  const builder = await getBuilder(name, options);
  if (!builder.record) return builder;
  const record: BuilderRecord = { ...builder.record, stopped: true };
  await writeRecord(pathsOf(options), record);
  return { ...builder, record };
}

/** Options of {@link removeBuilder}. */
export interface RemoveBuilderOptions extends StoreOptions {
  /** Keep the state directory (cache, snapshots). */
  readonly keepState?: boolean;
}

/** Removes a builder, its configuration and (unless `keepState`) its state; current falls back to `default`. */
export async function removeBuilder(name: string, options: RemoveBuilderOptions = {}): Promise<void> {
  const paths = pathsOf(options);
  if (name === DEFAULT_BUILDER) {
    throw new BuilderNameError(
      'the default builder cannot be removed',
      'remove a builder made with manifold create',
    );
  }
  const builder = await getBuilder(name, options);
  if ((await readCurrent(paths)) === name) await writeCurrent(paths, DEFAULT_BUILDER);
  await deleteRecord(paths, name);
  if (!options.keepState) await rm(builder.stateDir, { recursive: true, force: true });
}

/** Removes every named builder that is not running (inactive or stopped); returns their names. */
export async function removeInactiveBuilders(options: RemoveBuilderOptions = {}): Promise<string[]> {
  const removed: string[] = [];
  for (const b of await listBuilders(options)) {
    if (b.isDefault || builderStatus(b) === 'running') continue;
    await removeBuilder(b.name, options);
    removed.push(b.name);
  }
  return removed;
}

/** `running` (ready: the default builder, or bootstrapped), `stopped`, or `inactive` (never bootstrapped). */
export type BuilderStatus = 'running' | 'stopped' | 'inactive';

/** A builder's status. */
export function builderStatus(builder: Builder): BuilderStatus {
  if (builder.isDefault) return 'running';
  if (builder.record?.stopped) return 'stopped';
  return existsSync(builder.stateDir) ? 'running' : 'inactive';
}

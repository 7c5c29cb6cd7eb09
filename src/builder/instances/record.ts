/**
 * The on-disk form of builder instances (this module alone reads and writes it):
 *
 *   <config>/builders/<name>.json               one record per builder (not for `default`)
 *   <config>/builders/current                   the current builder's name (absent: `default`)
 *   <config>/buildkitd/<name>/buildkitd.toml    the builder's own configuration (a copy), with
 *                                               the files it names by relative path beside it
 *   <data>/builders/<name>/                     its state: snapshots, cache, cache mounts
 *
 * Records are written atomically (temp file, then rename). Names follow buildx's rule: a letter
 * or digit, then letters, digits, `.`, `_` or `-`; `current` and names ending in `.json` are
 * refused because they would collide with the files above when config and data share a root
 * (MANIFOLD_HOME).
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { builderStateDir, type StatePaths } from '../../state/index.js';
import { BuilderNameError } from './errors.js';

/** The default builder's name; it has no record. */
export const DEFAULT_BUILDER = 'default';

/** One builder instance as stored. */
export interface BuilderRecord {
  /** Format version of the record. */
  readonly version: 1;
  readonly name: string;
  /** What runs the builds; Manifold has one driver. */
  readonly driver: 'local';
  /** The driver asked for at creation (`local`, `docker-container`, `docker`). */
  readonly requestedDriver: string;
  /** `--driver-opt` values as given (all ignored by the local driver). */
  readonly driverOpts: Readonly<Record<string, string>>;
  /** `--platform` values, normalized; empty means every platform the host runs. */
  readonly platforms: readonly string[];
  /** The file the configuration was copied from, if any. */
  readonly configSource?: string;
  readonly createdAt: string;
  /** Set by `stop`, cleared by the next bootstrap or build. */
  readonly stopped?: boolean;
  /** The last build or bootstrap. */
  readonly lastActivity?: string;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

/** Throws {@link BuilderNameError} unless `name` can name a new builder. */
export function validateBuilderName(name: string): void {
  if (!NAME.test(name) || name.length > 128) {
    throw new BuilderNameError(
      `invalid builder name "${name}": a name starts with a letter or digit and holds only letters, digits, ".", "_" and "-"`,
      'choose another --name, e.g. --name mybuilder',
    );
  }
  if (name === 'current' || name.endsWith('.json')) {
    throw new BuilderNameError(
      `invalid builder name "${name}": "current" and names ending in ".json" are reserved`,
      'choose another --name',
    );
  }
}

function recordsDir(paths: StatePaths): string {
  return path.join(paths.config, 'builders');
}

function recordFile(paths: StatePaths, name: string): string {
  return path.join(recordsDir(paths), `${name}.json`);
}

/** The directory holding a builder's configuration copy. */
export function builderConfigDir(paths: StatePaths, name: string): string {
  return path.join(paths.config, 'buildkitd', name);
}

/** A named builder's buildkitd.toml (it may not exist: no configuration). */
export function builderConfigFile(paths: StatePaths, name: string): string {
  return path.join(builderConfigDir(paths, name), 'buildkitd.toml');
}

/** A builder's state directory (the default builder's too). */
export function builderStatePath(paths: StatePaths, name: string): string {
  return builderStateDir(paths, name);
}

/** Reads a record; undefined when there is none. */
export async function readRecord(paths: StatePaths, name: string): Promise<BuilderRecord | undefined> {
  if (!NAME.test(name)) return undefined;
  let text: string;
  try {
    text = await readFile(recordFile(paths, name), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as BuilderRecord;
}

/** Every record, sorted by name. */
export async function listRecords(paths: StatePaths): Promise<BuilderRecord[]> {
  let files: string[];
  try {
    files = await readdir(recordsDir(paths));
  } catch {
    return [];
  }
  const out: BuilderRecord[] = [];
  for (const f of files.filter((f) => f.endsWith('.json')).sort()) {
    const record = await readRecord(paths, f.slice(0, -'.json'.length));
    if (record) out.push(record);
  }
  return out;
}

/** Writes a record atomically. */
export async function writeRecord(paths: StatePaths, record: BuilderRecord): Promise<void> {
  await atomicWrite(recordFile(paths, record.name), `${JSON.stringify(record, null, 2)}\n`);
}

/** Removes a record and its configuration copy. */
export async function deleteRecord(paths: StatePaths, name: string): Promise<void> {
  await rm(recordFile(paths, name), { force: true });
  await rm(builderConfigDir(paths, name), { recursive: true, force: true });
}

/** The name in `current`, or undefined. */
export async function readCurrent(paths: StatePaths): Promise<string | undefined> {
  try {
    const name = (await readFile(path.join(recordsDir(paths), 'current'), 'utf8')).trim();
    return name === '' ? undefined : name;
  } catch {
    return undefined;
  }
}

/** Makes `name` current (`default` clears the file). */
export async function writeCurrent(paths: StatePaths, name: string): Promise<void> {
  const file = path.join(recordsDir(paths), 'current');
  if (name === DEFAULT_BUILDER) await rm(file, { force: true });
  else await atomicWrite(file, `${name}\n`);
}

async function atomicWrite(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

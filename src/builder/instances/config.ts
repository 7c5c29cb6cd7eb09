/**
 * A builder's configuration, in buildkitd.toml's own format so that a user's existing file works:
 *
 * ```toml
 * [registry."docker.io"]          # mirrors, http, insecure, ca, keypair: every pull and push
 *   mirrors = ["mirror.example:5000"]
 * [worker.oci]
 *   platforms = ["linux/amd64", "linux/arm64"]   # what the builder builds (nothing else)
 *   max-parallelism = 4                           # steps running at once
 *   gc = true                                     # collect the cache before a build …
 *   gckeepstorage = "10GB"                        # … down to this size (also maxUsedSpace)
 *   [[worker.oci.gcpolicy]]                       # … and/or by age and size per rule
 *     keepDuration = "48h"
 *     keepBytes = "5GB"
 * ```
 *
 * Registry tables are read by src/registry/hosts-config.ts (unknown keys there are errors).
 * Everything else Manifold has no use for (`debug`, `root`, `grpc`, `[worker.containerd]`,
 * `[worker.oci] snapshotter`, gcpolicy `filters`, …) is listed in `ignored`, once each, for the
 * caller to report. A TOML syntax error names the file, line and column; a bad value names the
 * file and the line of its key.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseToml, TomlError } from 'smol-toml';
import { InvalidPlatformError, type Platform, parsePlatform } from '../../platform/index.js';
import { emptyHostsConfig, type HostsConfig, parseHostsConfig } from '../../registry/index.js';
import { BuilderConfigError } from './errors.js';
import { parseDuration, parseSize } from './units.js';

/** When and how far the builder's cache is collected. */
export interface GcPolicy {
  /** `gc` (default true): collect at all. */
  readonly enabled: boolean;
  /** Keep the cache at most this many bytes (oldest records go first). */
  readonly keepBytes: number | undefined;
  /** Drop records unused for longer than this (milliseconds). */
  readonly keepDuration: number | undefined;
}

/** What a builder's buildkitd.toml says. */
export interface BuilderConfig {
  /** The file read; undefined when there was none. */
  readonly file: string | undefined;
  readonly hosts: HostsConfig;
  /** `[worker.oci] platforms`; empty means not restricted. */
  readonly platforms: readonly Platform[];
  readonly maxParallelism: number | undefined;
  readonly gc: GcPolicy;
  /** Keys present but unused by Manifold, as dotted paths, each once. */
  readonly ignored: readonly string[];
}

/** A configuration with nothing in it. */
export function emptyBuilderConfig(): BuilderConfig {
  return {
    file: undefined,
    hosts: emptyHostsConfig(),
    platforms: [],
    maxParallelism: undefined,
    gc: { enabled: true, keepBytes: undefined, keepDuration: undefined },
    ignored: [],
  };
}

/** Reads a configuration file; with `missingOk`, a missing file is an empty configuration. */
export async function loadBuilderConfig(
  file: string,
  options: { missingOk?: boolean } = {},
): Promise<BuilderConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (options.missingOk && (err as NodeJS.ErrnoException).code === 'ENOENT') return emptyBuilderConfig();
    throw new BuilderConfigError(
      `cannot read the configuration: ${(err as Error).message}`,
      { file },
      'give --config an existing buildkitd.toml',
      err,
    );
  }
  return parseBuilderConfig(text, file);
}

type Table = Record<string, unknown>;

const WORKER_KEYS = new Set([
  'enabled',
  'platforms',
  'max-parallelism',
  'gc',
  'gckeepstorage',
  'maxUsedSpace',
  'gcpolicy',
]);

/** Parses buildkitd.toml text; `file` names it in errors and anchors relative registry paths. */
export function parseBuilderConfig(text: string, file?: string): BuilderConfig {
  const doc = parseDocument(text, file);
  const hosts = parseHostsConfig(text, file);
  const ignored: string[] = [];
  const ignore = (key: string) => {
    if (!ignored.includes(key)) ignored.push(key);
  };
  for (const key of Object.keys(doc)) if (key !== 'registry' && key !== 'worker') ignore(key);
  const worker = doc.worker;
  let oci: Table = {};
  if (worker !== undefined) {
    if (!isTable(worker)) throw valueError(text, file, 'worker', '"worker" must be a table ([worker.oci])');
    for (const key of Object.keys(worker)) if (key !== 'oci') ignore(`worker.${key}`);
    if (worker.oci !== undefined) {
      if (!isTable(worker.oci)) throw valueError(text, file, 'oci', '[worker.oci] must be a table');
      oci = worker.oci;
    }
  }
  for (const key of Object.keys(oci)) if (!WORKER_KEYS.has(key)) ignore(`worker.oci.${key}`);
  const rules = gcRules(oci.gcpolicy, text, file, ignore);
  return {
    file,
    hosts,
    platforms: platformList(oci.platforms, text, file),
    maxParallelism: positiveInt(oci['max-parallelism'], 'max-parallelism', text, file),
    gc: {
      enabled: optionalBool(oci.gc, 'gc', text, file) ?? true,
      keepBytes: minDefined([
        size(oci.gckeepstorage, 'gckeepstorage', text, file),
        size(oci.maxUsedSpace, 'maxUsedSpace', text, file),
        ...rules.map((r) => r.keepBytes),
      ]),
      keepDuration: minDefined(rules.map((r) => r.keepDuration)),
    },
    ignored,
  };
}

function parseDocument(text: string, file: string | undefined): Table {
  try {
    return parseToml(text) as Table;
  } catch (err) {
    if (err instanceof TomlError) {
      const problem = (err.message.replace(/^Invalid TOML document:\s*/, '').split('\n')[0] ?? '').trim();
      throw new BuilderConfigError(
        `TOML syntax error: ${problem}`,
        { file: file ?? '<buildkitd.toml>', line: err.line, column: err.column },
        'fix the TOML at that line: strings need quotes, arrays need commas, tables look like [worker.oci]',
        err,
      );
    }
    throw err;
  }
}

/** One `[[worker.oci.gcpolicy]]` rule that applies to every record (rules with filters are ignored). */
function gcRules(
  value: unknown,
  text: string,
  file: string | undefined,
  ignore: (key: string) => void,
): { keepBytes: number | undefined; keepDuration: number | undefined }[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isTable)) {
    throw valueError(text, file, 'gcpolicy', 'gcpolicy must be written as [[worker.oci.gcpolicy]] tables');
  }
  const out: { keepBytes: number | undefined; keepDuration: number | undefined }[] = [];
  value.forEach((rule: Table, i) => {
    for (const key of Object.keys(rule)) {
      if (!['keepBytes', 'keepDuration', 'all', 'filters', 'maxUsedSpace'].includes(key))
        ignore(`worker.oci.gcpolicy.${key}`);
    }
    if (rule.filters !== undefined) {
      ignore('worker.oci.gcpolicy.filters');
      return;
    }
    out.push({
      keepBytes: minDefined([
        size(rule.keepBytes, `gcpolicy[${i}] keepBytes`, text, file),
        size(rule.maxUsedSpace, `gcpolicy[${i}] maxUsedSpace`, text, file),
      ]),
      keepDuration: duration(rule.keepDuration, `gcpolicy[${i}] keepDuration`, text, file),
    });
  });
  return out;
}

function platformList(value: unknown, text: string, file: string | undefined): Platform[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw valueError(
      text,
      file,
      'platforms',
      `platforms must be an array of strings such as ["linux/arm64"]`,
    );
  }
  return value.map((p: string) => {
    try {
      return parsePlatform(p);
    } catch (err) {
      if (err instanceof InvalidPlatformError) {
        throw valueError(text, file, 'platforms', `platforms: ${err.message}`);
      }
      throw err;
    }
  });
}

function positiveInt(
  value: unknown,
  key: string,
  text: string,
  file: string | undefined,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  if (typeof value === 'bigint' && value > 0n) return Number(value);
  throw valueError(text, file, key, `${key} must be a whole number above 0, got ${show(value)}`);
}

function optionalBool(
  value: unknown,
  key: string,
  text: string,
  file: string | undefined,
): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw valueError(text, file, key, `${key} must be true or false, got ${show(value)}`);
}

/** A size: bytes as a number, or a string such as "10GB". */
function size(value: unknown, key: string, text: string, file: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && value >= 0) return Math.floor(value);
  if (typeof value === 'bigint' && value >= 0n) return Number(value);
  const n = typeof value === 'string' ? parseSize(value) : undefined;
  if (n !== undefined) return n;
  throw valueError(
    text,
    file,
    key.replace(/^.*\] /, ''),
    `${key} must be bytes or a size such as "10GB", got ${show(value)}`,
  );
}

/** A duration: seconds as a number, or a Go duration string such as "48h". */
function duration(value: unknown, key: string, text: string, file: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && value >= 0) return value * 1000;
  if (typeof value === 'bigint' && value >= 0n) return Number(value) * 1000;
  const n = typeof value === 'string' ? parseDuration(value) : undefined;
  if (n !== undefined) return n;
  throw valueError(
    text,
    file,
    key.replace(/^.*\] /, ''),
    `${key} must be seconds or a duration such as "48h", got ${show(value)}`,
  );
}

function minDefined(values: readonly (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? Math.min(...defined) : undefined;
}

function valueError(
  text: string,
  file: string | undefined,
  key: string,
  problem: string,
): BuilderConfigError {
  return new BuilderConfigError(problem, { file: file ?? '<buildkitd.toml>', ...lineOf(text, key) });
}

/** The line of the first `key = …` (or `[… key]` header) in `text`, for messages. */
function lineOf(text: string, key: string): { line?: number } {
  const escaped = key.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const re = new RegExp(`^\\s*(?:"?${escaped}"?\\s*=|\\[\\[?[^\\]]*\\b${escaped}\\]\\]?)`);
  const index = text.split('\n').findIndex((l) => re.test(l));
  return index < 0 ? {} : { line: index + 1 };
}

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function show(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value)
    : Array.isArray(value)
      ? 'an array'
      : String(value);
}

/**
 * Registry host configuration, read from the `[registry."host"]` tables of buildkitd.toml.
 *
 * The format is BuildKit's, so a user's existing file works:
 *
 * ```toml
 * [registry."docker.io"]
 *   mirrors = ["mirror.example:5000", "https://mirror2.example/proxy"]
 * [registry."registry.local:5000"]
 *   http = true            # plain HTTP
 *   insecure = true        # HTTPS without certificate verification
 *   ca = ["/etc/certs/ca.pem"]
 *   tlsconfigdir = ["/etc/docker/certs.d/registry.local:5000"]
 *   [[registry."registry.local:5000".keypair]]
 *     key = "/etc/certs/client.key"
 *     cert = "/etc/certs/client.pem"
 * ```
 *
 * Every other top-level table of buildkitd.toml (`[worker.oci]`, `debug`, …) is ignored here.
 * Inside a registry table an unknown key is an error, so a typo (`mirror = …`) is not silently
 * dropped. Relative file paths are taken relative to the directory of the config file. Host
 * keys are compared lower-cased. A syntax error names the file, line and column.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { HostsConfigError } from './errors.js';

/** A client certificate and its key, both PEM files. */
export interface TlsKeyPair {
  readonly key: string;
  readonly cert: string;
}

/** One `[registry."host"]` table. */
export interface RegistryHostConfig {
  /** Mirrors tried in order before the origin, for pulls: `host[:port][/path]`, optionally with a scheme. */
  readonly mirrors: readonly string[];
  /** `true`: plain HTTP; `false`: HTTPS even for loopback; undefined: HTTPS except loopback. */
  readonly http: boolean | undefined;
  /** Skip TLS certificate verification. */
  readonly insecure: boolean;
  /** CA certificate files trusted in addition to the system's. */
  readonly ca: readonly string[];
  /** Client certificates for mutual TLS. */
  readonly keypairs: readonly TlsKeyPair[];
  /** Docker-style certificate directories (`*.crt` CAs, `*.cert` + `*.key` pairs). */
  readonly tlsConfigDirs: readonly string[];
}

/** All registry tables of one configuration, keyed by lower-case host. */
export interface HostsConfig {
  /** The file it came from, for messages; undefined for an in-memory or empty config. */
  readonly file: string | undefined;
  readonly registries: ReadonlyMap<string, RegistryHostConfig>;
}

/** A configuration without any registry table: defaults everywhere. */
export function emptyHostsConfig(): HostsConfig {
  return { file: undefined, registries: new Map() };
}

/** The table for `host`, if the configuration has one. */
export function hostConfig(config: HostsConfig, host: string): RegistryHostConfig | undefined {
  return config.registries.get(host.toLowerCase());
}

const KEYS = new Set(['mirrors', 'http', 'insecure', 'ca', 'keypair', 'tlsconfigdir']);

/**
 * Parses buildkitd.toml text. `file` names the source in errors and anchors relative paths
 * (its directory); pass undefined for text that has no file.
 * @throws HostsConfigError for TOML syntax errors (with line and column) and bad registry tables.
 */
export function parseHostsConfig(text: string, file?: string): HostsConfig {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) {
      const problem = firstLine(err.message.replace(/^Invalid TOML document:\s*/, ''));
      throw new HostsConfigError(`TOML syntax error: ${problem}`, where(file, err.line, err.column), {
        hint: 'fix the TOML syntax at that line (strings need quotes, arrays need commas)',
        cause: err,
      });
    }
    throw err;
  }
  const base = file === undefined ? process.cwd() : path.dirname(path.resolve(file));
  const registries = new Map<string, RegistryHostConfig>();
  const section = doc.registry;
  if (section === undefined) return { file, registries };
  if (!isTable(section)) {
    throw new HostsConfigError('"registry" must be a table of [registry."host"] tables', where(file));
  }
  for (const [host, value] of Object.entries(section)) {
    registries.set(host.toLowerCase(), parseHostTable(host, value, file, base));
  }
  return { file, registries };
}

/**
 * Reads and parses a buildkitd.toml file. With `missingOk`, a file that does not exist gives an
 * empty configuration (the default config file is optional).
 */
export async function loadHostsConfig(
  file: string,
  options: { missingOk?: boolean } = {},
): Promise<HostsConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (options.missingOk === true && (err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { file, registries: new Map() };
    }
    throw new HostsConfigError(
      `cannot read registry configuration: ${(err as Error).message}`,
      { file },
      { cause: err },
    );
  }
  return parseHostsConfig(text, file);
}

function parseHostTable(
  host: string,
  value: unknown,
  file: string | undefined,
  base: string,
): RegistryHostConfig {
  const at = `[registry.${JSON.stringify(host)}]`;
  if (!isTable(value)) throw new HostsConfigError(`${at} must be a table`, where(file));
  for (const key of Object.keys(value)) {
    if (!KEYS.has(key)) {
      throw new HostsConfigError(
        `${at}: unknown key ${JSON.stringify(key)}; allowed keys are ${[...KEYS].join(', ')}`,
        where(file),
      );
    }
  }
  const abs = (p: string): string => path.resolve(base, p);
  return {
    mirrors: stringList(value.mirrors, `${at} mirrors`, file),
    http: optionalBool(value.http, `${at} http`, file),
    insecure: optionalBool(value.insecure, `${at} insecure`, file) ?? false,
    ca: stringList(value.ca, `${at} ca`, file).map(abs),
    keypairs: keyPairs(value.keypair, at, file).map((kp) => ({ key: abs(kp.key), cert: abs(kp.cert) })),
    tlsConfigDirs: stringList(value.tlsconfigdir, `${at} tlsconfigdir`, file).map(abs),
  };
}

function keyPairs(value: unknown, at: string, file: string | undefined): TlsKeyPair[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new HostsConfigError(`${at} keypair must be an array of tables with key and cert`, where(file));
  }
  return value.map((entry, i) => {
    if (!isTable(entry) || typeof entry.key !== 'string' || typeof entry.cert !== 'string') {
      throw new HostsConfigError(`${at} keypair[${i}] needs key = "file" and cert = "file"`, where(file));
    }
    return { key: entry.key, cert: entry.cert };
  });
}

function stringList(value: unknown, what: string, file: string | undefined): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw new HostsConfigError(
      `${what} must be an array of non-empty strings, got ${describe(value)}`,
      where(file),
    );
  }
  return value as string[];
}

function optionalBool(value: unknown, what: string, file: string | undefined): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new HostsConfigError(`${what} must be true or false, got ${describe(value)}`, where(file));
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function describe(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value)
    : Array.isArray(value)
      ? 'an array'
      : String(value);
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function where(
  file: string | undefined,
  line?: number,
  column?: number,
): { file?: string; line?: number; column?: number } {
  const out: { file?: string; line?: number; column?: number } = {};
  out.file = file ?? '<buildkitd.toml>';
  if (line !== undefined) out.line = line;
  if (column !== undefined) out.column = column;
  return out;
}

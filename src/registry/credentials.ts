/**
 * Docker credentials, as `docker login` leaves them in `$DOCKER_CONFIG/config.json` (default
 * `~/.docker/config.json`).
 *
 * For a registry host the lookup is: `credHelpers[host]` (run `docker-credential-<name>`), else
 * `credsStore` (the same, for every host), else the `auths[host]` entry of the file: `auth`
 * (base64 `user:password`), `username`/`password`, `identitytoken`. Keys are matched after
 * dropping a scheme and path, case-insensitively (`https://host/v1/` matches `host`). Docker
 * Hub's key is `https://index.docker.io/v1/`; `docker.io`, `index.docker.io` and
 * `registry-1.docker.io` all look it up. A helper's `<token>` user means an identity token.
 * The file is read once per source, on first use; environment and home directory are injected.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { runCredentialHelper } from './credential-helper.js';
import { CredentialsError } from './errors.js';

/** Credentials for one registry, with where they came from. */
export interface RegistryCredential {
  readonly username?: string;
  readonly password?: string;
  /** OAuth refresh token from `docker login` against a token server. */
  readonly identityToken?: string;
  /** For messages: "credentials for X from /home/u/.docker/config.json". */
  readonly source: string;
}

/** Where the client gets credentials. */
export interface CredentialSource {
  /** Credentials to send to `registry` (a host, or docker.io), or undefined for none. */
  get(registry: string): Promise<RegistryCredential | undefined>;
  /** Where credentials for `registry` were looked for, for "no credentials (…)" messages. */
  describe(registry: string): string;
}

/** Docker Hub's key in config.json. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';

const HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The server address Docker uses for `registry` (the config.json key and the helper's stdin). */
export function credentialServerKey(registry: string): string {
  return HUB_NAMES.has(registry.toLowerCase()) ? DOCKER_HUB_SERVER : registry;
}

/** A config.json key reduced to a lower-case `host[:port]`. */
export function normalizeCredentialKey(key: string): string {
  const noScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const host = (noScheme.split('/')[0] ?? '').toLowerCase();
  return HUB_NAMES.has(host) ? 'index.docker.io' : host;
}

/** Options of `dockerConfigCredentials`. */
export interface DockerConfigOptions {
  /** Environment: `DOCKER_CONFIG`, and `PATH` for helpers. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Home directory for the default `~/.docker`. Default `os.homedir()`. */
  readonly homeDir?: string;
}

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

interface DockerConfigFile {
  auths: Record<string, AuthEntry>;
  credsStore: string | undefined;
  credHelpers: Record<string, string>;
}

/** The config.json path for an environment and home directory. */
export function dockerConfigPath(env: NodeJS.ProcessEnv, home: string): string {
  const dir =
    env.DOCKER_CONFIG !== undefined && env.DOCKER_CONFIG !== ''
      ? env.DOCKER_CONFIG
      : path.join(home, '.docker');
  return path.join(dir, 'config.json');
}

/** A credential source reading Docker's config.json and running its helpers. */
export function dockerConfigCredentials(options: DockerConfigOptions = {}): CredentialSource {
  const env = options.env ?? process.env;
  const file = dockerConfigPath(env, options.homeDir ?? homedir());
  let loaded: Promise<DockerConfigFile | undefined> | undefined;
  const cache = new Map<string, Promise<RegistryCredential | undefined>>();
  const load = (): Promise<DockerConfigFile | undefined> => {
    loaded ??= readDockerConfig(file);
    return loaded;
  };
  return {
    describe: (registry) => `none for ${credentialServerKey(registry)} in ${file}`,
    get(registry) {
      const key = normalizeCredentialKey(registry);
      let hit = cache.get(key);
      if (hit === undefined) {
        hit = load().then((cfg) => (cfg === undefined ? undefined : lookup(cfg, registry, file, env)));
        hit.catch(() => cache.delete(key));
        cache.set(key, hit);
      }
      return hit;
    },
  };
}

/** A source that never has credentials. */
export function noCredentials(): CredentialSource {
  return { get: async () => undefined, describe: () => 'no credential source was configured' };
}

async function readDockerConfig(file: string): Promise<DockerConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CredentialsError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CredentialsError(`${file} is not valid JSON: ${(err as Error).message}`, {
      hint: 'fix the file or move it away; `docker login` rewrites it',
      cause: err,
    });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new CredentialsError(`${file} must hold a JSON object`);
  }
  const rec = doc as Record<string, unknown>;
  return {
    auths: objectOf(rec.auths) as Record<string, AuthEntry>,
    credsStore: typeof rec.credsStore === 'string' && rec.credsStore !== '' ? rec.credsStore : undefined,
    credHelpers: Object.fromEntries(
      Object.entries(objectOf(rec.credHelpers)).filter(
        (e): e is [string, string] => typeof e[1] === 'string',
      ),
    ),
  };
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function findByKey<T>(table: Record<string, T>, registry: string): T | undefined {
  const server = credentialServerKey(registry);
  if (Object.hasOwn(table, server)) return table[server];
  const want = normalizeCredentialKey(registry);
  for (const [key, value] of Object.entries(table)) {
    if (normalizeCredentialKey(key) === want) return value;
  }
  return undefined;
}

async function lookup(
  cfg: DockerConfigFile,
  registry: string,
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<RegistryCredential | undefined> {
  const helper = findByKey(cfg.credHelpers, registry) ?? cfg.credsStore;
  const server = credentialServerKey(registry);
  if (helper !== undefined) {
    const got = await runCredentialHelper(helper, server, { env });
    if (got === undefined) return undefined;
    const source = `credentials for ${server} from docker-credential-${helper} (${file})`;
    return got.username === '<token>'
      ? { identityToken: got.secret, source }
      : { username: got.username, password: got.secret, source };
  }
  const entry = findByKey(cfg.auths, registry);
  return entry === undefined ? undefined : fromAuthEntry(entry, server, file);
}

function fromAuthEntry(entry: AuthEntry, server: string, file: string): RegistryCredential | undefined {
  const source = `credentials for ${server} from ${file}`;
  let username = typeof entry.username === 'string' ? entry.username : undefined;
  let password = typeof entry.password === 'string' ? entry.password : undefined;
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new CredentialsError(
        `the "auth" of ${JSON.stringify(server)} in ${file} is not base64 of user:password`,
        {
          hint: `run docker login ${server} again`,
        },
      );
    }
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  const identityToken =
    typeof entry.identitytoken === 'string' && entry.identitytoken !== '' ? entry.identitytoken : undefined;
  if (identityToken === undefined && (username === undefined || username === '') && !password)
    return undefined;
  return {
    source,
    ...(username === undefined || username === '' ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(identityToken === undefined ? {} : { identityToken }),
  };
}

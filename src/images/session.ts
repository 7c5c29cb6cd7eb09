/**
 * What one image command works with: the state paths (MANIFOLD_HOME), the image store, opened on
 * first use, and a registry client configured from the builder's buildkitd.toml (the builder a
 * command uses: MANIFOLD_BUILDER, which `--builder` sets, else the current one; buildx's
 * imagetools too reads its builder's registry configuration) and Docker's credentials
 * (`$DOCKER_CONFIG/config.json`), as `openRegistrySession` sets it up.
 *
 * `insecureRegistries` is the docker CLI's `--insecure` for the named registries: HTTPS without
 * certificate verification, falling back to plain HTTP when the registry speaks only that (a
 * `[registry."host"]` table with `insecure = true` and `http = true`, merged over the file's).
 */
import { getBuilder, resolveBuilderName } from '../builder/instances/index.js';
import { openRegistrySession } from '../builder/registry-session.js';
import { type ImageStore, openImageStore } from '../content/index.js';
import {
  createRegistryAgent,
  dockerConfigCredentials,
  type HostsConfig,
  loadHostsConfig,
  RegistryClient,
  type RegistryHostConfig,
} from '../registry/index.js';
import { imageStoreDir, type StatePaths, statePaths } from '../state/index.js';

/** Options of {@link openImagesSession}. */
export interface ImagesSessionOptions {
  /** Environment to read MANIFOLD_HOME and DOCKER_CONFIG from; default this process's. */
  readonly env?: NodeJS.ProcessEnv;
  /** buildkitd.toml with registry host tables; default the builder's (see the module comment). */
  readonly configFile?: string;
  /** Registries to reach as docker's `--insecure` does. */
  readonly insecureRegistries?: readonly string[];
}

/** An open session; close it when done. */
export interface ImagesSession {
  readonly paths: StatePaths;
  readonly client: RegistryClient;
  readonly hosts: HostsConfig;
  /** The image store under MANIFOLD_HOME, opened on first call. */
  imageStore(): Promise<ImageStore>;
  close(): Promise<void>;
}

/** Opens a session (see the module comment). */
export async function openImagesSession(options: ImagesSessionOptions = {}): Promise<ImagesSession> {
  const env = options.env ?? process.env;
  const paths = statePaths(env);
  const configFile = options.configFile ?? (await builderConfig(paths, env));
  const credentials = dockerConfigCredentials({ env });
  const insecure = options.insecureRegistries ?? [];
  let client: RegistryClient;
  let hosts: HostsConfig;
  let closeRegistry: () => Promise<void>;
  if (insecure.length === 0) {
    const session = await openRegistrySession({ configFile, credentials });
    client = session.client;
    hosts = session.hosts;
    closeRegistry = () => session.close();
  } else {
    hosts = withInsecureRegistries(await loadHostsConfig(configFile, { missingOk: true }), insecure);
    const agent = createRegistryAgent(hosts);
    client = new RegistryClient({ dispatcher: agent, hosts, credentials });
    closeRegistry = () => agent.close();
  }
  let store: Promise<ImageStore> | undefined;
  return {
    paths,
    client,
    hosts,
    imageStore() {
      store ??= openImageStore(imageStoreDir(paths));
      store.catch(() => {
        store = undefined;
      });
      return store;
    },
    async close() {
      const opened = store;
      store = undefined;
      try {
        if (opened) await (await opened).content.close();
      } finally {
        await closeRegistry();
      }
    },
  };
}

/** The buildkitd.toml of the builder the command uses. */
async function builderConfig(paths: StatePaths, env: NodeJS.ProcessEnv): Promise<string> {
  const name = await resolveBuilderName(undefined, { paths, env });
  return (await getBuilder(name, { paths })).configFile;
}

/** `hosts` with docker's `--insecure` applied to `registries` (see the module comment). */
export function withInsecureRegistries(hosts: HostsConfig, registries: readonly string[]): HostsConfig {
  const out = new Map(hosts.registries);
  for (const registry of registries) {
    const key = registry.toLowerCase();
    const own = out.get(key);
    const table: RegistryHostConfig = {
      mirrors: own?.mirrors ?? [],
      http: own?.http ?? true,
      insecure: true,
      ca: own?.ca ?? [],
      keypairs: own?.keypairs ?? [],
      tlsConfigDirs: own?.tlsConfigDirs ?? [],
    };
    out.set(key, table);
  }
  return { file: hosts.file, registries: out };
}

/** Runs `fn` with a session that is closed afterwards, whatever happens. */
export async function withImagesSession<T>(
  options: ImagesSessionOptions,
  fn: (session: ImagesSession) => Promise<T>,
): Promise<T> {
  const session = await openImagesSession(options);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

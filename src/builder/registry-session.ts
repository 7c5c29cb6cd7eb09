/**
 * A registry session for one command: the hosts configuration of the builder (its
 * buildkitd.toml), Docker's credentials, one undici agent, and the distribution client, plus the
 * `ImageFetcher` view of it that the worker uses. Close it when done.
 */
import type { Readable } from 'node:stream';
import type { Digest } from '../oci/index.js';
import {
  type CredentialSource,
  createRegistryAgent,
  dockerConfigCredentials,
  emptyHostsConfig,
  type HostsConfig,
  loadHostsConfig,
  RegistryClient,
} from '../registry/index.js';
import type { Reference } from '../registry/reference/index.js';
import type { FetchedManifest, ImageFetcher } from '../worker/images/index.js';

/** An open registry session. */
export interface RegistrySession {
  readonly client: RegistryClient;
  readonly fetcher: ImageFetcher;
  readonly hosts: HostsConfig;
  close(): Promise<void>;
}

/** Options of {@link openRegistrySession}. */
export interface RegistrySessionOptions {
  /** buildkitd.toml to read (a missing file means no host configuration). */
  readonly configFile?: string;
  readonly credentials?: CredentialSource;
  readonly maxConcurrency?: number;
}

/** Opens a session. */
export async function openRegistrySession(options: RegistrySessionOptions = {}): Promise<RegistrySession> {
  const hosts = options.configFile
    ? await loadHostsConfig(options.configFile, { missingOk: true })
    : emptyHostsConfig();
  const agent = createRegistryAgent(hosts);
  const client = new RegistryClient({
    dispatcher: agent,
    hosts,
    credentials: options.credentials ?? dockerConfigCredentials(),
    ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
  });
  const fetcher: ImageFetcher = {
    async fetchManifest(ref: Reference, signal?: AbortSignal): Promise<FetchedManifest> {
      const m = await client.getManifest(
        {
          registry: ref.registry,
          repository: ref.repository,
          ...(ref.digest ? { digest: ref.digest as Digest } : { tag: ref.tag ?? 'latest' }),
        },
        signal ? { signal } : {},
      );
      return { bytes: m.bytes, mediaType: m.mediaType, digest: m.digest };
    },
    fetchBlob(ref: Reference, digest: Digest, signal?: AbortSignal): Promise<Readable> {
      return client.fetchBlob(
        { registry: ref.registry, repository: ref.repository },
        digest,
        signal ? { signal } : {},
      );
    },
  };
  return { client, fetcher, hosts, close: () => agent.close() };
}

/**
 * Registries: image references, host configuration (buildkitd.toml's `[registry."host"]`
 * tables), Docker credentials, and the OCI distribution client that pulls and pushes manifests
 * and blobs with auth, retries, mirrors and verification.
 *
 * Typical use:
 * ```ts
 * const hosts = await loadHostsConfig(file, { missingOk: true });
 * const agent = createRegistryAgent(hosts);
 * const client = new RegistryClient({ dispatcher: agent, hosts, credentials: dockerConfigCredentials() });
 * const m = await client.getManifest(parseReference('alpine'));
 * await agent.close();
 * ```
 */
export {
  type ConnectionInfo,
  createRegistryAgent,
  createRegistryConnector,
  type RegistryAgentOptions,
} from './agent.js';
export type { BlobFetchOptions } from './blob-fetch.js';
export type { PushBlobOptions, PushBlobResult } from './blob-push.js';
export {
  type CallOptions,
  type GetManifestOptions,
  RegistryClient,
  type RegistryClientOptions,
} from './client.js';
export {
  type CredentialSource,
  credentialServerKey,
  DOCKER_HUB_SERVER,
  type DockerConfigOptions,
  dockerConfigCredentials,
  dockerConfigPath,
  noCredentials,
  type RegistryCredential,
} from './credentials.js';
export {
  CredentialsError,
  DigestMismatchError,
  HostsConfigError,
  isRegistryError,
  type RegistryDiagnostic,
  RegistryError,
  type RegistryErrorCode,
  SizeMismatchError,
} from './errors.js';
export { type EndpointTls, parseMirror, pushEndpoint, type RegistryEndpoint, resolveHosts } from './hosts.js';
export {
  emptyHostsConfig,
  type HostsConfig,
  loadHostsConfig,
  parseHostsConfig,
  type RegistryHostConfig,
  type TlsKeyPair,
} from './hosts-config.js';
export { MANIFEST_ACCEPT } from './manifest-kind.js';
export type { FetchedManifest, ManifestDescriptor, ManifestRef, RepositoryRef } from './manifests.js';
export { redactUrl } from './redact.js';
export * from './reference/index.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';

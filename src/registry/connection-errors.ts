/**
 * Connection-level failures turned into `RegistryError`s that say what to do.
 *
 * - An HTTPS request answered in plain HTTP (OpenSSL's "wrong version number") means the
 *   registry speaks only HTTP: `E_REGISTRY_HTTP_ONLY`, hint `http = true`.
 * - A certificate that does not verify: `E_REGISTRY_TLS_UNTRUSTED`, naming the `ca` files
 *   configured (if any) and the `ca = [...]` / `insecure = true` options of buildkitd.toml.
 * - Refused connections and unknown hosts: `E_REGISTRY_UNREACHABLE` (not temporary).
 * - Resets, broken pipes, sockets closed mid-way, timeouts: `E_REGISTRY_CONNECTION`, temporary.
 * Errors that are already Manifold errors, and aborts, pass through unchanged.
 */
import { isManifoldError } from '../errors/index.js';
import { RegistryError } from './errors.js';
import type { RegistryEndpoint } from './hosts.js';
import { redactUrl } from './redact.js';
import { isTransientNetworkError } from './retry.js';

/** Where a failure happened, for messages and hints. */
export interface FailureContext {
  readonly endpoint: RegistryEndpoint;
  readonly method: string;
  readonly url: URL;
  /** The buildkitd.toml the hosts came from, for hints. */
  readonly configFile: string | undefined;
  /** What was asked for, e.g. `manifest 127.0.0.1:5000/app:1.0`. */
  readonly what?: string;
}

const PLAIN_HTTP_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
]);
const UNTRUSTED_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('UND_ERR')) return code;
  }
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when an HTTPS attempt reached a server that answered in plain HTTP. */
export function isPlainHttpAnswer(err: unknown): boolean {
  const code = errorCode(err);
  if (code !== undefined && PLAIN_HTTP_CODES.has(code)) return true;
  return (
    err instanceof Error && /wrong version number|packet length too long|http request/i.test(err.message)
  );
}

/** The `[registry."…"]` key that governs an endpoint. */
export function tableKey(endpoint: RegistryEndpoint): string {
  return endpoint.mirror ? endpoint.host : endpoint.registry;
}

function configName(file: string | undefined): string {
  return file ?? 'buildkitd.toml';
}

/** Maps a thrown connection error to a `RegistryError` (see the module comment). */
export function connectionError(err: unknown, ctx: FailureContext): unknown {
  if (isManifoldError(err) || (err instanceof Error && err.name === 'AbortError')) return err;
  const host = ctx.url.host;
  const url = redactUrl(ctx.url);
  const key = tableKey(ctx.endpoint);
  const code = errorCode(err);
  const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  const base = { registry: host, method: ctx.method, url, cause: err };
  if (ctx.url.protocol === 'https:' && isPlainHttpAnswer(err)) {
    return new RegistryError(
      'E_REGISTRY_HTTP_ONLY',
      `registry ${host} answered plain HTTP to an HTTPS request (${url})`,
      {
        ...base,
        temporary: false,
        hint:
          ctx.endpoint.httpSetting === false
            ? `${configName(ctx.configFile)} sets http = false for [registry."${key}"]; remove it (or set http = true) if it only speaks plain HTTP`
            : `if ${key} only speaks plain HTTP, say so in ${configName(ctx.configFile)}:\n  [registry."${key}"]\n    http = true`,
      },
    );
  }
  if (code !== undefined && UNTRUSTED_CODES.has(code)) {
    const configured = ctx.endpoint.tls.ca;
    const have =
      configured.length === 0
        ? `no ca files are configured for [registry."${key}"]`
        : `the configured ca = ${JSON.stringify(configured)} does not vouch for it`;
    return new RegistryError(
      'E_REGISTRY_TLS_UNTRUSTED',
      `the TLS certificate of registry ${host} is not trusted (${code}: ${reason}); ${have}`,
      {
        ...base,
        temporary: false,
        hint: `trust the CA that signed it, in addition to the system CAs, in ${configName(ctx.configFile)}:\n  [registry."${key}"]\n    ca = ["/path/to/ca.pem"]\nor skip verification (only on a network you trust) with insecure = true`,
      },
    );
  }
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new RegistryError(
      'E_REGISTRY_UNREACHABLE',
      `cannot connect to registry ${host} (${url}): ${code}`,
      {
        ...base,
        temporary: code === 'EAI_AGAIN',
        hint: `check that the registry runs and that ${host} is the right address`,
      },
    );
  }
  const transient = isTransientNetworkError(err);
  const viaHttp =
    ctx.url.protocol === 'http:'
      ? `; if ${key} only speaks HTTPS, set http = false under [registry."${key}"] in ${configName(ctx.configFile)}`
      : '';
  return new RegistryError(
    'E_REGISTRY_CONNECTION',
    `connection to registry ${host} failed during ${ctx.method} ${url}: ${code ?? reason}`,
    { ...base, temporary: transient, hint: `the connection broke${viaHttp}` },
  );
}

/**
 * Which endpoints to contact for a registry, in BuildKit's order and with BuildKit's schemes.
 *
 * `resolveHosts(registry, config)` gives the mirrors of `[registry."<registry>"]` first, in the
 * order written, then the origin. docker.io's origin is `registry-1.docker.io`. Mirrors serve
 * pulls only; pushes go to the origin. A mirror string may carry a scheme (ignored, as BuildKit
 * ignores it) and a path: `host:5000/proxy.docker.io` gives the API root `/v2/proxy.docker.io`.
 *
 * Each endpoint's scheme follows its own host table (a mirror's table is `[registry."<mirror
 * host>"]`), as BuildKit's resolver does:
 * - `http = true`, or no `http` key on a loopback host (localhost, 127.0.0.0/8, ::1): plain HTTP;
 * - `insecure = true`: HTTPS without certificate verification, and when the host is also
 *   plain-HTTP-capable (previous rule) an HTTPS attempt that meets a plain HTTP server falls
 *   back to HTTP;
 * - otherwise HTTPS, trusting the system CAs plus `ca` files.
 * So a loopback registry with no configuration is spoken to in plain HTTP directly, and
 * `http = false` forces HTTPS on a loopback host.
 */

import { type HostsConfig, hostConfig, type RegistryHostConfig, type TlsKeyPair } from './hosts-config.js';
import { isLoopbackRegistry, registryApiHost } from './reference/index.js';

/** TLS settings of one endpoint host. */
export interface EndpointTls {
  /** Skip certificate verification. */
  readonly insecure: boolean;
  /** Extra CA files (trusted in addition to the system's). */
  readonly ca: readonly string[];
  /** Client certificate pairs. */
  readonly keypairs: readonly TlsKeyPair[];
  /** Certificate directories (`*.crt`, `*.cert` + `*.key`). */
  readonly tlsConfigDirs: readonly string[];
}

/** One place to send requests for a registry. */
export interface RegistryEndpoint {
  /** The registry named by the reference (`docker.io`, `127.0.0.1:5000`). */
  readonly registry: string;
  /** The host to contact, `host[:port]`. */
  readonly host: string;
  /** Scheme tried first. */
  readonly scheme: 'http' | 'https';
  /** API root, `/v2` or `/v2/<mirror path>`. */
  readonly path: string;
  /** True for a mirror (pull and resolve only, never push). */
  readonly mirror: boolean;
  /** An HTTPS attempt that meets a plain HTTP server may switch to HTTP. */
  readonly httpFallback: boolean;
  readonly tls: EndpointTls;
  /** Whether a `[registry."host"]` table applies to this endpoint host. */
  readonly configured: boolean;
  /** The table's `http` value, if it sets one (for messages). */
  readonly httpSetting: boolean | undefined;
}

/** Mirror string → host and API path (BuildKit's mirror syntax). */
export function parseMirror(mirror: string): { host: string; path: string } {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(mirror) ? mirror : `//${mirror}`;
  let host = mirror;
  let extra = '';
  try {
    const u = new URL(withScheme, 'https://placeholder.invalid');
    if (u.host !== '' && u.host !== 'placeholder.invalid') {
      host = u.host;
      extra = decodeURIComponent(u.pathname).replace(/\/+$/, '');
    }
  } catch {
    // Not URL-shaped: use the string as the host, as BuildKit does.
  }
  return { host, path: joinApiPath(extra) };
}

function joinApiPath(extra: string): string {
  const parts = extra.split('/').filter((p) => p !== '' && p !== '.');
  return ['/v2', ...parts].join('/');
}

/**
 * Endpoints to try for `registry`, mirrors first, then the origin (see the module comment).
 */
export function resolveHosts(registry: string, config: HostsConfig): RegistryEndpoint[] {
  const own = hostConfig(config, registry);
  const out: RegistryEndpoint[] = [];
  for (const raw of own?.mirrors ?? []) {
    const { host, path } = parseMirror(raw);
    out.push(endpointFor(registry, host, path, true, hostConfig(config, host)));
  }
  out.push(endpointFor(registry, registryApiHost(registry), '/v2', false, own));
  return out;
}

/** The endpoint pushes go to: the origin, never a mirror. */
export function pushEndpoint(registry: string, config: HostsConfig): RegistryEndpoint {
  const all = resolveHosts(registry, config);
  return all[all.length - 1] as RegistryEndpoint;
}

/** Scheme, fallback and TLS of one host under its (optional) table. */
export function hostSettings(
  host: string,
  table: RegistryHostConfig | undefined,
): Pick<RegistryEndpoint, 'scheme' | 'httpFallback' | 'tls'> {
  const plainCapable = table?.http === true || (table?.http === undefined && isLoopbackRegistry(host));
  const insecure = table?.insecure === true;
  const tls: EndpointTls = {
    insecure,
    ca: table?.ca ?? [],
    keypairs: table?.keypairs ?? [],
    tlsConfigDirs: table?.tlsConfigDirs ?? [],
  };
  if (insecure) return { scheme: 'https', httpFallback: plainCapable, tls };
  return { scheme: plainCapable ? 'http' : 'https', httpFallback: false, tls };
}

function endpointFor(
  registry: string,
  host: string,
  path: string,
  mirror: boolean,
  table: RegistryHostConfig | undefined,
): RegistryEndpoint {
  return {
    registry,
    host,
    path,
    mirror,
    configured: table !== undefined,
    httpSetting: table?.http,
    ...hostSettings(host, table),
  };
}

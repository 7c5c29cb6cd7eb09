/**
 * Registry host rules: Docker Hub's names, and which registries are on the loopback interface.
 *
 * `docker.io` is the registry of unqualified names (`index.docker.io` is its legacy spelling);
 * its API is served from `registry-1.docker.io`. A loopback registry is `localhost`, an address
 * in 127.0.0.0/8, or `::1` (also IPv4-mapped `::ffff:127.x.x.x`), with or without a port and
 * IPv6 brackets: BuildKit lets such registries use plain HTTP without configuration.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The registry of names without a registry part. */
export const DEFAULT_REGISTRY = 'docker.io';

/** The older spelling of `docker.io`, normalized to it. */
export const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';

/** The host that serves Docker Hub's registry API. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/** The host to send registry API requests to for `registry` (Docker Hub's is special). */
export function registryApiHost(registry: string): string {
  return registry === DEFAULT_REGISTRY || registry === LEGACY_DEFAULT_REGISTRY
    ? DOCKER_HUB_API_HOST
    : registry;
}

/** Splits `host[:port]`, `[v6]:port`, `[v6]` or a bare IPv6 address into the host part; undefined if malformed. */
function hostPart(registry: string): string | undefined {
  if (registry.startsWith('[')) {
    const close = registry.indexOf(']');
    if (close < 0) return undefined;
    const rest = registry.slice(close + 1);
    return rest === '' || /^:[0-9]+$/.test(rest) ? registry.slice(1, close) : undefined;
  }
  const colons = registry.split(':').length - 1;
  if (colons === 1) {
    const [host, port] = registry.split(':') as [string, string];
    return /^[0-9]+$/.test(port) ? host : undefined;
  }
  return registry;
}

/** The 8 groups of an IPv6 address, or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  if (!isIPv6(address)) return undefined;
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1] !== undefined) {
    const [a, b, c, d] = v4[1].split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** True when `registry` (host, optional port) is on the loopback interface. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = hostPart(registry.trim())?.toLowerCase();
  if (host === undefined) return false;
  if (host === 'localhost') return true;
  if (isIPv4(host)) return host.startsWith('127.');
  const groups = ipv6Groups(host);
  if (groups === undefined) return false;
  const zeroPrefix = groups.slice(0, 5).every((g) => g === 0);
  if (zeroPrefix && groups[5] === 0 && groups[6] === 0 && groups[7] === 1) return true;
  return zeroPrefix && groups[5] === 0xffff && (groups[6] ?? 0) >> 8 === 127;
}

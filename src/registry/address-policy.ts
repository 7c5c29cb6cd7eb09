/**
 * Where the client may send requests and credentials, beyond the endpoint it was configured with.
 *
 * Registries hand out URLs: redirects (blob downloads often go to a CDN), upload `Location`s and
 * token realms. Each is checked before use:
 * - a *cross-host* redirect or upload Location must not point at an internal IP literal
 *   (loopback, private, link-local, unique-local, unspecified), so a registry cannot turn the
 *   client against the local network; the same host:port is always fine, even on loopback;
 * - a token realm must be http(s); on the registry's own host:port it is fine, elsewhere it must
 *   not be an internal IP literal, and plain http is allowed only when the registry itself is
 *   spoken to over http;
 * - credentials are only ever attached to requests for the endpoint's own host:port (the scheme
 *   may change through the client's own https→http fallback).
 * Hosts compare by `canonicalAddress`: lower-case (IDNA) host, bracketed IPv6, explicit port.
 */
import { BlockList, isIP, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv6');
}

/** True when `hostname` is an IP literal in a loopback, private, link-local or unspecified range. */
export function isInternalAddress(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const family = isIP(host);
  if (family === 4) return INTERNAL.check(host, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host)?.[1];
  if (mapped !== undefined) return INTERNAL.check(mapped, 'ipv4');
  return INTERNAL.check(host, 'ipv6');
}

/**
 * `host:port` with the scheme's default port added when missing (an empty port counts as
 * missing), IPv6 bracketed, the host lower-cased (IDNA); malformed input comes back unchanged.
 */
export function canonicalAddress(scheme: string, address: string): string {
  const defaultPort = scheme === 'http' || scheme === 'http:' ? '80' : '443';
  let host: string;
  let port: string;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0) return address;
    host = address.slice(1, close);
    const rest = address.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return address;
    port = rest.slice(1);
    if (!isIPv6(host)) return address;
  } else if (address.split(':').length > 2) {
    if (!isIPv6(address)) return address;
    host = address;
    port = '';
  } else {
    const colon = address.indexOf(':');
    host = colon < 0 ? address : address.slice(0, colon);
    port = colon < 0 ? '' : address.slice(colon + 1);
  }
  if (port !== '' && !/^\d+$/.test(port)) return address;
  if (isIPv6(host)) return `[${host.toLowerCase()}]:${port || defaultPort}`;
  const ascii = domainToASCII(host);
  if (ascii === '') return address;
  return `${ascii}:${port || defaultPort}`;
}

/** Canonical `host:port` of a URL. */
export function urlAddress(url: URL): string {
  return canonicalAddress(url.protocol.replace(/:$/, ''), url.host);
}

/**
 * True when `b` goes to the same host:port as `a`. An https→http switch on the same host and
 * port counts as the same; a default-port change does not.
 */
export function sameAddress(a: URL, b: URL): boolean {
  return urlAddress(a) === urlAddress(b);
}

/**
 * Why the client must not follow a redirect (or upload Location) from `from` to `to`, or
 * undefined when it may.
 */
export function redirectProblem(from: URL, to: URL): string | undefined {
  if (to.protocol !== 'https:' && to.protocol !== 'http:') return `scheme ${to.protocol} is not http(s)`;
  if (sameAddress(from, to)) return undefined;
  if (isInternalAddress(to.hostname)) {
    return `it points at the internal address ${to.hostname} on another host than ${from.host}`;
  }
  return undefined;
}

/**
 * Why a bearer realm must not be used for a registry reached at `registry`, or undefined.
 */
export function realmProblem(realm: string, registry: URL): string | undefined {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    return `realm ${JSON.stringify(realm)} is not a URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `realm scheme ${url.protocol} is not http(s)`;
  if (url.protocol === 'http:' && registry.protocol !== 'http:') {
    return 'a plain-http realm is only accepted for a registry spoken to over http';
  }
  const same = canonicalAddress('https', url.host) === canonicalAddress('https', registry.host);
  if (!same && isInternalAddress(url.hostname)) {
    return `realm host ${url.hostname} is an internal address other than the registry's own`;
  }
  return undefined;
}

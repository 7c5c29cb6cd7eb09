/**
 * /etc/hosts and /etc/resolv.conf for build containers, by BuildKit's rules.
 *
 * hosts: `127.0.0.1<TAB>localhost HOSTNAME`, `::1<TAB>localhost ip6-localhost ip6-loopback`,
 * then one `IP<TAB>NAME` line per extra host (`--add-host`). The hostname is `buildkitsandbox`
 * unless the build sets another.
 *
 * resolv.conf starts from the host's file. For network `default` and `none` that is
 * /etc/resolv.conf, or systemd-resolved's upstream file (/run/systemd/resolve/resolv.conf) when
 * /etc/resolv.conf names only the 127.0.0.53 stub; for network `host` it is always
 * /etc/resolv.conf. The file is parsed (comments and blank lines dropped, invalid nameserver
 * addresses dropped, the last `search`/`domain` line wins, `options` accumulate, other lines kept)
 * and written again. Unless the network is the host's and nameservers remain, loopback
 * nameservers are removed (they only answer in the host's namespace), and if none is left the
 * public defaults are used: 8.8.8.8, 8.8.4.4, 2001:4860:4860::8888, 2001:4860:4860::8844.
 *
 * Both files are bind-mounted read-only (nosuid, nodev, noexec) over the container's own.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { BUILD_HOSTNAME } from './spec.js';

/** Public nameservers used when the host's file leaves none that a container can reach. */
export const DEFAULT_NAMESERVERS: readonly string[] = [
  '8.8.8.8',
  '8.8.4.4',
  '2001:4860:4860::8888',
  '2001:4860:4860::8844',
];

/** The address systemd-resolved's stub listens on. */
const SYSTEMD_STUB = '127.0.0.53';

/** An `--add-host NAME:IP` entry. */
export interface ExtraHost {
  readonly host: string;
  readonly ip: string;
}

/** The network a step runs with. */
export type NetworkMode = 'default' | 'none' | 'host';

/** Where the host's resolver files are (injectable for tests). */
export interface ResolvConfSources {
  /** Default /etc/resolv.conf. */
  readonly resolvConf?: string;
  /** systemd-resolved's upstream list; default /run/systemd/resolve/resolv.conf. */
  readonly systemdResolvConf?: string;
}

/** The text of the container's /etc/hosts. */
export function hostsFileContent(
  hostname: string = BUILD_HOSTNAME,
  extraHosts: readonly ExtraHost[] = [],
): string {
  const name = hostname === '' ? BUILD_HOSTNAME : hostname;
  let text = `127.0.0.1\tlocalhost ${name}\n::1\tlocalhost ip6-localhost ip6-loopback\n`;
  for (const h of extraHosts) text += `${h.ip}\t${h.host}\n`;
  return text;
}

/** A parsed resolv.conf. */
interface ResolvConf {
  readonly nameservers: string[];
  search: string[];
  readonly options: string[];
  readonly other: string[];
}

/** The text of the container's /etc/resolv.conf, given the text of the host's file (empty if none). */
export function resolvConfContent(hostText: string, network: NetworkMode): string {
  const rc = parseResolvConf(hostText);
  let nameservers = rc.nameservers;
  if (network !== 'host' || nameservers.length === 0) {
    nameservers = nameservers.filter((ns) => !isLoopback(ns));
    if (nameservers.length === 0) nameservers = [...DEFAULT_NAMESERVERS];
  }
  let out = nameservers.map((ns) => `nameserver ${ns}\n`).join('');
  if (rc.search.length > 0) out += `search ${rc.search.join(' ')}\n`;
  if (rc.options.length > 0) out += `options ${rc.options.join(' ')}\n`;
  for (const line of rc.other) out += `${line}\n`;
  return out;
}

function parseResolvConf(text: string): ResolvConf {
  const rc: ResolvConf = { nameservers: [], search: [], options: [], other: [] };
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const fields = line.split(/\s+/).filter((f) => f !== '');
    const [directive, ...args] = fields;
    if (directive === undefined) continue;
    switch (directive) {
      case 'nameserver': {
        const addr = args[0] === undefined ? undefined : canonicalAddress(args[0]);
        if (addr !== undefined) rc.nameservers.push(addr);
        break;
      }
      case 'domain':
      case 'search':
        if (args.length > 0) rc.search = args;
        break;
      case 'options':
        rc.options.push(...args);
        break;
      default:
        rc.other.push(line);
    }
  }
  return rc;
}

/** An IP address in canonical text form (IPv6 compressed, lower case), or undefined if invalid. */
function canonicalAddress(text: string): string | undefined {
  const zoneAt = text.indexOf('%');
  const addr = zoneAt < 0 ? text : text.slice(0, zoneAt);
  const zone = zoneAt < 0 ? '' : text.slice(zoneAt);
  const family = isIP(addr);
  if (family === 4) return zone === '' ? addr : undefined;
  if (family !== 6) return undefined;
  // The WHATWG URL parser serializes IPv6 hosts in RFC 5952 form; an IPv4-mapped address is
  // written with its IPv4 part dotted, as Go's netip does.
  const canonical = new URL(`http://[${addr}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const hi = Number.parseInt(mapped[1] ?? '0', 16);
    const lo = Number.parseInt(mapped[2] ?? '0', 16);
    return `::ffff:${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}${zone}`;
  }
  return canonical + zone;
}

function isLoopback(addr: string): boolean {
  return addr.startsWith('127.') || addr === '::1' || addr.startsWith('::ffff:127.');
}

/** Reads the host file resolv.conf starts from, by the rules above; empty text when there is none. */
export async function readHostResolvConf(
  network: NetworkMode,
  sources: ResolvConfSources = {},
): Promise<string> {
  const main = sources.resolvConf ?? '/etc/resolv.conf';
  const text = await readOptional(main);
  if (network === 'host' || text === undefined) return text ?? '';
  const ns = parseResolvConf(text).nameservers;
  if (ns.length === 1 && ns[0] === SYSTEMD_STUB) {
    return (await readOptional(sources.systemdResolvConf ?? '/run/systemd/resolve/resolv.conf')) ?? '';
  }
  return text;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Options of {@link writeNetworkFiles}. */
export interface NetworkFilesOptions {
  readonly network: NetworkMode;
  readonly hostname?: string;
  readonly extraHosts?: readonly ExtraHost[];
  readonly sources?: ResolvConfSources;
}

/** Host paths of the generated files. */
export interface NetworkFiles {
  readonly hosts: string;
  readonly resolvConf: string;
}

/** Writes `hosts` and `resolv.conf` (mode 0644) into `dir`, a private per-run directory. */
export async function writeNetworkFiles(dir: string, options: NetworkFilesOptions): Promise<NetworkFiles> {
  const hosts = path.join(dir, 'hosts');
  const resolvConf = path.join(dir, 'resolv.conf');
  const hostText = await readHostResolvConf(options.network, options.sources);
  await writeFile(hosts, hostsFileContent(options.hostname, options.extraHosts), { mode: 0o644 });
  await writeFile(resolvConf, resolvConfContent(hostText, options.network), { mode: 0o644 });
  return { hosts, resolvConf };
}

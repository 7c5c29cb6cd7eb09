/**
 * The undici dispatcher the distribution client talks through, with TLS set per registry host.
 *
 * One `Agent` serves every registry; its connector picks the TLS settings of the host being
 * connected to from the hosts configuration: extra CA files are trusted *in addition to* the
 * system roots (`tls.rootCertificates`), `insecure = true` skips verification, `keypair` entries
 * are presented as client certificates, and `tlsconfigdir` directories add their `*.crt` CAs and
 * `*.cert`/`*.key` pairs. Files are read on first use of a host and cached; a missing file is a
 * `HostsConfigError` naming it. `onConnect` sees every connection actually opened (host, port and
 * remote address), which tests use to prove that nothing else was contacted. The caller owns the
 * agent and closes it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { HostsConfigError } from './errors.js';
import { type HostsConfig, hostConfig, type RegistryHostConfig } from './hosts-config.js';

/** A connection the agent opened. */
export interface ConnectionInfo {
  /** `host[:port]` as in the URL. */
  readonly host: string;
  readonly protocol: 'http:' | 'https:';
  /** The address and port the socket is connected to. */
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
}

/** Options of `createRegistryAgent` / `createRegistryConnector`. */
export interface RegistryAgentOptions {
  /** Called once per connection opened. */
  readonly onConnect?: (info: ConnectionInfo) => void;
  /** DNS lookup used for host names (tests pin names to loopback with it). */
  readonly lookup?: LookupFunction;
  /** TCP/TLS connect timeout; default 30 s (BuildKit's dial timeout). */
  readonly connectTimeoutMs?: number;
  /** Sockets per origin; default 8. */
  readonly connections?: number;
}

type Connector = buildConnector.connector;

/** Builds the per-host TLS connector (exposed so callers can wrap it). */
export function createRegistryConnector(config: HostsConfig, options: RegistryAgentOptions = {}): Connector {
  const base = {
    timeout: options.connectTimeoutMs ?? 30_000,
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
  };
  const plain = buildConnector(base);
  const secure = new Map<string, Connector>();
  const secureFor = (host: string): Connector => {
    let c = secure.get(host);
    if (c === undefined) {
      c = buildConnector({ ...base, ...tlsOptions(host, config) });
      secure.set(host, c);
    }
    return c;
  };
  return (opts, callback) => {
    const host = opts.host ?? opts.hostname;
    let connector: Connector;
    try {
      connector = opts.protocol === 'https:' ? secureFor(host) : plain;
    } catch (err) {
      callback(err as Error, null);
      return;
    }
    connector(opts, (err, socket) => {
      if (err === null && socket !== null && options.onConnect !== undefined) {
        options.onConnect({
          host,
          protocol: opts.protocol === 'https:' ? 'https:' : 'http:',
          remoteAddress: socket.remoteAddress,
          remotePort: socket.remotePort,
        });
      }
      if (err === null) callback(null, socket as NonNullable<typeof socket>);
      else callback(err, null);
    });
  };
}

/** An undici Agent using `createRegistryConnector`. */
export function createRegistryAgent(config: HostsConfig, options: RegistryAgentOptions = {}): Agent {
  return new Agent({
    connect: createRegistryConnector(config, options),
    connections: options.connections ?? 8,
    // Registries may take long to answer the final PUT of a large upload; the client has its own limits.
    headersTimeout: 300_000,
    bodyTimeout: 300_000,
  });
}

/** The table that governs TLS for a connection to `host` (docker.io's API host uses docker.io's). */
function tableForConnection(config: HostsConfig, host: string): RegistryHostConfig | undefined {
  const direct = hostConfig(config, host);
  if (direct !== undefined) return direct;
  if (host === 'registry-1.docker.io' || host === 'index.docker.io') return hostConfig(config, 'docker.io');
  return undefined;
}

interface TlsFileOptions {
  rejectUnauthorized: boolean;
  ca?: string[];
  cert?: Buffer[];
  key?: Buffer[];
}

function tlsOptions(host: string, config: HostsConfig): TlsFileOptions {
  const table = tableForConnection(config, host);
  const out: TlsFileOptions = { rejectUnauthorized: table?.insecure !== true };
  if (table === undefined) return out;
  const caFiles = [...table.ca];
  const pairs = [...table.keypairs];
  for (const dir of table.tlsConfigDirs) {
    for (const name of listDir(dir)) {
      if (name.endsWith('.crt')) caFiles.push(path.join(dir, name));
      if (name.endsWith('.cert')) {
        pairs.push({
          cert: path.join(dir, name),
          key: path.join(dir, `${name.slice(0, -'.cert'.length)}.key`),
        });
      }
    }
  }
  if (caFiles.length > 0) {
    out.ca = [...rootCertificates, ...caFiles.map((f) => readConfigFile(f, host, 'ca').toString('utf8'))];
  }
  if (pairs.length > 0) {
    out.cert = pairs.map((p) => readConfigFile(p.cert, host, 'keypair cert'));
    out.key = pairs.map((p) => readConfigFile(p.key, host, 'keypair key'));
  }
  return out;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES') return [];
    throw err;
  }
}

function readConfigFile(file: string, host: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new HostsConfigError(
      `cannot read ${what} file ${JSON.stringify(file)} of [registry.${JSON.stringify(host)}]: ${(err as Error).message}`,
      {},
      { hint: 'fix the path in buildkitd.toml (relative paths are relative to the config file)', cause: err },
    );
  }
}

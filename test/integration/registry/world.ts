/**
 * The test world's registries for integration tests, and a fault-injecting loopback proxy to put
 * in front of them.
 *
 * Settings come from process.env first, then `$MANIFOLD_TESTWORLD_DIR/env.json` (default
 * /tmp/manifold-testworld), as written by `scripts/testworld/registry.sh start`. When they are
 * missing, or the registry does not answer, `world.skip` says why and tests skip.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface World {
  /** Why the tests cannot run, or undefined when they can. */
  readonly skip: string | undefined;
  readonly registry: string;
  readonly tlsRegistry: string;
  readonly tlsCa: string;
  readonly tlsUser: string;
  readonly tlsPass: string;
}

const KEYS = [
  'MANIFOLD_TEST_REGISTRY',
  'MANIFOLD_TEST_TLS_REGISTRY',
  'MANIFOLD_TEST_TLS_CA',
  'MANIFOLD_TEST_TLS_USER',
  'MANIFOLD_TEST_TLS_PASS',
] as const;

async function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode === 200 || res.statusCode === 401);
    });
    req.setTimeout(3000, () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Reads the world's settings and checks that the plain registry answers. */
export async function loadWorld(): Promise<World> {
  const dir = process.env.MANIFOLD_TESTWORLD_DIR ?? '/tmp/manifold-testworld';
  const file = path.join(dir, 'env.json');
  let fromFile: Record<string, string> = {};
  if (existsSync(file)) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch {
      fromFile = {};
    }
  }
  const get = (k: (typeof KEYS)[number]): string => process.env[k] ?? fromFile[k] ?? '';
  const world = {
    registry: get('MANIFOLD_TEST_REGISTRY'),
    tlsRegistry: get('MANIFOLD_TEST_TLS_REGISTRY'),
    tlsCa: get('MANIFOLD_TEST_TLS_CA'),
    tlsUser: get('MANIFOLD_TEST_TLS_USER'),
    tlsPass: get('MANIFOLD_TEST_TLS_PASS'),
  };
  const missing = KEYS.filter((k) => get(k) === '');
  let skip: string | undefined;
  if (missing.length > 0) {
    skip = `test registries not configured (${missing.join(', ')} unset and not in ${file}); run scripts/testworld/registry.sh start`;
  } else if (!(await answers(`http://${world.registry}/v2/`))) {
    skip = `the test registry ${world.registry} does not answer; run scripts/testworld/registry.sh start`;
  }
  return { ...world, skip };
}

/** A repository name no other run uses. */
export function uniqueRepo(prefix: string): string {
  return `manifold-it/${prefix}-${randomBytes(4).toString('hex')}`;
}

/** What the proxy should do to one request; undefined passes it through. */
export type Fault =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'reset-request'; readonly afterBytes: number }
  | { readonly kind: 'reset-response'; readonly afterBytes: number }
  | { readonly kind: 'corrupt-response' };

export interface FaultProxy {
  readonly host: string;
  /** Every request seen: `METHOD path` and the fault applied, if any. */
  readonly log: { readonly request: string; readonly fault?: string }[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of `target` (host:port, plain HTTP). `decide` picks a fault
 * for each request. The Host header is passed through, so the registry's Locations point back
 * at the proxy.
 */
export async function startFaultProxy(
  target: string,
  decide: (req: IncomingMessage) => Fault | undefined,
): Promise<FaultProxy> {
  const [targetHost, targetPort] = target.split(':') as [string, string];
  const log: { request: string; fault?: string }[] = [];
  const server = http.createServer((req, res) => {
    const fault = decide(req);
    log.push({ request: `${req.method} ${req.url}`, ...(fault === undefined ? {} : { fault: fault.kind }) });
    if (fault?.kind === 'status') {
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected by the fault proxy' }] }));
      return;
    }
    forward(req, res, targetHost, Number(targetPort), fault);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function forward(
  req: IncomingMessage,
  res: ServerResponse,
  host: string,
  port: number,
  fault: Fault | undefined,
): void {
  const upstream = http.request(
    { host, port, method: req.method, path: req.url, headers: req.headers },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (fault?.kind === 'reset-response') {
        let sent = 0;
        up.on('data', (chunk: Buffer) => {
          if (sent + chunk.length >= fault.afterBytes) {
            res.write(chunk.subarray(0, fault.afterBytes - sent));
            sent = fault.afterBytes;
            up.destroy();
            setTimeout(() => res.socket?.destroy(), 20);
            return;
          }
          sent += chunk.length;
          res.write(chunk);
        });
        up.on('end', () => res.end());
        return;
      }
      if (fault?.kind === 'corrupt-response') {
        let first = true;
        up.on('data', (chunk: Buffer) => {
          const out = Buffer.from(chunk);
          if (first && out.length > 0) out[0] = (out[0] as number) ^ 0xff;
          first = false;
          res.write(out);
        });
        up.on('end', () => res.end());
        return;
      }
      up.pipe(res);
    },
  );
  upstream.on('error', () => res.socket?.destroy());
  if (fault?.kind === 'reset-request') {
    let sent = 0;
    req.on('data', (chunk: Buffer) => {
      if (sent >= fault.afterBytes) return;
      if (sent + chunk.length >= fault.afterBytes) {
        upstream.write(chunk.subarray(0, fault.afterBytes - sent));
        sent = fault.afterBytes;
        upstream.destroy();
        req.socket.destroy();
        return;
      }
      sent += chunk.length;
      upstream.write(chunk);
    });
    req.on('end', () => upstream.end());
    return;
  }
  req.pipe(upstream);
}

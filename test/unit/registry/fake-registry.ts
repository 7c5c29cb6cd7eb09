/**
 * A small in-memory distribution registry on 127.0.0.1:0 for unit tests, with hooks that let a
 * test inject the faults a real registry cannot produce on demand (5xx bursts, resets mid-body,
 * odd headers, challenges). Blobs and manifests are stored in maps; uploads follow the spec
 * (POST → PATCH* → PUT ?digest=, or POST ?mount=&from=). Every request is recorded.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Agent } from 'undici';
import {
  createRegistryAgent,
  type HostsConfig,
  parseHostsConfig,
  type RegistryAgentOptions,
  RegistryClient,
  type RegistryClientOptions,
} from '../../../src/registry/index.js';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly bodyLength: number;
}

/** A hook may answer a request itself (return true) before the registry logic runs. */
export type Hook = (req: IncomingMessage, res: ServerResponse, body: Buffer) => boolean | Promise<boolean>;

export interface FakeRegistry {
  readonly host: string;
  readonly port: number;
  readonly blobs: Map<string, Buffer>;
  /** key `repo@digest`: blob present in that repository. */
  readonly repoBlobs: Set<string>;
  readonly manifests: Map<string, { body: Buffer; type: string; digest: string }>;
  readonly requests: RecordedRequest[];
  hooks: Hook[];
  close(): Promise<void>;
}

export function sha256(b: Buffer | string): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function errorBody(code: string, message: string): { errors: { code: string; message: string }[] } {
  return { errors: [{ code, message }] };
}

/** TLS material for an HTTPS fake (PEM text). */
export interface FakeTls {
  readonly key: string;
  readonly cert: string;
  /** Require client certificates signed by this CA. */
  readonly clientCa?: string;
}

export async function startFakeRegistry(
  options: { hooks?: Hook[]; tls?: FakeTls } = {},
): Promise<FakeRegistry> {
  const blobs = new Map<string, Buffer>();
  const repoBlobs = new Set<string>();
  const manifests = new Map<string, { body: Buffer; type: string; digest: string }>();
  const uploads = new Map<string, { repo: string; parts: Buffer[] }>();
  const requests: RecordedRequest[] = [];
  let nextUpload = 1;
  const state = { hooks: options.hooks ?? [] };

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body =
      req.method === 'PUT' || req.method === 'PATCH' || req.method === 'POST'
        ? await readBody(req).catch(() => Buffer.alloc(0))
        : Buffer.alloc(0);
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      bodyLength: body.length,
    });
    for (const hook of state.hooks) {
      if (await hook(req, res, body)) return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (path === '/v2/' || path === '/v2') {
      json(res, 200, {});
      return;
    }
    let m = /^\/v2\/(.+)\/blobs\/uploads\/(\d+)?$/.exec(path);
    if (m !== null) return upload(req, res, url, m[1] as string, m[2], body);
    m = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(path);
    if (m !== null) return blob(req, res, m[1] as string, m[2] as string);
    m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path);
    if (m !== null) return manifest(req, res, m[1] as string, m[2] as string, body);
    m = /^\/v2\/(.+)\/tags\/list$/.exec(path);
    if (m !== null) {
      const repo = m[1] as string;
      const tags = [...manifests.keys()]
        .filter((k) => k.startsWith(`${repo}:`))
        .map((k) => k.slice(repo.length + 1));
      json(res, 200, { name: repo, tags });
      return;
    }
    json(res, 404, errorBody('NOT_FOUND', 'no route'));
  };
  const tls = options.tls;
  const server =
    tls === undefined
      ? http.createServer(handler)
      : https.createServer(
          {
            key: tls.key,
            cert: tls.cert,
            ...(tls.clientCa === undefined
              ? {}
              : { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true }),
          },
          handler,
        );

  function blob(req: IncomingMessage, res: ServerResponse, repo: string, digest: string): void {
    const data = blobs.get(digest);
    if (data === undefined || !repoBlobs.has(`${repo}@${digest}`)) {
      if (req.method === 'HEAD') {
        res.writeHead(404);
        res.end();
        return;
      }
      json(res, 404, errorBody('BLOB_UNKNOWN', 'blob unknown to registry'));
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
    const start = range === null ? 0 : Number(range[1]);
    const part = data.subarray(start);
    const headers: Record<string, string | number> = {
      'content-type': 'application/octet-stream',
      'content-length': part.length,
      'docker-content-digest': digest,
    };
    if (range !== null) headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
    res.writeHead(range === null ? 200 : 206, headers);
    res.end(req.method === 'HEAD' ? undefined : part);
  }

  function upload(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    repo: string,
    id: string | undefined,
    body: Buffer,
  ): void {
    if (req.method === 'POST' && id === undefined) {
      const mount = url.searchParams.get('mount');
      const from = url.searchParams.get('from');
      if (mount !== null && from !== null && repoBlobs.has(`${from}@${mount}`)) {
        repoBlobs.add(`${repo}@${mount}`);
        res.writeHead(201, {
          location: `/v2/${repo}/blobs/${mount}`,
          'docker-content-digest': mount,
          'content-length': 0,
        });
        res.end();
        return;
      }
      const uid = String(nextUpload++);
      uploads.set(uid, { repo, parts: [] });
      res.writeHead(202, {
        location: `/v2/${repo}/blobs/uploads/${uid}?_state=s${uid}`,
        'content-length': 0,
        range: '0-0',
      });
      res.end();
      return;
    }
    const up = id === undefined ? undefined : uploads.get(id);
    if (up === undefined) {
      json(res, 404, errorBody('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown'));
      return;
    }
    if (req.method === 'PATCH') {
      up.parts.push(body);
      const size = up.parts.reduce((n, p) => n + p.length, 0);
      res.writeHead(202, {
        location: `/v2/${repo}/blobs/uploads/${id}?_state=p${size}`,
        range: `0-${size - 1}`,
        'content-length': 0,
      });
      res.end();
      return;
    }
    if (req.method === 'PUT') {
      up.parts.push(body);
      const data = Buffer.concat(up.parts);
      const digest = url.searchParams.get('digest') ?? '';
      uploads.delete(id as string);
      if (sha256(data) !== digest) {
        json(res, 400, errorBody('DIGEST_INVALID', 'provided digest did not match uploaded content'));
        return;
      }
      blobs.set(digest, data);
      repoBlobs.add(`${repo}@${digest}`);
      res.writeHead(201, {
        location: `/v2/${repo}/blobs/${digest}`,
        'docker-content-digest': digest,
        'content-length': 0,
      });
      res.end();
      return;
    }
    if (req.method === 'DELETE') {
      uploads.delete(id as string);
      res.writeHead(204);
      res.end();
      return;
    }
    json(res, 405, errorBody('UNSUPPORTED', 'method'));
  }

  function manifest(
    req: IncomingMessage,
    res: ServerResponse,
    repo: string,
    ref: string,
    body: Buffer,
  ): void {
    if (req.method === 'PUT') {
      const digest = sha256(body);
      const entry = { body, type: String(req.headers['content-type']), digest };
      manifests.set(`${repo}@${digest}`, entry);
      if (!ref.startsWith('sha256:')) manifests.set(`${repo}:${ref}`, entry);
      res.writeHead(201, {
        location: `/v2/${repo}/manifests/${digest}`,
        'docker-content-digest': digest,
        'content-length': 0,
      });
      res.end();
      return;
    }
    const entry = manifests.get(ref.startsWith('sha256:') ? `${repo}@${ref}` : `${repo}:${ref}`);
    if (entry === undefined) {
      if (req.method === 'HEAD') {
        res.writeHead(404);
        res.end();
        return;
      }
      json(res, 404, errorBody('MANIFEST_UNKNOWN', 'manifest unknown'));
      return;
    }
    res.writeHead(200, {
      'content-type': entry.type,
      'content-length': entry.body.length,
      'docker-content-digest': entry.digest,
    });
    res.end(req.method === 'HEAD' ? undefined : entry.body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    blobs,
    repoBlobs,
    manifests,
    requests,
    get hooks() {
      return state.hooks;
    },
    set hooks(h: Hook[]) {
      state.hooks = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Stores a blob directly. */
export function seedBlob(reg: FakeRegistry, repo: string, data: Buffer): string {
  const digest = sha256(data);
  reg.blobs.set(digest, data);
  reg.repoBlobs.add(`${repo}@${digest}`);
  return digest;
}

/** Stores a manifest directly under a tag (and its digest). */
export function seedManifest(
  reg: FakeRegistry,
  repo: string,
  tag: string,
  body: Buffer | string,
  type: string,
): string {
  const buf = Buffer.from(body);
  const digest = sha256(buf);
  const entry = { body: buf, type, digest };
  reg.manifests.set(`${repo}@${digest}`, entry);
  reg.manifests.set(`${repo}:${tag}`, entry);
  return digest;
}

/** Requests whose path matches. */
export function requestsTo(reg: FakeRegistry, method: string, pathPart: string): RecordedRequest[] {
  return reg.requests.filter((r) => r.method === method && r.url.includes(pathPart));
}

/** The `data` of one registry client case; throws when the case is missing. */
export function caseData<T>(cases: Map<string, { data?: unknown }>, id: string): T {
  const c = cases.get(id);
  if (c === undefined) throw new Error(`conformance case ${id} is missing`);
  return c.data as T;
}

/** Loads the registry client cases of the conformance data, by id. */
export function loadRegistryCases(
  file: string,
): Map<string, { data?: unknown; expected_client_behaviour: string }> {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as {
    cases: { id: string; data?: unknown; expected_client_behaviour: string }[];
  };
  return new Map(doc.cases.map((c) => [c.id, c]));
}

/** A client (and its agent) for tests: fast retries, no jitter. */
export function makeClient(
  toml = '',
  options: Partial<RegistryClientOptions> = {},
  agentOptions: RegistryAgentOptions = {},
): { client: RegistryClient; agent: Agent; hosts: HostsConfig } {
  const hosts = parseHostsConfig(toml, '/test/buildkitd.toml');
  const agent = createRegistryAgent(hosts, agentOptions);
  const client = new RegistryClient({
    dispatcher: agent,
    hosts,
    retry: { initialDelayMs: 5, maxDelayMs: 20, jitter: 0, retryAfterCapMs: 200 },
    ...options,
  });
  return { client, agent, hosts };
}

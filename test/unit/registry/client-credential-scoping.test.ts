/**
 * Basic authentication, and where credentials must never go: redirects to other hosts, CDN
 * challenges, upload Locations elsewhere; and the ping that learns a challenge before a body.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { Digest } from '../../../src/oci/index.js';
import { RegistryError } from '../../../src/registry/index.js';
import { bearer, creds, lookup, type TokenServer } from './auth-fixtures.js';
import {
  type FakeRegistry,
  type Hook,
  makeClient,
  requestsTo,
  seedManifest,
  sha256,
  startFakeRegistry,
} from './fake-registry.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { digest: 'x', size: 1 },
  layers: [],
});
let checked = 0;
after(() => console.log(`credential-scoping behaviours checked: ${checked}`));

let reg: FakeRegistry;
before(async () => {
  reg = await startFakeRegistry();
});
after(() => reg.close());

describe('basic auth', () => {
  const basic: Hook = (req, res) => {
    if (!req.url?.startsWith('/v2/')) return false;
    if (req.headers.authorization === `Basic ${Buffer.from('bob:right').toString('base64')}`) return false;
    res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"', 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    return true;
  };

  test('credentials for the host are sent once the host asks for them', async () => {
    reg.hooks = [basic];
    seedManifest(reg, 'basic/app', 'v1', manifest, OCI_MANIFEST);
    const { client, agent } = makeClient('', {
      credentials: creds({ [reg.host]: { username: 'bob', password: 'right' } }),
    });
    const ref = { registry: reg.host, repository: 'basic/app', tag: 'v1' };
    await client.getManifest(ref);
    await client.getManifest(ref);
    const auths = requestsTo(reg, 'GET', '/basic/app/manifests/').map(
      (r) => r.headers.authorization !== undefined,
    );
    assert.deepEqual(
      auths.slice(-3),
      [false, true, true],
      'after the first challenge, every request carries them',
    );
    await agent.close();
    checked++;
  });

  test('auth/bad-token-and-basic-errors (b, c): no credentials, and wrong ones', async () => {
    reg.hooks = [basic];
    const ref = { registry: reg.host, repository: 'basic/app', tag: 'v1' };
    const none = makeClient();
    await assert.rejects(none.client.getManifest(ref), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.equal(e.code, 'E_REGISTRY_UNAUTHORIZED');
      assert.match(e.message, /with no credentials \(no credential source was configured\)/);
      assert.match(e.message, /there are no credentials/);
      return true;
    });
    await none.agent.close();
    const wrong = makeClient('', {
      credentials: creds({ [reg.host]: { username: 'bob', password: 'wrong' } }),
    });
    await assert.rejects(wrong.client.getManifest(ref), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.equal(e.code, 'E_REGISTRY_UNAUTHORIZED');
      assert.match(
        e.message,
        /with credentials for 127\.0\.0\.1:\d+ from the test table \(it rejected them\)/,
      );
      return true;
    });
    await wrong.agent.close();
    reg.hooks = [
      (req, res) => {
        if (!req.url?.startsWith('/v2/denied/')) return false;
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }],
          }),
        );
        return true;
      },
    ];
    const { client, agent } = makeClient();
    await assert.rejects(
      client.getManifest({ registry: reg.host, repository: 'denied', tag: 'v1' }),
      (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.equal(e.code, 'E_REGISTRY_DENIED');
        assert.match(e.message, /requested access to the resource is denied/);
        return true;
      },
    );
    assert.equal(requestsTo(reg, 'GET', '/denied/').length, 1, 'no retry on 403');
    await agent.close();
    checked += 3;
  });
});

describe('where credentials go', () => {
  let other: FakeRegistry;
  before(async () => {
    other = await startFakeRegistry();
  });
  after(() => other.close());

  const toml = (): string => `[registry."registry.test:${reg.port}"]\nhttp = true\n`;
  const token = `Basic ${Buffer.from('carol:pw').toString('base64')}`;
  const options = () => ({
    credentials: creds({ [`registry.test:${reg.port}`]: { username: 'carol', password: 'pw' } }),
  });
  const guard: Hook = (req, res) => {
    if (!req.url?.startsWith('/v2/') || req.headers.authorization === token) return false;
    res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"' });
    res.end();
    return true;
  };

  test('credential-scoping/redirect-other-host, redirect-same-host, cross-host-challenge, redirect-ssrf', async () => {
    const data = Buffer.from('blob on a CDN');
    const digest = sha256(data) as Digest;
    reg.hooks = [
      guard,
      (req, res) => {
        if (req.url?.includes('/cdn/blobs/')) {
          res.writeHead(307, { location: `http://cdn.test:${other.port}/storage/blob?sig=secret` });
          res.end();
          return true;
        }
        if (req.url?.includes('/same/blobs/')) {
          res.writeHead(302, { location: '/v2/cdn-same/blobs/data' });
          res.end();
          return true;
        }
        if (req.url === '/v2/cdn-same/blobs/data') {
          res.writeHead(200, { 'content-length': data.length });
          res.end(data);
          return true;
        }
        if (req.url?.includes('/ssrf/blobs/')) {
          res.writeHead(302, { location: `http://127.0.0.1:${other.port}/storage/blob` });
          res.end();
          return true;
        }
        if (req.url?.includes('/challenge/blobs/')) {
          res.writeHead(302, { location: `http://cdn.test:${other.port}/challenge` });
          res.end();
          return true;
        }
        return false;
      },
    ];
    other.hooks = [
      (req, res) => {
        if (req.url === '/challenge') {
          res.writeHead(401, { 'www-authenticate': `Bearer realm="http://cdn.test:${other.port}/token"` });
          res.end();
          return true;
        }
        res.writeHead(200, { 'content-length': data.length });
        res.end(data);
        return true;
      },
    ];
    const { client, agent } = makeClient(toml(), options(), { lookup });
    const repo = (name: string) => ({ registry: `registry.test:${reg.port}`, repository: name });
    const read = async (name: string) => {
      const parts: Buffer[] = [];
      for await (const c of await client.fetchBlob(repo(name), digest)) parts.push(c as Buffer);
      return Buffer.concat(parts);
    };
    assert.deepEqual(await read('cdn'), data);
    assert.equal(other.requests[0]?.headers.authorization, undefined, 'no Authorization to the CDN');
    assert.deepEqual(await read('same'), data);
    assert.equal(
      requestsTo(reg, 'GET', '/v2/cdn-same/blobs/data')[0]?.headers.authorization,
      token,
      'kept on the same host',
    );
    await assert.rejects(read('ssrf'), /refusing to follow the redirect .* internal address 127\.0\.0\.1/);
    await assert.rejects(read('challenge'), RegistryError);
    assert.ok(
      other.requests.every((r) => r.headers.authorization === undefined),
      'the other host never saw a credential',
    );
    await agent.close();
    checked += 5;
  });

  test('credential-scoping/upload-location-other-host: the upload goes there without Authorization', async () => {
    const data = Buffer.from('upload elsewhere');
    const digest = sha256(data) as Digest;
    reg.hooks = [
      guard,
      (req, res) => {
        if (req.method === 'POST' && req.url?.includes('/elsewhere/blobs/uploads/')) {
          res.writeHead(202, { location: `http://storage.test:${other.port}/upload/1?_state=abc` });
          res.end();
          return true;
        }
        return false;
      },
    ];
    const puts: { url: string; auth: string | undefined; length: number }[] = [];
    other.hooks = [
      (req, res, body) => {
        puts.push({ url: req.url ?? '', auth: req.headers.authorization, length: body.length });
        res.writeHead(201, { 'docker-content-digest': digest });
        res.end();
        return true;
      },
    ];
    const { client, agent } = makeClient(toml(), options(), { lookup });
    const res = await client.pushBlob(
      { registry: `registry.test:${reg.port}`, repository: 'elsewhere' },
      digest,
      data.length,
      () => Readable.from([data]),
    );
    assert.equal(res.status, 'uploaded');
    assert.equal(puts.length, 1);
    assert.equal(puts[0]?.auth, undefined);
    assert.equal(puts[0]?.length, data.length);
    assert.match(puts[0]?.url ?? '', /^\/upload\/1\?_state=abc&digest=sha256%3A[0-9a-f]{64}$/);
    await agent.close();
    checked += 3;
  });

  test('auth/ping-statuses: before a body is sent to an unknown host, GET /v2/ learns its challenge', async () => {
    const server: TokenServer = { issued: [] };
    reg.hooks = [bearer(reg, server)];
    const { client, agent } = makeClient();
    const before = reg.requests.length;
    await client.putManifest(
      { registry: reg.host, repository: 'ping/app' },
      'v1',
      Buffer.from(manifest),
      OCI_MANIFEST,
    );
    const seen = reg.requests.slice(before).map((r) => `${r.method} ${r.url.split('?')[0]}`);
    assert.deepEqual(
      seen.filter((s) => !s.startsWith('GET /token')),
      ['GET /v2/', 'PUT /v2/ping/app/manifests/v1'],
    );
    await agent.close();
    checked++;
  });
});

/**
 * Blob downloads through `RegistryClient` from an in-process registry that misbehaves on
 * purpose: verified streams, resumes after resets, encodings, bounded concurrency; and mirror
 * fall-through with ?ns= and credentials kept to their own host.
 */
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import type { Digest } from '../../../src/oci/index.js';
import { DigestMismatchError, RegistryError, SizeMismatchError } from '../../../src/registry/index.js';
import {
  type FakeRegistry,
  makeClient,
  requestsTo,
  seedBlob,
  seedManifest,
  sha256,
  startFakeRegistry,
} from './fake-registry.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const manifestBody = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('{}'), size: 2 },
  layers: [],
});
let checked = 0;
after(() => console.log(`blob and mirror behaviours checked: ${checked}`));

async function drain(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

let reg: FakeRegistry;
before(async () => {
  reg = await startFakeRegistry();
});
after(() => reg.close());

describe('blobs', () => {
  const data = Buffer.from('0123456789abcdefghijklmno'); // 25 bytes

  test('verify/stream-verification and verify/fetch-by-digest', async () => {
    const digest = seedBlob(reg, 'blob', data) as Digest;
    const { client, agent } = makeClient();
    const repo = { registry: reg.host, repository: 'blob' };
    assert.deepEqual(await drain(await client.fetchBlob(repo, digest, { size: 25 })), data);
    assert.deepEqual(
      await drain(await client.fetchBlob(repo, digest)),
      data,
      'unknown size checks the digest only',
    );
    // Expected sizes that disagree fail (before or while reading).
    await assert.rejects(
      async () => drain(await client.fetchBlob(repo, digest, { size: 3 })),
      SizeMismatchError,
    );
    await assert.rejects(
      async () => drain(await client.fetchBlob(repo, digest, { size: 100 })),
      SizeMismatchError,
    );
    // A registry that serves other bytes under the digest.
    const liar = sha256('something else') as Digest;
    reg.blobs.set(liar, data);
    reg.repoBlobs.add(`blob@${liar}`);
    await assert.rejects(
      async () => drain(await client.fetchBlob(repo, liar)),
      (e: unknown) => {
        assert.ok(e instanceof DigestMismatchError);
        assert.equal(e.expected, liar);
        assert.equal(e.actual, digest);
        assert.match(e.message, new RegExp(`expected ${liar}, got ${digest}`));
        return true;
      },
    );
    await assert.rejects(client.fetchBlob(repo, sha256('absent') as Digest), /does not exist/);
    await agent.close();
    checked += 6;
  });

  test('range/offset-fetch: resume after a reset with Range, or skip on 200, or refuse a wrong range', async () => {
    const big = Buffer.alloc(300_000);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const digest = seedBlob(reg, 'resume', big) as Digest;
    const cut = 100_000;
    for (const mode of ['206', '200', 'wrong-range', 'reset-at-0'] as const) {
      let served = 0;
      reg.hooks = [
        (req, res) => {
          if (req.method !== 'GET' || !req.url?.includes('/resume/blobs/')) return false;
          served++;
          if (served === 1) {
            res.writeHead(200, { 'content-length': big.length, 'content-type': 'application/octet-stream' });
            if (mode === 'reset-at-0') res.flushHeaders();
            else res.write(big.subarray(0, cut));
            setTimeout(() => res.socket?.destroy(), 30);
            return true;
          }
          if (mode === '200') {
            res.writeHead(200, { 'content-length': big.length });
            res.end(big);
            return true;
          }
          if (mode === 'wrong-range') {
            res.writeHead(206, { 'content-range': `bytes ${cut + 10}-${big.length - 1}/${big.length}` });
            res.end(big.subarray(cut + 10));
            return true;
          }
          return false; // the registry's own Range handling (206)
        },
      ];
      const { client, agent } = makeClient();
      const repo = { registry: reg.host, repository: 'resume' };
      const before = requestsTo(reg, 'GET', '/resume/blobs/').length;
      if (mode === 'wrong-range') {
        await assert.rejects(
          async () => drain(await client.fetchBlob(repo, digest)),
          /unhandled content range/,
        );
      } else {
        assert.deepEqual(await drain(await client.fetchBlob(repo, digest, { size: big.length })), big, mode);
      }
      const second = requestsTo(reg, 'GET', '/resume/blobs/')[before + 1];
      assert.equal(
        second?.headers.range,
        mode === 'reset-at-0' ? undefined : `bytes=${cut}-`,
        `${mode}: Range of the resume`,
      );
      await agent.close();
      checked++;
    }
    reg.hooks = [];
  });

  test('range/reconnect-policy: a second reset with little progress gives up', async () => {
    const big = Buffer.alloc(200_000, 5);
    const digest = seedBlob(reg, 'flaky', big) as Digest;
    reg.hooks = [
      (req, res) => {
        if (req.method !== 'GET' || !req.url?.includes('/flaky/blobs/')) return false;
        const start = Number(/bytes=(\d+)-/.exec(String(req.headers.range))?.[1] ?? 0);
        res.writeHead(start === 0 ? 200 : 206, {
          'content-length': big.length - start,
          ...(start === 0 ? {} : { 'content-range': `bytes ${start}-${big.length - 1}/${big.length}` }),
        });
        res.write(big.subarray(start, start + 1000));
        setTimeout(() => res.socket?.destroy(), 30);
        return true;
      },
    ];
    const { client, agent } = makeClient();
    await assert.rejects(
      async () => drain(await client.fetchBlob({ registry: reg.host, repository: 'flaky' }, digest)),
      (e: unknown) => e instanceof RegistryError && e.code === 'E_REGISTRY_CONNECTION',
    );
    assert.equal(requestsTo(reg, 'GET', '/flaky/blobs/').length, 2);
    reg.hooks = [];
    await agent.close();
    checked++;
  });

  test('range/content-encoding: encodings undone in reverse order, digest over decoded bytes', async () => {
    const plain = Buffer.from('hello encoded world '.repeat(100));
    const digest = seedBlob(reg, 'enc', plain) as Digest;
    const encoders: Record<string, (b: Buffer) => Buffer> = { gzip: gzipSync, deflate: deflateSync };
    for (const encoding of ['', 'gzip', 'deflate', 'gzip,deflate', 'deflate, gzip', 'zstd', 'gzip-bad']) {
      reg.hooks = [
        (req, res) => {
          if (req.method !== 'GET' || !req.url?.includes('/enc/blobs/')) return false;
          let body: Buffer = plain;
          const list =
            encoding === 'gzip-bad'
              ? []
              : encoding
                  .split(',')
                  .map((e) => e.trim())
                  .filter((e) => e !== '');
          for (const e of list) body = encoders[e]?.(body) ?? body;
          res.writeHead(200, {
            'content-encoding': encoding === 'gzip-bad' ? 'gzip' : encoding,
            'content-length': body.length,
          });
          res.end(body);
          return true;
        },
      ];
      const { client, agent } = makeClient('', { maxConcurrency: 1 });
      const repo = { registry: reg.host, repository: 'enc' };
      if (encoding === 'zstd') {
        await assert.rejects(client.fetchBlob(repo, digest), /Content-Encoding "zstd"/);
      } else if (encoding === 'gzip-bad') {
        await assert.rejects(async () => drain(await client.fetchBlob(repo, digest)));
      } else {
        assert.deepEqual(await drain(await client.fetchBlob(repo, digest)), plain, encoding);
      }
      // The slot is released after a failure: another open must not deadlock (maxConcurrency 1).
      reg.hooks = [];
      assert.deepEqual(await drain(await client.fetchBlob(repo, digest)), plain);
      await agent.close();
      checked++;
    }
  });

  test('maxConcurrency bounds the downloads in flight', async () => {
    const blobs = [1, 2, 3, 4, 5, 6].map((i) => seedBlob(reg, 'conc', Buffer.alloc(50_000, i)) as Digest);
    let active = 0;
    let peak = 0;
    reg.hooks = [
      (req, res) => {
        if (req.method !== 'GET' || !req.url?.includes('/conc/blobs/')) return false;
        active++;
        peak = Math.max(peak, active);
        const d = /blobs\/(sha256:[0-9a-f]+)/.exec(req.url)?.[1] as string;
        const body = reg.blobs.get(d) as Buffer;
        res.writeHead(200, { 'content-length': body.length });
        setTimeout(() => {
          res.end(body);
          active--;
        }, 40);
        return true;
      },
    ];
    const { client, agent } = makeClient('', { maxConcurrency: 2 });
    const repo = { registry: reg.host, repository: 'conc' };
    const got = await Promise.all(blobs.map(async (d) => drain(await client.fetchBlob(repo, d))));
    assert.equal(got.length, 6);
    assert.equal(peak, 2);
    reg.hooks = [];
    await agent.close();
    checked++;
  });
});

describe('mirrors (resolve/host-fallback, resolve/proxy-ns-param, credential-scoping/mirror-credentials)', () => {
  let mirror: FakeRegistry;
  before(async () => {
    mirror = await startFakeRegistry();
  });
  after(() => mirror.close());

  test('a mirror that has the content serves it; ?ns= names the upstream registry', async () => {
    const digest = seedManifest(mirror, 'lib/app', 'v1', manifestBody, OCI_MANIFEST);
    const { client, agent } = makeClient(`[registry."${reg.host}"]\nmirrors = ["${mirror.host}"]\n`);
    const got = await client.getManifest({ registry: reg.host, repository: 'lib/app', tag: 'v1' });
    assert.equal(got.digest, digest);
    const asked = requestsTo(mirror, 'GET', '/lib/app/manifests/v1')[0];
    assert.ok(asked?.url.includes(`ns=${encodeURIComponent(reg.host)}`), asked?.url);
    assert.equal(requestsTo(reg, 'GET', '/lib/app/').length, 0, 'origin not contacted');
    await agent.close();
    checked += 3;
  });

  test('404 or 5xx on a mirror falls through to the origin, without retrying the mirror', async () => {
    const blob = Buffer.from('origin-only blob');
    const digest = seedBlob(reg, 'lib/only', blob) as Digest;
    mirror.hooks = [
      (req, res) => {
        if (!req.url?.includes('/lib/five/')) return false;
        res.writeHead(503);
        res.end();
        return true;
      },
    ];
    seedBlob(reg, 'lib/five', blob);
    const { client, agent } = makeClient(`[registry."${reg.host}"]\nmirrors = ["${mirror.host}"]\n`);
    assert.deepEqual(
      await drain(await client.fetchBlob({ registry: reg.host, repository: 'lib/only' }, digest)),
      blob,
    );
    assert.deepEqual(
      await drain(await client.fetchBlob({ registry: reg.host, repository: 'lib/five' }, digest)),
      blob,
    );
    assert.equal(requestsTo(mirror, 'GET', '/lib/five/').length, 1, 'no retry on a mirror');
    mirror.hooks = [];
    await agent.close();
    checked += 3;
  });

  test('mirrors that refuse connections or speak the wrong protocol are skipped; none having it is not-found', async () => {
    const digest = seedManifest(reg, 'lib/fall', 'v1', manifestBody, OCI_MANIFEST);
    const toml = `[registry."${reg.host}"]\nmirrors = ["127.0.0.1:1", "${mirror.host}"]\n[registry."${mirror.host}"]\nhttp = false\n`;
    const { client, agent } = makeClient(toml);
    assert.equal(
      (await client.getManifest({ registry: reg.host, repository: 'lib/fall', tag: 'v1' })).digest,
      digest,
    );
    await assert.rejects(
      client.getManifest({ registry: reg.host, repository: 'lib/fall', tag: 'nope' }),
      (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.equal(e.code, 'E_REGISTRY_NOT_FOUND');
        // Both broken mirrors are named after the origin's answer.
        assert.match(
          e.message,
          /^not found: manifest \S+ does not exist in registry \S+: MANIFEST_UNKNOWN: manifest unknown \(mirrors tried first: cannot connect to registry 127\.0\.0\.1:1 \(http:\/\/127\.0\.0\.1:1\/v2\/lib\/fall\/manifests\/nope\?ns=\S+\): ECONNREFUSED; registry \S+ answered plain HTTP to an HTTPS request \(\S+\)\)$/,
        );
        return true;
      },
    );
    await agent.close();
    checked += 2;
  });

  test('requests to a mirror never carry the origin’s credentials', async () => {
    const seen: (string | undefined)[] = [];
    mirror.hooks = [
      (req, res) => {
        seen.push(req.headers.authorization);
        if (req.headers.authorization === undefined) {
          res.writeHead(401, {
            'www-authenticate': 'Basic realm="mirror"',
            'content-type': 'application/json',
          });
          res.end('{"errors":[{"code":"UNAUTHORIZED","message":"auth"}]}');
          return true;
        }
        return false;
      },
    ];
    seedManifest(reg, 'lib/cred', 'v1', manifestBody, OCI_MANIFEST);
    const credentials = {
      describe: () => 'test credentials',
      get: async (registry: string) =>
        registry === reg.host
          ? { username: 'origin', password: 'secret', source: `credentials for ${registry}` }
          : undefined,
    };
    const { client, agent } = makeClient(`[registry."${reg.host}"]\nmirrors = ["${mirror.host}"]\n`, {
      credentials,
    });
    await client.getManifest({ registry: reg.host, repository: 'lib/cred', tag: 'v1' });
    assert.ok(seen.length > 0);
    assert.ok(
      seen.every((h) => h === undefined),
      'the mirror saw no Authorization',
    );
    mirror.hooks = [];
    await agent.close();
    checked++;
  });

  test('when the origin fails too, the error says what the mirror answered first', async () => {
    const { client, agent } = makeClient(`[registry."${reg.host}"]\nmirrors = ["${mirror.host}"]\n`);
    await assert.rejects(
      client.getManifest({ registry: reg.host, repository: 'lib/absent', tag: 'v9' }),
      (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.equal(e.code, 'E_REGISTRY_NOT_FOUND');
        const host = mirror.host.replace(/\./g, '\\.');
        assert.match(
          e.message,
          new RegExp(
            `does not exist in registry \\S+: MANIFEST_UNKNOWN: manifest unknown \\(mirrors tried first: not found: manifest \\S+ does not exist in registry ${host}: MANIFEST_UNKNOWN: manifest unknown\\)$`,
          ),
        );
        return true;
      },
    );
    // A HEAD that no endpoint answers is not an error: the image is simply not there.
    assert.equal(
      await client.headManifest({ registry: reg.host, repository: 'lib/absent', tag: 'v9' }),
      undefined,
    );
    await agent.close();
    checked += 2;
  });
});

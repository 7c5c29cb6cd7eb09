/**
 * Manifests through `RegistryClient` from an in-process registry that misbehaves on purpose:
 * digests and the Docker-Content-Digest header, size limits, kind confusion, HEAD fallbacks,
 * error statuses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Digest, parseDigest } from '../../../src/oci/index.js';
import { DigestMismatchError, RegistryError } from '../../../src/registry/index.js';
import {
  type FakeRegistry,
  makeClient,
  requestsTo,
  seedManifest,
  sha256,
  startFakeRegistry,
} from './fake-registry.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const manifestBody = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('{}'), size: 2 },
  layers: [],
});
let checked = 0;
after(() => console.log(`manifest behaviours checked: ${checked}`));

let reg: FakeRegistry;
before(async () => {
  reg = await startFakeRegistry();
});
after(() => reg.close());

describe('manifests', () => {
  test('get by tag and by digest: exact bytes, media type, digest; Accept lists every type', async () => {
    const digest = seedManifest(reg, 'app', 'v1', manifestBody, OCI_MANIFEST);
    const { client, agent } = makeClient();
    const byTag = await client.getManifest({ registry: reg.host, repository: 'app', tag: 'v1' });
    assert.equal(byTag.bytes.toString(), manifestBody);
    assert.deepEqual(
      [byTag.mediaType, byTag.digest, byTag.size],
      [OCI_MANIFEST, digest, manifestBody.length],
    );
    const byDigest = await client.getManifest({
      registry: reg.host,
      repository: 'app',
      digest: parseDigest(digest),
    });
    assert.equal(byDigest.digest, digest);
    const accept = String(requestsTo(reg, 'GET', '/manifests/v1')[0]?.headers.accept);
    for (const t of [
      OCI_MANIFEST,
      DOCKER_MANIFEST,
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
    ]) {
      assert.ok(accept.includes(t), t);
    }
    await agent.close();
    checked += 3;
  });

  test('resolve/ggcr-raw-manifest-digests: the body must hash to the requested digest', async () => {
    const right = Buffer.from(manifestBody);
    const rightDigest = sha256(right);
    const bogus = `sha256:${'0'.repeat(64)}`;
    const rows: { ref: 'tag' | 'digest'; body: string; header: string; error: boolean }[] = [
      { ref: 'tag', body: manifestBody, header: rightDigest, error: false },
      { ref: 'digest', body: manifestBody, header: rightDigest, error: false },
      { ref: 'digest', body: 'not even json', header: rightDigest, error: true },
      // Deliberate choice (the brief): by tag, a well-formed Docker-Content-Digest that disagrees
      // with the body is an error; go-containerregistry ignores the header here.
      { ref: 'tag', body: manifestBody, header: bogus, error: true },
      { ref: 'tag', body: manifestBody, header: 'sha256:bogus', error: false },
      { ref: 'digest', body: manifestBody, header: bogus, error: false },
    ];
    for (const row of rows) {
      reg.hooks = [
        (req, res) => {
          if (!req.url?.includes('/manifests/')) return false;
          res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': row.header });
          res.end(row.body);
          return true;
        },
      ];
      const { client, agent } = makeClient();
      const ref =
        row.ref === 'tag'
          ? { registry: reg.host, repository: 'raw', tag: 'latest' }
          : { registry: reg.host, repository: 'raw', digest: rightDigest as Digest };
      const got = client.getManifest(ref);
      if (row.error)
        await assert.rejects(
          got,
          (e: unknown) => e instanceof DigestMismatchError || e instanceof RegistryError,
          JSON.stringify(row),
        );
      else assert.equal((await got).digest, rightDigest);
      await agent.close();
      checked++;
    }
    reg.hooks = [];
  });

  test('resolve/manifest-size-limit: over the cap by header or by body', async () => {
    const big = Buffer.alloc(4096, 32);
    for (const withLength of [true, false]) {
      reg.hooks = [
        (req, res) => {
          if (!req.url?.includes('/manifests/')) return false;
          res.writeHead(200, {
            'content-type': OCI_MANIFEST,
            ...(withLength ? { 'content-length': big.length } : {}),
          });
          res.end(big);
          return true;
        },
      ];
      const { client, agent } = makeClient('', { maxManifestBytes: 1024 });
      await assert.rejects(
        client.getManifest({ registry: reg.host, repository: 'big', tag: 'x' }),
        /larger than the 1024-byte limit/,
      );
      await agent.close();
      checked++;
    }
    reg.hooks = [];
  });

  test('resolve/media-type-confusion is refused at fetch time', async () => {
    seedManifest(reg, 'conf', 'x', JSON.stringify({ schemaVersion: 2, manifests: [] }), OCI_MANIFEST);
    const { client, agent } = makeClient();
    await assert.rejects(
      client.getManifest({ registry: reg.host, repository: 'conf', tag: 'x' }),
      /must not have a "manifests" member/,
    );
    seedManifest(
      reg,
      'conf',
      'v1',
      JSON.stringify({ schemaVersion: 1, fsLayers: [] }),
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
    );
    await assert.rejects(
      client.getManifest({ registry: reg.host, repository: 'conf', tag: 'v1' }),
      /schema 1/,
    );
    await agent.close();
    checked += 2;
  });

  test('HEAD: descriptor from headers; missing headers or 405 fall back to GET (resolve/head-digest-header, ggcr-head-missing-headers, containerd-405-head-manifest)', async () => {
    const digest = seedManifest(reg, 'head', 'v1', manifestBody, OCI_MANIFEST);
    const { client, agent } = makeClient();
    const ref = { registry: reg.host, repository: 'head', tag: 'v1' };
    assert.deepEqual(await client.headManifest(ref), {
      mediaType: OCI_MANIFEST,
      digest,
      size: manifestBody.length,
    });
    assert.equal(requestsTo(reg, 'GET', '/head/manifests/').length, 0);
    for (const drop of ['content-type', 'content-length', 'docker-content-digest', '405']) {
      reg.hooks = [
        (req, res) => {
          if (req.method !== 'HEAD' || !req.url?.includes('/manifests/')) return false;
          if (drop === '405') {
            res.writeHead(405);
            res.end();
            return true;
          }
          const headers: Record<string, string | number> = {
            'content-type': OCI_MANIFEST,
            'content-length': manifestBody.length,
            'docker-content-digest': digest,
          };
          delete headers[drop];
          res.writeHead(200, headers);
          res.end();
          return true;
        },
      ];
      const before = requestsTo(reg, 'GET', '/head/manifests/').length;
      assert.deepEqual(
        await client.headManifest(ref),
        { mediaType: OCI_MANIFEST, digest, size: manifestBody.length },
        drop,
      );
      assert.equal(requestsTo(reg, 'GET', '/head/manifests/').length, before + 1, `one GET after ${drop}`);
      checked++;
    }
    reg.hooks = [];
    assert.equal(await client.headManifest({ ...ref, tag: 'missing' }), undefined);
    await agent.close();
    checked += 2;
  });

  test('resolve/head-403-get-for-body: one GET shows the registry’s explanation', async () => {
    reg.hooks = [
      (req, res) => {
        if (!req.url?.includes('/forbidden/')) return false;
        const body = JSON.stringify({ errors: [{ code: 'DENIED', message: 'encryption key is disabled' }] });
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(req.method === 'HEAD' ? undefined : body);
        return true;
      },
    ];
    const { client, agent } = makeClient();
    await assert.rejects(
      client.headManifest({ registry: reg.host, repository: 'forbidden', tag: 'x' }),
      (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.equal(e.status, 403);
        assert.match(e.message, /encryption key is disabled/);
        return true;
      },
    );
    assert.equal(requestsTo(reg, 'GET', '/forbidden/').length, 1);
    assert.equal(requestsTo(reg, 'HEAD', '/forbidden/').length, 1);
    reg.hooks = [];
    await agent.close();
    checked += 2;
  });

  test('resolve/error-status-propagation and 5xx-no-blob-fallback', async () => {
    for (const status of [400, 404, 500, 502]) {
      reg.hooks = [
        (req, res) => {
          if (!req.url?.includes('/status/')) return false;
          res.writeHead(status, { 'content-type': 'text/plain' });
          res.end('nope');
          return true;
        },
      ];
      const { client, agent } = makeClient('', { retry: { maxAttempts: 2, initialDelayMs: 1 } });
      await assert.rejects(
        client.getManifest({ registry: reg.host, repository: 'status', tag: 'x' }),
        (e: unknown) => {
          assert.ok(e instanceof RegistryError);
          assert.equal(e.status, status);
          if (status === 404) assert.equal(e.code, 'E_REGISTRY_NOT_FOUND');
          assert.match(
            e.message,
            status === 404 ? /manifest .*status:x does not exist/ : new RegExp(`${status}`),
          );
          return true;
        },
      );
      await agent.close();
      checked++;
    }
    assert.equal(requestsTo(reg, 'GET', '/status/blobs/').length, 0, 'never falls back to /blobs/');
    reg.hooks = [];
  });
});

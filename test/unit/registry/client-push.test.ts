/** Pushing through `RegistryClient`: existence checks, mounts, upload protocols, commits, restarts. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { Digest } from '../../../src/oci/index.js';
import { DigestMismatchError, RegistryError, SizeMismatchError } from '../../../src/registry/index.js';
import {
  type FakeRegistry,
  makeClient,
  requestsTo,
  seedBlob,
  sha256,
  startFakeRegistry,
} from './fake-registry.js';

let checked = 0;
after(() => console.log(`push behaviours checked: ${checked}`));

let reg: FakeRegistry;
before(async () => {
  reg = await startFakeRegistry();
});
after(() => reg.close());

function blobOf(n: number, seed: number): { data: Buffer; digest: Digest } {
  const data = Buffer.alloc(n);
  for (let i = 0; i < n; i++) data[i] = (i * 7 + seed) % 256;
  return { data, digest: sha256(data) as Digest };
}

/** An `open` that counts its calls. */
function opener(data: Buffer): { open: () => Readable; calls: () => number } {
  let calls = 0;
  return {
    open: () => {
      calls++;
      return Readable.from([data.subarray(0, data.length >> 1), data.subarray(data.length >> 1)]);
    },
    calls: () => calls,
  };
}

describe('existence and mounts', () => {
  test('push/existence-check: a blob that exists is not uploaded, nor even read', async () => {
    const { data, digest } = blobOf(1000, 1);
    seedBlob(reg, 'exists', data);
    const src = opener(data);
    const { client, agent } = makeClient();
    assert.deepEqual(
      await client.pushBlob({ registry: reg.host, repository: 'exists' }, digest, data.length, src.open),
      { status: 'exists' },
    );
    assert.equal(src.calls(), 0);
    assert.equal(requestsTo(reg, 'POST', '/exists/').length, 0);
    assert.equal(await client.blobExists({ registry: reg.host, repository: 'exists' }, digest), true);
    assert.equal(await client.blobExists({ registry: reg.host, repository: 'other' }, digest), false);
    await agent.close();
    checked += 4;
  });

  test('push/existence-check: a refused HEAD does not stop the push', async () => {
    const { data, digest } = blobOf(500, 2);
    reg.hooks = [
      (req, res) => {
        if (req.method !== 'HEAD' || !req.url?.includes('/headdenied/')) return false;
        res.writeHead(403);
        res.end();
        return true;
      },
    ];
    const { client, agent } = makeClient();
    assert.equal(
      (
        await client.pushBlob(
          { registry: reg.host, repository: 'headdenied' },
          digest,
          data.length,
          opener(data).open,
        )
      ).status,
      'uploaded',
    );
    assert.ok(reg.repoBlobs.has(`headdenied@${digest}`));
    reg.hooks = [];
    await agent.close();
    checked++;
  });

  test('push/mount: 201 mounted, 202 upload at the Location, 401 retried without mount', async () => {
    const { data, digest } = blobOf(2000, 3);
    seedBlob(reg, 'mount/src', data);
    const { client, agent } = makeClient();
    const src = opener(data);
    assert.equal(
      (
        await client.pushBlob(
          { registry: reg.host, repository: 'mount/dst' },
          digest,
          data.length,
          src.open,
          { mountFrom: 'mount/src' },
        )
      ).status,
      'mounted',
    );
    assert.equal(src.calls(), 0);
    const mountPost = requestsTo(reg, 'POST', '/mount/dst/blobs/uploads/')[0];
    assert.match(mountPost?.url ?? '', /\?mount=sha256%3A[0-9a-f]{64}&from=mount%2Fsrc$/);
    // 202: the source repository lacks it; the registry starts a normal upload.
    const other = blobOf(3000, 4);
    assert.equal(
      (
        await client.pushBlob(
          { registry: reg.host, repository: 'mount/dst' },
          other.digest,
          other.data.length,
          opener(other.data).open,
          { mountFrom: 'mount/src' },
        )
      ).status,
      'uploaded',
    );
    // 401 on the mount: repeat the POST without mount parameters.
    const third = blobOf(1500, 5);
    reg.hooks = [
      (req, res) => {
        if (req.method !== 'POST' || !req.url?.includes('mount=')) return false;
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"errors":[{"code":"UNAUTHORIZED","message":"no access to source"}]}');
        return true;
      },
    ];
    assert.equal(
      (
        await client.pushBlob(
          { registry: reg.host, repository: 'mount/dst3' },
          third.digest,
          third.data.length,
          opener(third.data).open,
          { mountFrom: 'mount/src' },
        )
      ).status,
      'uploaded',
    );
    const posts = requestsTo(reg, 'POST', '/mount/dst3/blobs/uploads/');
    assert.deepEqual(
      posts.map((p) => p.url.includes('mount=')),
      [true, false],
    );
    reg.hooks = [];
    await agent.close();
    checked += 5;
  });
});

describe('upload protocols', () => {
  test('push/upload-protocol: monolithic is POST then one PUT streaming Content-Length bytes', async () => {
    const { data, digest } = blobOf(200_000, 6);
    const { client, agent } = makeClient();
    await client.pushBlob({ registry: reg.host, repository: 'mono' }, digest, data.length, opener(data).open);
    const put = requestsTo(reg, 'PUT', '/mono/blobs/uploads/');
    assert.equal(put.length, 1);
    assert.equal(put[0]?.headers['content-length'], String(data.length));
    assert.equal(put[0]?.headers['content-type'], 'application/octet-stream');
    assert.match(put[0]?.url ?? '', /_state=s\d+&digest=sha256%3A/, 'the Location query is kept');
    assert.equal(requestsTo(reg, 'PATCH', '/mono/').length, 0);
    assert.deepEqual(reg.blobs.get(digest), data);
    await agent.close();
    checked += 5;
  });

  test('chunked: PATCH chunks with Content-Range, then an empty PUT with the digest (also for unknown size)', async () => {
    const { data, digest } = blobOf(10_000, 7);
    const { client, agent } = makeClient('', { chunkSize: 4096 });
    for (const [repo, size, chunked] of [
      ['chunk/known', data.length, true],
      ['chunk/unknown', undefined, false],
    ] as const) {
      await client.pushBlob({ registry: reg.host, repository: repo }, digest, size, opener(data).open, {
        chunked,
      });
      const patches = requestsTo(reg, 'PATCH', `/${repo}/blobs/uploads/`);
      assert.deepEqual(
        patches.map((p) => [p.headers['content-range'], p.bodyLength]),
        [
          ['0-4095', 4096],
          ['4096-8191', 4096],
          ['8192-9999', 1808],
        ],
      );
      const put = requestsTo(reg, 'PUT', `/${repo}/blobs/uploads/`);
      assert.equal(put.length, 1);
      assert.equal(put[0]?.bodyLength, 0);
      assert.match(put[0]?.url ?? '', /_state=p10000&digest=/, 'each PATCH answer gives the next Location');
      assert.ok(reg.repoBlobs.has(`${repo}@${digest}`));
      checked += 4;
    }
    await agent.close();
  });

  test('push/commit-checks: 200/201/202/204 accepted; a disagreeing Docker-Content-Digest is an error', async () => {
    const { client, agent } = makeClient();
    for (const [status, header, ok] of [
      [200, 'right', true],
      [201, 'none', true],
      [202, 'right', true],
      [204, 'none', true],
      [201, 'wrong', false],
    ] as const) {
      const { data, digest } = blobOf(100, status + (ok ? 0 : 50));
      reg.hooks = [
        (req, res) => {
          if (req.method !== 'PUT' || !req.url?.includes('/commit/')) return false;
          const headers: Record<string, string> = {};
          if (header === 'right') headers['docker-content-digest'] = digest;
          if (header === 'wrong') headers['docker-content-digest'] = sha256('other');
          res.writeHead(status, headers);
          res.end();
          return true;
        },
      ];
      const push = client.pushBlob(
        { registry: reg.host, repository: 'commit' },
        digest,
        data.length,
        opener(data).open,
      );
      if (ok) assert.equal((await push).status, 'uploaded');
      else await assert.rejects(push, DigestMismatchError);
      checked++;
    }
    reg.hooks = [];
    await agent.close();
  });
});

describe('restarts and bad sources', () => {
  test('push/reset-and-retry: a 408 on the PUT, a broken Location, a reset mid-body: the upload restarts', async () => {
    const { client, agent } = makeClient();
    for (const fault of ['408', '500-location', 'reset'] as const) {
      const { data, digest } = blobOf(100_000, fault.length);
      let hits = 0;
      reg.hooks = [
        (req, res) => {
          if (req.method !== 'PUT' || !req.url?.includes(`/restart-${fault}/`) || hits++ > 0) return false;
          if (fault === 'reset') {
            req.socket.destroy();
            return true;
          }
          res.writeHead(fault === '408' ? 408 : 500);
          res.end();
          return true;
        },
      ];
      const src = opener(data);
      const repo = `restart-${fault}`;
      assert.equal(
        (await client.pushBlob({ registry: reg.host, repository: repo }, digest, data.length, src.open))
          .status,
        'uploaded',
        fault,
      );
      assert.equal(src.calls(), 2, `${fault}: the source is opened afresh`);
      assert.equal(
        requestsTo(reg, 'POST', `/${repo}/blobs/uploads/`).length,
        2,
        `${fault}: a new upload session`,
      );
      assert.deepEqual(reg.blobs.get(digest), data);
      checked += 3;
    }
    reg.hooks = [];
    await agent.close();
  });

  test('a source that does not match its digest fails clearly and commits nothing', async () => {
    const { data } = blobOf(20_000, 9);
    const claimed = sha256('what it should have been') as Digest;
    const { client, agent } = makeClient('', { chunkSize: 8192 });
    for (const chunked of [false, true]) {
      const repo = chunked ? 'liar/chunked' : 'liar/mono';
      await assert.rejects(
        client.pushBlob({ registry: reg.host, repository: repo }, claimed, data.length, opener(data).open, {
          chunked,
        }),
        (e: unknown) => {
          assert.ok(e instanceof DigestMismatchError);
          assert.equal(e.expected, claimed);
          assert.equal(e.actual, sha256(data));
          assert.match(
            e.message,
            new RegExp(`digest mismatch for blob ${claimed} of .*${repo} \\(source\\)`),
          );
          return true;
        },
      );
      assert.equal(reg.repoBlobs.has(`${repo}@${claimed}`), false);
      if (chunked) {
        assert.equal(requestsTo(reg, 'PUT', `/${repo}/`).length, 0, 'no commit');
        assert.equal(
          requestsTo(reg, 'DELETE', `/${repo}/blobs/uploads/`).length,
          1,
          'the upload is cancelled',
        );
      }
      checked += 2;
    }
    await assert.rejects(
      client.pushBlob(
        { registry: reg.host, repository: 'liar/short' },
        sha256(data) as Digest,
        data.length + 10,
        opener(data).open,
      ),
      SizeMismatchError,
    );
    await assert.rejects(
      client.pushBlob(
        { registry: reg.host, repository: 'liar/long' },
        sha256(data) as Digest,
        data.length - 10,
        opener(data).open,
        { chunked: true },
      ),
      SizeMismatchError,
    );
    await agent.close();
    checked += 2;
  });
});

describe('manifests', () => {
  const type = 'application/vnd.oci.image.manifest.v1+json';
  const bytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: type, config: { digest: 'x', size: 1 }, layers: [] }),
  );

  test('push/manifest-path: by tag to manifests/<tag>, by digest to manifests/<digest>', async () => {
    const { client, agent } = makeClient();
    const repo = { registry: reg.host, repository: 'mpath' };
    const digest = sha256(bytes);
    assert.equal(await client.putManifest(repo, 'v1', bytes, type), digest);
    assert.equal(await client.putManifest(repo, digest, bytes, type), digest);
    assert.deepEqual(
      requestsTo(reg, 'PUT', '/mpath/manifests/').map((r) => [
        r.url.split('/manifests/')[1],
        r.headers['content-type'],
      ]),
      [
        ['v1', type],
        [digest, type],
      ],
    );
    const got = await client.getManifest({ ...repo, tag: 'v1' });
    assert.ok(got.bytes.equals(bytes));
    assert.deepEqual(await client.listTags(repo), ['v1']);
    const before = reg.requests.length;
    await assert.rejects(client.putManifest(repo, sha256('other'), bytes, type), DigestMismatchError);
    assert.equal(reg.requests.length, before, 'nothing sent');
    await agent.close();
    checked += 6;
  });

  test('verify/registry-values: a malformed tag in a tag list is refused', async () => {
    reg.hooks = [
      (req, res) => {
        if (!req.url?.includes('/badtags/tags/list')) return false;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ name: 'badtags', tags: ['ok', '../../etc/passwd'] }));
        return true;
      },
    ];
    const { client, agent } = makeClient();
    await assert.rejects(client.listTags({ registry: reg.host, repository: 'badtags' }), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.match(e.message, /invalid tag "..\/..\/etc\/passwd"/);
      return true;
    });
    reg.hooks = [];
    await agent.close();
    checked++;
  });
});

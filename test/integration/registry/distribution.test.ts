/**
 * The distribution client against the real registry (Debian's docker-registry, distribution
 * 2.8): blob push (monolithic and chunked) and verified pull, skip-if-exists, cross-repository
 * mount, manifests by tag and by digest read back byte for byte, tag lists, a docker.io mirror
 * that is the only address contacted, and a corrupt upload that stores nothing.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { type Digest, sha256Digest } from '../../../src/oci/index.js';
import {
  type ConnectionInfo,
  createRegistryAgent,
  DigestMismatchError,
  emptyHostsConfig,
  parseHostsConfig,
  parseReference,
  RegistryClient,
  RegistryError,
} from '../../../src/registry/index.js';
import { loadWorld, uniqueRepo } from './world.js';

const world = await loadWorld();
if (world.skip !== undefined) console.log(`SKIP registry integration: ${world.skip}`);
let checked = 0;
after(() => console.log(`integration checks passed: ${checked}`));

async function drain(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function client(): { client: RegistryClient; close: () => Promise<void> } {
  const hosts = emptyHostsConfig();
  const agent = createRegistryAgent(hosts);
  return {
    client: new RegistryClient({ dispatcher: agent, hosts, chunkSize: 1 << 20 }),
    close: () => agent.close(),
  };
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** Pushes a config and one layer, then a manifest for them; returns the manifest bytes. */
async function pushImage(
  c: RegistryClient,
  repo: { registry: string; repository: string },
  layer: Buffer,
): Promise<Buffer> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [sha256Digest(layer)] },
    }),
  );
  await c.pushBlob(repo, sha256Digest(config), config.length, () => Readable.from([config]));
  await c.pushBlob(repo, sha256Digest(layer), layer.length, () => Readable.from([layer]));
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256Digest(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: sha256Digest(layer),
          size: layer.length,
        },
      ],
    }),
  );
}

describe('blobs on the real registry', { skip: world.skip }, () => {
  test('monolithic and chunked pushes round-trip with verified digests', async () => {
    const { client: c, close } = client();
    for (const chunked of [false, true]) {
      const repo = { registry: world.registry, repository: uniqueRepo(chunked ? 'chunked' : 'mono') };
      const data = randomBytes(3 * 1024 * 1024 + 12_345);
      const digest = sha256Digest(data);
      const result = await c.pushBlob(repo, digest, chunked ? undefined : data.length, () =>
        Readable.from([data.subarray(0, 1_000_000), data.subarray(1_000_000)]),
      );
      assert.equal(result.status, 'uploaded');
      assert.equal(await c.blobExists(repo, digest), true);
      const back = await drain(await c.fetchBlob(repo, digest, { size: data.length }));
      assert.ok(back.equals(data), `${chunked ? 'chunked' : 'monolithic'} bytes come back`);
      assert.equal(sha256Digest(back), digest);
      checked += 3;
    }
    await close();
  });

  test('a blob that exists is skipped without reading the source', async () => {
    const { client: c, close } = client();
    const repo = { registry: world.registry, repository: uniqueRepo('skip') };
    const data = randomBytes(10_000);
    const digest = sha256Digest(data);
    await c.pushBlob(repo, digest, data.length, () => Readable.from([data]));
    let opened = 0;
    const again = await c.pushBlob(repo, digest, data.length, () => {
      opened++;
      return Readable.from([data]);
    });
    assert.deepEqual([again.status, opened], ['exists', 0]);
    await close();
    checked++;
  });

  test('cross-repository mount', async () => {
    const { client: c, close } = client();
    const from = { registry: world.registry, repository: uniqueRepo('mount-src') };
    const to = { registry: world.registry, repository: uniqueRepo('mount-dst') };
    const data = randomBytes(500_000);
    const digest = sha256Digest(data);
    await c.pushBlob(from, digest, data.length, () => Readable.from([data]));
    assert.equal(await c.blobExists(to, digest), false);
    let opened = 0;
    const res = await c.pushBlob(
      to,
      digest,
      data.length,
      () => {
        opened++;
        return Readable.from([data]);
      },
      { mountFrom: from.repository },
    );
    assert.deepEqual([res.status, opened], ['mounted', 0]);
    assert.equal(await c.blobExists(to, digest), true);
    assert.ok((await drain(await c.fetchBlob(to, digest))).equals(data));
    await close();
    checked += 3;
  });

  test('bytes that do not match their digest fail clearly and store nothing', async () => {
    const { client: c, close } = client();
    const repo = { registry: world.registry, repository: uniqueRepo('liar') };
    const data = randomBytes(200_000);
    const claimed = sha256Digest(randomBytes(16));
    for (const chunked of [false, true]) {
      await assert.rejects(
        c.pushBlob(repo, claimed, data.length, () => Readable.from([data]), { chunked }),
        (e: unknown) => {
          assert.ok(e instanceof DigestMismatchError, String(e));
          assert.match(e.message, new RegExp(`expected ${claimed}, got ${sha256Digest(data)}`));
          return true;
        },
      );
      assert.equal(await c.blobExists(repo, claimed), false);
      checked += 2;
    }
    await close();
  });
});

describe('manifests on the real registry', { skip: world.skip }, () => {
  test('put by tag and by digest, read back byte-identical; an index over it; tags listed', async () => {
    const { client: c, close } = client();
    const repo = { registry: world.registry, repository: uniqueRepo('manifest') };
    const manifest = await pushImage(c, repo, randomBytes(4096));
    const digest = await c.putManifest(repo, 'v1', manifest, OCI_MANIFEST);
    assert.equal(digest, sha256Digest(manifest));
    const byTag = await c.getManifest({ ...repo, tag: 'v1' });
    assert.ok(byTag.bytes.equals(manifest));
    assert.deepEqual([byTag.mediaType, byTag.digest], [OCI_MANIFEST, digest]);
    // Non-canonical bytes (indentation) survive as sent: digests are of the exact bytes.
    const pretty = Buffer.from(JSON.stringify(JSON.parse(manifest.toString()), null, 3));
    const prettyDigest = sha256Digest(pretty);
    assert.equal(await c.putManifest(repo, prettyDigest, pretty, OCI_MANIFEST), prettyDigest);
    const byDigest = await c.getManifest({ ...repo, digest: prettyDigest });
    assert.ok(byDigest.bytes.equals(pretty));
    assert.deepEqual(await c.headManifest({ ...repo, digest: prettyDigest }), {
      mediaType: OCI_MANIFEST,
      digest: prettyDigest,
      size: pretty.length,
    });
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          {
            mediaType: OCI_MANIFEST,
            digest,
            size: manifest.length,
            platform: { architecture: 'amd64', os: 'linux' },
          },
          {
            mediaType: OCI_MANIFEST,
            digest: prettyDigest,
            size: pretty.length,
            platform: { architecture: 'arm64', os: 'linux' },
          },
        ],
      }),
    );
    const indexDigest = await c.putManifest(repo, 'multi', index, OCI_INDEX);
    const gotIndex = await c.getManifest({ ...repo, tag: 'multi' });
    assert.deepEqual([gotIndex.mediaType, gotIndex.digest], [OCI_INDEX, indexDigest]);
    assert.ok(gotIndex.bytes.equals(index));
    assert.deepEqual((await c.listTags(repo)).sort(), ['multi', 'v1']);
    await assert.rejects(c.getManifest({ ...repo, tag: 'absent' }), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.equal(e.code, 'E_REGISTRY_NOT_FOUND');
      assert.match(
        e.message,
        new RegExp(`manifest ${repo.registry}/${repo.repository}:absent does not exist`),
      );
      return true;
    });
    await close();
    checked += 9;
  });
});

describe('docker.io mirror', { skip: world.skip }, () => {
  test('[registry."docker.io"] mirrors = [the test registry]: the pull is served there and nothing else is contacted', async () => {
    // Seed the mirror with library/<name> as Docker Hub would have it.
    const seed = client();
    const name = uniqueRepo('hub').replace('manifold-it/', 'library/mirror-');
    const layer = randomBytes(70_000);
    const manifest = await pushImage(seed.client, { registry: world.registry, repository: name }, layer);
    await seed.client.putManifest(
      { registry: world.registry, repository: name },
      'latest',
      manifest,
      OCI_MANIFEST,
    );
    await seed.close();

    const connections: ConnectionInfo[] = [];
    const lookups: string[] = [];
    const lookup = ((hostname: string, _options: unknown, callback: unknown) => {
      lookups.push(hostname);
      const cb = (typeof _options === 'function' ? _options : callback) as (err: Error) => void;
      cb(Object.assign(new Error(`test: refusing to resolve ${hostname}`), { code: 'ENOTFOUND' }));
    }) as LookupFunction;
    const hosts = parseHostsConfig(`[registry."docker.io"]\nmirrors = ["${world.registry}"]\n`);
    const agent = createRegistryAgent(hosts, { lookup, onConnect: (info) => connections.push(info) });
    const c = new RegistryClient({ dispatcher: agent, hosts });
    const ref = parseReference(`docker.io/${name}`);
    assert.deepEqual([ref.registry, ref.repository, ref.tag], ['docker.io', name, 'latest']);
    const got = await c.getManifest(ref);
    assert.ok(got.bytes.equals(manifest));
    const blob = await drain(await c.fetchBlob(ref, sha256Digest(layer) as Digest));
    assert.ok(blob.equals(layer));
    await agent.close();
    const [host, port] = world.registry.split(':');
    assert.ok(connections.length > 0);
    assert.deepEqual(
      [...new Set(connections.map((x) => `${x.protocol}//${x.remoteAddress}:${x.remotePort}`))],
      [`http://${host}:${port}`],
      'only the mirror was connected to',
    );
    assert.deepEqual(lookups, [], 'no name was even resolved');
    checked += 5;
  });
});

/**
 * Faults between the client and the real registry, injected by a loopback proxy: 503 twice on
 * every kind of request, then success; a connection reset in the middle of a blob upload and
 * of a blob download; corrupted blob bytes. Pushes and pulls must still succeed (or fail with
 * a clear digest error, keeping nothing).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { sha256Digest } from '../../../src/oci/index.js';
import {
  createRegistryAgent,
  DigestMismatchError,
  emptyHostsConfig,
  RegistryClient,
} from '../../../src/registry/index.js';
import { type Fault, loadWorld, startFaultProxy, uniqueRepo } from './world.js';

const world = await loadWorld();
if (world.skip !== undefined) console.log(`SKIP registry fault integration: ${world.skip}`);
let checked = 0;
after(() => console.log(`fault integration checks passed: ${checked}`));

async function drain(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function makeClient(): { c: RegistryClient; close: () => Promise<void> } {
  const hosts = emptyHostsConfig();
  const agent = createRegistryAgent(hosts);
  const c = new RegistryClient({ dispatcher: agent, hosts, retry: { initialDelayMs: 20, maxDelayMs: 100 } });
  return { c, close: () => agent.close() };
}

/** `METHOD kind` of a registry request: the unit the faults count in. */
function kindOf(method: string | undefined, url: string | undefined): string {
  const path = (url ?? '').split('?')[0] ?? '';
  const kind = path.includes('/blobs/uploads/')
    ? 'upload'
    : path.includes('/blobs/')
      ? 'blob'
      : path.includes('/manifests/')
        ? 'manifest'
        : path;
  return `${method} ${kind}`;
}

async function pushAndPull(
  c: RegistryClient,
  registry: string,
  data: Buffer,
  chunked: boolean,
): Promise<void> {
  const repo = { registry, repository: uniqueRepo(chunked ? 'fault-chunked' : 'fault') };
  const digest = sha256Digest(data);
  assert.equal(
    (
      await c.pushBlob(repo, digest, data.length, () => Readable.from([data]), {
        chunked,
        chunkSize: 1 << 20,
      })
    ).status,
    'uploaded',
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: data.length },
      layers: [],
    }),
  );
  await c.putManifest(repo, 'v1', manifest, 'application/vnd.oci.image.manifest.v1+json');
  assert.ok((await c.getManifest({ ...repo, tag: 'v1' })).bytes.equals(manifest));
  assert.ok((await drain(await c.fetchBlob(repo, digest, { size: data.length }))).equals(data));
}

describe('through a fault proxy in front of the real registry', { skip: world.skip }, () => {
  test('503 twice on every kind of request, then success', async () => {
    const seen = new Map<string, number>();
    const proxy = await startFaultProxy(world.registry, (req): Fault | undefined => {
      const k = kindOf(req.method, req.url);
      const n = (seen.get(k) ?? 0) + 1;
      seen.set(k, n);
      return n <= 2 ? { kind: 'status', status: 503 } : undefined;
    });
    const { c, close } = makeClient();
    for (const chunked of [false, true]) {
      seen.clear();
      await pushAndPull(c, proxy.host, randomBytes(2_500_000), chunked);
      const faulted = new Set(
        proxy.log
          .filter((l) => l.fault !== undefined)
          .map((l) => kindOf(l.request.split(' ')[0], l.request.split(' ')[1])),
      );
      for (const k of ['HEAD blob', 'POST upload', 'PUT manifest', 'GET manifest', 'GET blob'])
        assert.ok(faulted.has(k), `503s hit ${k}`);
      checked += 2;
    }
    await close();
    await proxy.close();
  });

  test('a reset in the middle of a blob upload and of a blob download', async () => {
    const data = randomBytes(3_000_000);
    const resets = { upload: 0, download: 0 };
    const proxy = await startFaultProxy(world.registry, (req): Fault | undefined => {
      const k = kindOf(req.method, req.url);
      if ((k === 'PUT upload' || k === 'PATCH upload') && resets.upload === 0) {
        resets.upload++;
        return { kind: 'reset-request', afterBytes: 700_000 };
      }
      if (k === 'GET blob' && resets.download === 0) {
        resets.download++;
        return { kind: 'reset-response', afterBytes: 1_200_000 };
      }
      return undefined;
    });
    const { c, close } = makeClient();
    await pushAndPull(c, proxy.host, data, false);
    assert.deepEqual(resets, { upload: 1, download: 1 });
    const resumed = proxy.log.filter(
      (l) => l.request.startsWith('GET') && l.request.includes('/blobs/sha256:'),
    );
    assert.equal(resumed.length, 2, 'the download resumed once');
    // Chunked uploads too.
    resets.upload = 0;
    resets.download = 0;
    await pushAndPull(c, proxy.host, randomBytes(2_600_000), true);
    assert.deepEqual(resets, { upload: 1, download: 1 });
    await close();
    await proxy.close();
    checked += 4;
  });

  test('corrupted blob bytes fail the download with a digest error', async () => {
    const direct = makeClient();
    const repo = { registry: world.registry, repository: uniqueRepo('corrupt') };
    const data = randomBytes(300_000);
    const digest = sha256Digest(data);
    await direct.c.pushBlob(repo, digest, data.length, () => Readable.from([data]));
    await direct.close();
    const proxy = await startFaultProxy(world.registry, (req) =>
      kindOf(req.method, req.url) === 'GET blob' ? { kind: 'corrupt-response' } : undefined,
    );
    const { c, close } = makeClient();
    const stream = await c.fetchBlob({ registry: proxy.host, repository: repo.repository }, digest);
    await assert.rejects(drain(stream), (e: unknown) => {
      assert.ok(e instanceof DigestMismatchError);
      assert.equal(e.expected, digest);
      assert.match(e.message, /digest mismatch for blob sha256:[0-9a-f]{64} of .* expected sha256:/);
      return true;
    });
    await close();
    await proxy.close();
    checked++;
  });
});

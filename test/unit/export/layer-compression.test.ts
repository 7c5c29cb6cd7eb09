/**
 * Layers from snapshots in each compression: zstd and uncompressed next to gzip, one record per
 * compression, pulled layers kept unless forced, and independent layers compressed at once.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { type ContentStore, openContentStore } from '../../../src/content/index.js';
import { ensureLayers, type LayerExportOptions } from '../../../src/export/index.js';
import { createGzip, decompress } from '../../../src/layer/index.js';
import type { Digest } from '../../../src/oci/index.js';
import { SnapshotStore } from '../../../src/worker/snapshots/index.js';
import { hasProgram } from '../layer/fs-fixture.js';

const skip = hasProgram('zstd') ? false : "Debian's zstd program is not installed";
const counts = { layersMade: 0, maxConcurrent: 0, reused: 0 };

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

function sha(bytes: Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}` as Digest;
}

describe('layer compression on export', { skip }, () => {
  let dir: string;
  let store: ContentStore;
  let snapshots: SnapshotStore;
  const ids: string[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'manifold-layers-'));
    store = await openContentStore(path.join(dir, 'images'));
    snapshots = new SnapshotStore(path.join(dir, 'snapshots'));
    for (let i = 0; i < 3; i++) {
      const { id, fs } = await snapshots.create();
      // Several MB each, half random, so compressing takes long enough to overlap.
      const noise = randomBytes(2 * 1024 * 1024);
      await writeFile(
        path.join(fs, `file-${i}`),
        Buffer.concat([noise, noise, Buffer.alloc(2 * 1024 * 1024, i)]),
      );
      await snapshots.finish(id);
      ids.push(id);
    }
  });

  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
    console.log(`layer compression: ${JSON.stringify(counts)}`);
  });

  function options(extra: Partial<LayerExportOptions>): LayerExportOptions {
    return { store, snapshots, ...extra };
  }

  it('makes zstd layers in parallel, each decompressing to its diff ID', async () => {
    let running = 0;
    const zstd = await ensureLayers(
      ids,
      options({
        compression: 'zstd',
        onCompress: ({ phase }) => {
          running += phase === 'start' ? 1 : -1;
          counts.maxConcurrent = Math.max(counts.maxConcurrent, running);
          if (phase === 'end') counts.layersMade++;
        },
      }),
    );
    // Each layer is hashed, then compressed; under load one may finish before the last starts.
    assert.ok(
      counts.maxConcurrent >= 2,
      `independent layers compress at the same time (max ${counts.maxConcurrent})`,
    );
    for (const layer of zstd) {
      assert.equal(layer.mediaType, 'application/vnd.oci.image.layer.v1.tar+zstd');
      const blob = await readAll(await store.openBlob(layer.digest));
      assert.deepEqual([...blob.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd]);
      const { compression, stream } = await decompress([blob]);
      assert.equal(compression, 'zstd');
      assert.equal(sha(await readAll(stream)), layer.diffId);
    }
  });

  it('keeps one record per compression: gzip and zstd blobs of the same snapshot, same diff ID', async () => {
    const gzip = await ensureLayers(ids, options({}));
    let made = 0;
    const zstdAgain = await ensureLayers(ids, options({ compression: 'zstd', onCompress: () => made++ }));
    const gzipAgain = await ensureLayers(ids, options({ onCompress: () => made++ }));
    assert.equal(made, 0, 'nothing is compressed twice');
    counts.reused += zstdAgain.length + gzipAgain.length;
    for (let i = 0; i < ids.length; i++) {
      assert.equal(gzip[i]?.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
      assert.equal(gzip[i]?.diffId, zstdAgain[i]?.diffId);
      assert.notEqual(gzip[i]?.digest, zstdAgain[i]?.digest);
      assert.equal(gzipAgain[i]?.digest, gzip[i]?.digest);
    }
  });

  it('writes the tar itself for compression=uncompressed (digest = diff ID)', async () => {
    const plain = await ensureLayers(ids.slice(0, 1), options({ compression: 'uncompressed' }));
    assert.equal(plain[0]?.mediaType, 'application/vnd.oci.image.layer.v1.tar');
    assert.equal(plain[0]?.digest, plain[0]?.diffId);
  });

  it('keeps a pulled gzip layer, and recompresses it to zstd with force-compression', async () => {
    const tar = await readAll(
      (await decompress(await store.openBlob((await ensureLayers(ids.slice(0, 1), options({})))[0]!.digest)))
        .stream,
    );
    const gz = await store.writeBlob(Readable.from([tar]).pipe(createGzip()));
    const { id } = await snapshots.create();
    await snapshots.finish(id, {
      diffId: sha(tar),
      digest: gz.digest,
      size: gz.size,
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      pulled: true,
    });
    const [kept] = await ensureLayers([id], options({ compression: 'zstd' }));
    assert.equal(kept?.digest, gz.digest, 'without force, a base layer keeps its blob');
    const [forced] = await ensureLayers([id], options({ compression: 'zstd', forceCompression: true }));
    assert.equal(forced?.mediaType, 'application/vnd.oci.image.layer.v1.tar+zstd');
    assert.equal(forced?.diffId, sha(tar));
    const back = await decompress(await store.openBlob(forced!.digest));
    assert.equal(back.compression, 'zstd');
    assert.equal(sha(await readAll(back.stream)), sha(tar));
    const [again] = await ensureLayers([id], options({ compression: 'zstd', forceCompression: true }));
    assert.equal(again?.digest, forced?.digest, 'the recompressed blob is recorded and reused');
  });
});

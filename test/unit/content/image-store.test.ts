import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ImageStore } from '../../../src/content/index.js';
import { type Descriptor, encodeManifest, MediaType, sha256Digest } from '../../../src/oci/index.js';
import { buildImage, buildIndex, storeImage, withStore } from './fixtures.js';

const ALPINE = 'docker.io/library/alpine:latest';

describe('content store: names', () => {
  it('round trips names through index.json with both name annotations', async () => {
    await withStore(async (store) => {
      const image = buildImage('n1', { platform: { os: 'linux', architecture: 'arm64' } });
      await storeImage(store, image);
      const desc: Descriptor = { ...image.manifest, annotations: { 'org.example.keep': 'yes' } };
      assert.equal(await store.setName(ALPINE, desc), undefined);
      assert.deepEqual(await store.getName(ALPINE), desc);
      assert.deepEqual(await store.listNames(), [{ name: ALPINE, descriptor: desc }]);

      const onDisk = JSON.parse(await readFile(path.join(store.root, 'index.json'), 'utf8'));
      assert.deepEqual(onDisk.manifests[0].annotations, {
        'io.containerd.image.name': ALPINE,
        'org.example.keep': 'yes',
        'org.opencontainers.image.ref.name': ALPINE,
      });

      // Re-pointing a name replaces its entry in place and returns the previous descriptor.
      const other = buildImage('n2');
      await storeImage(store, other);
      await store.setName('localhost:5000/app:v1', other.manifest);
      assert.deepEqual(await store.setName(ALPINE, other.manifest), desc);
      assert.deepEqual(
        (await store.listNames()).map((n) => [n.name, n.descriptor.digest]),
        [
          [ALPINE, other.manifest.digest],
          ['localhost:5000/app:v1', other.manifest.digest],
        ],
      );
      assert.deepEqual(await store.removeName(ALPINE), other.manifest);
      assert.equal(await store.removeName(ALPINE), undefined);
      assert.equal(await store.getName(ALPINE), undefined);
      assert.equal((await store.listNames()).length, 1);
    });
  });

  it('reads names written by containerd (tag in ref.name) and keeps unnamed entries', async () => {
    await withStore(async (store) => {
      const image = buildImage('n3');
      await storeImage(store, image);
      const index = {
        schemaVersion: 2,
        manifests: [
          {
            ...image.manifest,
            annotations: {
              'io.containerd.image.name': 'docker.io/library/x:1',
              'org.opencontainers.image.ref.name': '1',
            },
          },
          { ...image.manifest, annotations: { 'org.opencontainers.image.ref.name': 'skopeo-tag' } },
          image.manifest,
        ],
      };
      await writeFile(path.join(store.root, 'index.json'), JSON.stringify(index));
      assert.deepEqual(
        (await store.listNames()).map((n) => n.name),
        ['docker.io/library/x:1', 'skopeo-tag'],
      );
      await store.setName('docker.io/library/y:2', image.manifest);
      const after = JSON.parse(await readFile(path.join(store.root, 'index.json'), 'utf8'));
      assert.equal(after.manifests.length, 4);
      assert.deepEqual(after.manifests[2], image.manifest);
    });
  });

  it('rejects invalid names with E_IMAGE_NAME_INVALID', async () => {
    await withStore(async (store) => {
      const image = buildImage('n4');
      await storeImage(store, image);
      for (const bad of ['', 'has space:1', 'trailing/', '/leading', 'quote"d', `${'a'.repeat(1025)}`]) {
        await assert.rejects(store.setName(bad, image.manifest), { code: 'E_IMAGE_NAME_INVALID' }, bad);
      }
    });
  });

  it('setName refuses a descriptor whose blob is missing or whose size is wrong', async () => {
    await withStore(async (store) => {
      const image = buildImage('n5');
      await assert.rejects(store.setName(ALPINE, image.manifest), { code: 'E_IMAGE_INCOMPLETE' });
      await storeImage(store, image);
      await assert.rejects(store.setName(ALPINE, { ...image.manifest, size: image.manifest.size + 1 }), {
        code: 'E_IMAGE_INCOMPLETE',
        message: /bytes/,
      });
      assert.deepEqual(await store.listNames(), []);
    });
  });
});

describe('image store', () => {
  it('putImage refuses an image with a missing layer or config, and names nothing', async () => {
    await withStore(async (content) => {
      const images = new ImageStore(content);
      const image = buildImage('p1', { layers: 2 });
      await storeImage(content, image, new Set([image.layers[1]!.digest]));
      await assert.rejects(
        images.putImage(ALPINE, image.manifest),
        (err: Error & { code?: string; missing?: string[] }) => {
          assert.equal(err.code, 'E_IMAGE_INCOMPLETE');
          assert.deepEqual(err.missing, [image.layers[1]!.digest]);
          assert.match(err.message, new RegExp(image.layers[1]!.digest));
          return true;
        },
      );
      const noConfig = buildImage('p2');
      await storeImage(content, noConfig, new Set([noConfig.config.digest]));
      await assert.rejects(images.putImage(ALPINE, noConfig.manifest), { code: 'E_IMAGE_INCOMPLETE' });
      assert.deepEqual(await content.listNames(), []);
      await storeImage(content, image);
      await images.putImage(ALPINE, image.manifest);
      assert.deepEqual(await images.resolve(ALPINE), image.manifest);
    });
  });

  it('putImage of an index needs every platform unless partial', async () => {
    await withStore(async (content) => {
      const images = new ImageStore(content);
      const amd = buildImage('i-amd', { platform: { os: 'linux', architecture: 'amd64' } });
      const arm = buildImage('i-arm', { platform: { os: 'linux', architecture: 'arm64' } });
      const { index, bytes } = buildIndex([
        { image: amd, platform: { os: 'linux', architecture: 'amd64' } },
        { image: arm, platform: { os: 'linux', architecture: 'arm64' } },
      ]);
      await content.writeBlob(bytes, { digest: index.digest });
      await assert.rejects(images.putImage('example.com/multi:1', index, { partial: true }), {
        code: 'E_IMAGE_INCOMPLETE',
      });
      await storeImage(content, amd);
      await assert.rejects(images.putImage('example.com/multi:1', index), {
        code: 'E_IMAGE_INCOMPLETE',
        message: new RegExp(arm.manifest.digest),
      });
      // partial: the missing platform is fine, a present platform missing a layer is not.
      await storeImage(content, arm, new Set([arm.layers[0]!.digest]));
      await assert.rejects(images.putImage('example.com/multi:1', index, { partial: true }), {
        code: 'E_IMAGE_INCOMPLETE',
      });
      await content.writeBlob(arm.blobs.get(arm.layers[0]!.digest)!);
      await images.putImage('example.com/multi:1', index);
      const [summary] = await images.images();
      assert.equal(summary?.mediaType, MediaType.OciIndex);
      assert.deepEqual(
        summary?.platforms.map((p) => `${p.os}/${p.architecture}`),
        ['linux/amd64', 'linux/arm64'],
      );
    });
  });

  it('putImage accepts an image whose only absent blob is a non-distributable layer', async () => {
    await withStore(async (content) => {
      const images = new ImageStore(content);
      const image = buildImage('foreign');
      const foreign: Descriptor = {
        mediaType: MediaType.DockerLayerForeignGzip,
        digest: sha256Digest('not here'),
        size: 8,
        urls: ['https://example.com/layer'],
      };
      const bytes = encodeManifest({
        schemaVersion: 2,
        mediaType: MediaType.DockerManifest,
        config: image.config,
        layers: [foreign, ...image.layers],
      });
      await storeImage(content, image);
      const { digest, size } = await content.writeBlob(bytes);
      await images.putImage('example.com/win:1', { mediaType: MediaType.DockerManifest, digest, size });
      assert.equal((await images.resolve('example.com/win:1')).digest, digest);
    });
  });

  it('images lists name, digest, platforms, size of unique blobs and created', async () => {
    await withStore(async (content) => {
      const images = new ImageStore(content);
      const shared = Buffer.alloc(5000, 7);
      const a = buildImage('s-a', { layerSize: 1000, shared, created: '2024-01-02T03:04:05Z' });
      const b = buildImage('s-b', {
        layerSize: 2000,
        shared,
        created: '2024-06-01T00:00:00+02:00',
        platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
      });
      const { index, bytes } = buildIndex([
        { image: a, platform: { os: 'linux', architecture: 'amd64' } },
        { image: b, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      ]);
      await storeImage(content, a);
      await storeImage(content, b);
      await content.writeBlob(bytes);
      await images.putImage('docker.io/library/b:latest', a.manifest);
      await images.putImage('docker.io/library/a:multi', index);
      const list = await images.images();
      assert.deepEqual(
        list.map((i) => i.name),
        ['docker.io/library/a:multi', 'docker.io/library/b:latest'],
      );
      const sum = (img: typeof a): number => [...img.blobs.values()].reduce((s, x) => s + x.length, 0);
      const [multi, single] = list;
      assert.equal(single?.size, sum(a));
      assert.equal(single?.created, '2024-01-02T03:04:05Z');
      assert.deepEqual(single?.platforms, [{ os: 'linux', architecture: 'amd64' }]);
      assert.equal(multi?.digest, index.digest);
      assert.equal(multi?.size, sum(a) + sum(b) - shared.length + bytes.length);
      assert.equal(multi?.created, '2024-06-01T00:00:00+02:00');
      assert.deepEqual(multi?.platforms, [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm', variant: 'v7' },
      ]);
    });
  });

  it('images leaves attestation manifests out of platforms', async () => {
    await withStore(async (content) => {
      const images = new ImageStore(content);
      const img = buildImage('att-img');
      const att = buildImage('att', { platform: { os: 'unknown', architecture: 'unknown' } });
      const { bytes } = buildIndex([
        { image: img, platform: { os: 'linux', architecture: 'amd64' } },
        { image: att, platform: { os: 'unknown', architecture: 'unknown' } },
      ]);
      await storeImage(content, img);
      await storeImage(content, att);
      const { digest, size } = await content.writeBlob(bytes);
      await images.putImage('example.com/att:1', { mediaType: MediaType.OciIndex, digest, size });
      const [summary] = await images.images();
      assert.deepEqual(summary?.platforms, [{ os: 'linux', architecture: 'amd64' }]);
    });
  });

  it('tag adds a name, resolve and remove fail clearly for unknown names', async () => {
    await withStore(async (content) => {
      const images = new ImageStore(content);
      const image = buildImage('t1');
      await storeImage(content, image);
      await images.putImage(ALPINE, image.manifest);
      assert.deepEqual(await images.tag(ALPINE, 'localhost:5000/mine:v2'), image.manifest);
      assert.deepEqual(await images.resolve('localhost:5000/mine:v2'), image.manifest);
      await assert.rejects(images.resolve('docker.io/library/nope:1'), {
        code: 'E_IMAGE_NOT_FOUND',
        message: /nope:1/,
      });
      await assert.rejects(images.tag('docker.io/library/nope:1', 'x:1'), { code: 'E_IMAGE_NOT_FOUND' });
      await assert.rejects(images.remove('docker.io/library/nope:1'), { code: 'E_IMAGE_NOT_FOUND' });
    });
  });

  it('remove (rmi) untags and frees only what nothing else references', async (t) => {
    await withStore(async (content) => {
      const images = new ImageStore(content);
      const shared = Buffer.alloc(4096, 1);
      const a = buildImage('r-a', { shared });
      const b = buildImage('r-b', { shared });
      const stray = Buffer.from('an unrelated unreferenced blob');
      await storeImage(content, a);
      await storeImage(content, b);
      const strayDigest = (await content.writeBlob(stray)).digest;
      await images.putImage('example.com/a:1', a.manifest);
      await images.putImage('example.com/a:2', a.manifest);
      await images.putImage('example.com/b:1', b.manifest);

      // Another name still points at a: nothing is freed.
      const first = await images.remove('example.com/a:1');
      assert.equal(first.gc.blobsRemoved, 0);
      const second = await images.remove('example.com/a:2');
      const expected = [a.manifest.digest, a.config.digest, a.layers[1]!.digest].sort();
      assert.deepEqual([...second.gc.removed].sort(), expected);
      assert.equal(
        second.gc.bytesFreed,
        expected.reduce((s, d) => s + a.blobs.get(d)!.length, 0),
      );
      assert.equal(await content.hasBlob(a.layers[0]!.digest), true, 'shared layer kept for b');
      assert.equal(await content.hasBlob(strayDigest), true, 'rmi does not touch unrelated blobs');
      // Extra roots (the build cache) keep what they name.
      const third = await images.remove('example.com/b:1', { roots: [b.layers[1]!.digest] });
      assert.equal(await content.hasBlob(b.layers[1]!.digest), true);
      assert.equal(await content.hasBlob(b.manifest.digest), false);
      t.diagnostic(`rmi freed ${second.gc.blobsRemoved} + ${third.gc.blobsRemoved} blobs`);
      assert.deepEqual(await images.images(), []);
    });
  });
});

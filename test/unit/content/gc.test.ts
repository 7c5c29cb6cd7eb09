import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openContentStore } from '../../../src/content/index.js';
import { currentOwner } from '../../../src/content/owner.js';
import { encodeIndex, encodeManifest, MediaType, sha256Digest } from '../../../src/oci/index.js';
import { buildImage, buildIndex, storeImage, withStore } from './fixtures.js';

const counts: string[] = [];
after(() => console.log(`content gc: ${counts.join('; ')}`));

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid ?? 999_999;
}

describe('content store: gc', () => {
  it('keeps everything reachable from names, unnamed entries, nested indexes and extra roots; frees the rest', async () => {
    await withStore(async (store) => {
      const named = buildImage('g-named', { layers: 2 });
      const inner = buildImage('g-inner');
      const { index: innerIndex, bytes: innerBytes } = buildIndex([
        { image: inner, platform: { os: 'linux', architecture: 'amd64' } },
      ]);
      const outerBytes = encodeIndex({
        schemaVersion: 2,
        mediaType: MediaType.OciIndex,
        manifests: [innerIndex],
      });
      const outer = {
        mediaType: MediaType.OciIndex,
        digest: sha256Digest(outerBytes),
        size: outerBytes.length,
      };
      const unnamed = buildImage('g-unnamed');
      const cached = buildImage('g-cache');
      const cacheLayer = buildImage('g-cache-layer');
      const garbage = buildImage('g-garbage', { layers: 3 });
      for (const img of [named, inner, unnamed, cached, cacheLayer, garbage]) await storeImage(store, img);
      await store.writeBlob(innerBytes);
      await store.writeBlob(outerBytes);
      await store.setName('example.com/named:1', named.manifest, { check: 'complete' });
      await store.setName('example.com/nested:1', outer, { check: 'complete' });
      // An entry without a name (another tool's) also keeps its image.
      const indexFile = path.join(store.root, 'index.json');
      const idx = JSON.parse(await readFile(indexFile, 'utf8'));
      idx.manifests.push(unnamed.manifest);
      await writeFile(indexFile, JSON.stringify(idx));

      const roots = [cached.manifest.digest, cacheLayer.layers[0]!];
      const dry = await store.gc({ roots, dryRun: true });
      const garbageDigests = [...garbage.blobs.keys()];
      const orphans = [cacheLayer.manifest.digest, cacheLayer.config.digest];
      assert.deepEqual([...dry.removed].sort(), [...garbageDigests, ...orphans].sort());
      for (const d of dry.removed) assert.equal(await store.hasBlob(d), true, 'dry run removes nothing');

      const result = await store.gc({ roots });
      assert.deepEqual([...result.removed].sort(), [...dry.removed].sort());
      assert.equal(
        result.bytesFreed,
        [
          ...garbage.blobs.values(),
          cacheLayer.blobs.get(orphans[0]!)!,
          cacheLayer.blobs.get(orphans[1]!)!,
        ].reduce((s, b) => s + b.length, 0),
      );
      for (const img of [named, inner, unnamed, cached]) {
        for (const d of img.blobs.keys()) assert.equal(await store.hasBlob(d), true, d);
      }
      assert.equal(await store.hasBlob(cacheLayer.layers[0]!.digest), true);
      for (const d of [innerIndex.digest, outer.digest]) assert.equal(await store.hasBlob(d), true);
      assert.deepEqual(await readdir(path.join(store.root, 'ingest')), []);
      // A second run finds nothing more.
      assert.equal((await store.gc({ roots })).blobsRemoved, 0);
      counts.push(`freed ${result.blobsRemoved} blobs (${result.bytesFreed} bytes), kept the rest`);
    });
  });

  it('does not follow subject: a referrer does not keep its subject alive', async () => {
    await withStore(async (store) => {
      const subject = buildImage('g-subject');
      await storeImage(store, subject);
      const referrerBytes = encodeManifest({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: subject.config,
        layers: [],
        subject: subject.manifest,
      });
      const { digest, size } = await store.writeBlob(referrerBytes);
      await store.setName('example.com/sig:1', { mediaType: MediaType.OciManifest, digest, size });
      const result = await store.gc();
      assert.deepEqual(
        [...result.removed].sort(),
        [subject.manifest.digest, subject.layers[0]!.digest].sort(),
      );
    });
  });

  it('respects other live stores’ leases, but not its own, and drops leases of dead processes', async () => {
    await withStore(async (store) => {
      const other = await openContentStore(store.root);
      const a = buildImage('lease-a');
      const b = buildImage('lease-b');
      const c = buildImage('lease-c');
      await storeImage(other, a); // leased by `other`, a live store of this same process
      await storeImage(store, b); // leased by the store running gc: not a root
      await storeImage(store, c);
      await other.protect([c.manifest.digest]); // reuse found with hasBlob: protects what it references
      const dead = `lease.${deadPid()}.${currentOwner().host}.abcdef012345`;
      await writeFile(path.join(store.root, 'leases', dead), `${b.manifest.digest}\n`);

      const result = await store.gc();
      assert.deepEqual([...result.removed].sort(), [...b.blobs.keys()].sort());
      for (const d of [...a.blobs.keys(), ...c.blobs.keys()]) assert.equal(await store.hasBlob(d), true);
      assert.equal(result.leasesRemoved, 1);
      assert.equal((await readdir(path.join(store.root, 'leases'))).includes(dead), false);

      await other.close();
      const after = await store.gc();
      assert.equal(after.blobsRemoved, a.blobs.size + c.blobs.size);
    });
  });

  it('removes temp files of dead processes and old ones, keeps young ones of live processes', async () => {
    await withStore(async (store) => {
      const ingest = path.join(store.root, 'ingest');
      const me = currentOwner();
      const files = {
        dead: `blob.${deadPid()}.${me.host}.0123456789ab`,
        live: `blob.${me.pid}.${me.host}.0123456789ab`,
        foreignYoung: 'blob.12345.ffffffff.0123456789ab',
        foreignOld: 'blob.12346.ffffffff.0123456789ab',
        strangeOld: 'something-else',
      };
      for (const name of Object.values(files)) await writeFile(path.join(ingest, name), Buffer.alloc(100));
      const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
      for (const name of [files.foreignOld, files.strangeOld])
        await utimes(path.join(ingest, name), old, old);

      const result = await store.gc();
      assert.equal(result.tempsRemoved, 3);
      assert.equal(result.tempBytesFreed, 300);
      assert.deepEqual((await readdir(ingest)).sort(), [files.foreignYoung, files.live].sort());
      // A zero grace period makes every temp file stale, even a live owner's (use it only when no write runs).
      const zero = await store.gc({ tempGraceMs: 0 });
      assert.equal(zero.tempsRemoved, 2);
    });
  });
});

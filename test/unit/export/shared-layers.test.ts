import assert from 'node:assert/strict';
import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openContentStore } from '../../../src/content/index.js';
import { ensureLayers } from '../../../src/export/index.js';
import { SnapshotStore } from '../../../src/worker/snapshots/index.js';

/** A snapshot holding `files` (as an overlay upper directory: plain additions), fixed times. */
async function snapshotWith(snapshots: SnapshotStore, files: Record<string, string>): Promise<string> {
  const { id, fs } = await snapshots.create();
  const when = new Date('2025-01-01T00:00:00Z');
  await mkdir(path.join(fs, 'app'));
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(fs, 'app', name), content);
    await utimes(path.join(fs, 'app', name), when, when);
  }
  await utimes(path.join(fs, 'app'), when, when);
  await snapshots.finish(id);
  return id;
}

describe('layers shared across snapshots', () => {
  it('compresses equal changes once and gives every snapshot the same blob', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'shared-layers-'));
    const store = await openContentStore(path.join(root, 'images'));
    const snapshots = new SnapshotStore(path.join(root, 'snapshots'));
    const same = { 'a.txt': 'same on every platform\n', 'b.txt': 'b\n' };
    const ids = [
      await snapshotWith(snapshots, same),
      await snapshotWith(snapshots, same),
      await snapshotWith(snapshots, same),
    ];
    const other = await snapshotWith(snapshots, { 'a.txt': 'different\n' });
    const starts: string[] = [];
    const layers = await ensureLayers([...ids, other], {
      store,
      snapshots,
      onCompress: (e) => {
        if (e.phase === 'start') starts.push(e.snapshot);
      },
    });
    assert.equal(starts.length, 2, 'one compression for the three equal snapshots, one for the other');
    assert.equal(new Set(layers.slice(0, 3).map((l) => l.digest)).size, 1);
    assert.equal(new Set(layers.slice(0, 3).map((l) => l.diffId)).size, 1);
    assert.notEqual(layers[3]?.diffId, layers[0]?.diffId);
    // A later export (another process, say) finds the blob by diff ID and compresses nothing.
    const again = await snapshotWith(snapshots, same);
    starts.length = 0;
    const [reused] = await ensureLayers([again], {
      store,
      snapshots,
      onCompress: (e) => starts.push(e.snapshot),
    });
    assert.deepEqual(starts, []);
    assert.equal(reused?.digest, layers[0]?.digest);
    await store.close();
  });
});

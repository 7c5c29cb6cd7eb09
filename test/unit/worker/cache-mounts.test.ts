import assert from 'node:assert/strict';
import { mkdtemp, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CacheMounts } from '../../../src/worker/cache-mounts.js';

describe('cache mounts', () => {
  it('shares one directory between steps with sharing=shared', async () => {
    const mounts = new CacheMounts(await mkdtemp(path.join(os.tmpdir(), 'cm-')));
    const a = await mounts.acquire('go-build', 'shared', {});
    const b = await mounts.acquire('go-build', 'shared', {});
    assert.equal(a.dir, b.dir);
    a.release();
    b.release();
  });

  it('gives a busy private cache another instance, and the first one back when free', async () => {
    const mounts = new CacheMounts(await mkdtemp(path.join(os.tmpdir(), 'cm-')));
    const a = await mounts.acquire('npm', 'private', {});
    const b = await mounts.acquire('npm', 'private', {});
    assert.notEqual(a.dir, b.dir);
    assert.equal(b.dir, `${a.dir}.1`);
    a.release();
    const c = await mounts.acquire('npm', 'private', {});
    assert.equal(c.dir, a.dir);
  });

  it('serializes locked caches in order', async () => {
    const mounts = new CacheMounts(await mkdtemp(path.join(os.tmpdir(), 'cm-')));
    const order: string[] = [];
    const first = await mounts.acquire('apt', 'locked', {});
    const second = mounts.acquire('apt', 'locked', {}).then((l) => {
      order.push('second');
      return l;
    });
    await new Promise((r) => setTimeout(r, 20));
    order.push('first-done');
    first.release();
    (await second).release();
    assert.deepEqual(order, ['first-done', 'second']);
  });

  it('creates a new directory with the mount owner and mode', async () => {
    const mounts = new CacheMounts(await mkdtemp(path.join(os.tmpdir(), 'cm-')));
    const lease = await mounts.acquire('owned', 'shared', { uid: 1234, gid: 4321, mode: 0o700 });
    const st = await stat(lease.dir);
    assert.equal(st.mode & 0o7777, 0o700);
    if (process.getuid?.() === 0) assert.deepEqual([st.uid, st.gid], [1234, 4321]);
  });
});

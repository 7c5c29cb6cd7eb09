/**
 * Round trips on real directories: pack → apply → pack gives the same bytes; GNU tar reads our
 * layers and we apply GNU tar's; and the overlay path a build takes: layers applied in overlay
 * mode, stacked with `mount -t overlay`, changed, and the upper directory turned back into a
 * layer that reproduces the merged view on a plain directory (as root).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, lstatSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  applyLayer,
  diffDirectories,
  diffOverlayUpper,
  OVERLAY_OPAQUE_XATTR,
  packDirectory,
  readTar,
  TarWriter,
} from '../../../src/layer/index.js';
import { sha256 } from './craft-tar.js';
import {
  collector,
  copyTree,
  describeTree,
  type FsOp,
  hasProgram,
  privileges,
  runOps,
  tempDir,
  xattrsOf,
} from './fs-fixture.js';

const priv = privileges();
const canRoot = priv.root && priv.initialUserns && hasProgram('getfattr') && hasProgram('setfattr');
const CAPABILITY = '0x0000000200040000000000000000000000000000'; // cap_net_bind_service, VFS v2

/** A tree with one of everything a layer can hold. */
async function buildRichTree(dir: string): Promise<void> {
  const ops: FsOp[] = [
    { op: 'mkdir', path: 'etc', mode: '0755' },
    { op: 'write', path: 'etc/hosts', mode: '0644', content: '127.0.0.1 localhost\n' },
    { op: 'link', path: 'etc/hosts.allow', target: 'etc/hosts' },
    { op: 'write', path: 'etc/empty', mode: '0600', content: '' },
    { op: 'mkdir', path: 'tmp', mode: '1777' },
    { op: 'mkdir', path: 'usr/bin', mode: '0755' },
    { op: 'write', path: 'usr/bin/su-like', mode: '4755', content: '#!/bin/sh\n' },
    { op: 'write', path: 'usr/bin/cap', mode: '0755', content: 'cap' },
    { op: 'symlink', path: 'bin', target: 'usr/bin' },
    { op: 'symlink', path: 'usr/bin/abs', target: '/etc/hosts' },
    { op: 'symlink', path: 'dangling', target: '../../nowhere' },
    { op: 'mkdir', path: `deep/${'x'.repeat(90)}/${'y'.repeat(90)}/${'z'.repeat(90)}`, mode: '0750' },
    {
      op: 'write',
      path: `deep/${'x'.repeat(90)}/${'y'.repeat(90)}/${'z'.repeat(90)}/file`,
      mode: '0644',
      content: 'deep',
    },
    { op: 'mkdir', path: 'dev', mode: '0755' },
    { op: 'mknod', path: 'dev/null', kind: 'char', major: 1, minor: 3 },
    { op: 'write', path: 'owned', mode: '0640', content: 'owned by 300000' },
  ];
  await runOps(dir, ops);
  writeFileSync(path.join(dir, 'random.bin'), randomBytes(1024 * 1024 + 3));
  execFileSync('mkfifo', [path.join(dir, 'dev/fifo')]);
  execFileSync('chown', ['-h', '300000:300001', path.join(dir, 'owned')]);
  execFileSync('setfattr', ['-n', 'user.binary', '-v', '0x00ff0a3d', path.join(dir, 'etc/hosts')]);
  execFileSync('setfattr', ['-n', 'security.capability', '-v', CAPABILITY, path.join(dir, 'usr/bin/cap')]);
}

async function tarOf(run: (sink: Writable) => Promise<unknown>): Promise<Buffer> {
  const out = collector();
  await run(out.sink);
  return out.bytes();
}

describe('apply ⇄ diff round trips on real directories', {
  skip: canRoot ? false : 'needs root and attr tools',
}, () => {
  let work: string;
  before(async () => {
    work = tempDir('roundtrip');
    mkdirSync(path.join(work, 'a'));
    await buildRichTree(path.join(work, 'a'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('pack → apply reproduces the tree; pack again gives the same bytes', async (t) => {
    const a = path.join(work, 'a');
    const b = path.join(work, 'b');
    mkdirSync(b);
    const first = await tarOf((s) => packDirectory(a, s, { xattrs: 'all' }));
    const result = await applyLayer(b, [first], { devices: 'create' });
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(describeTree(b, { xattrs: true }), describeTree(a, { xattrs: true }));
    const second = await tarOf((s) => packDirectory(b, s, { xattrs: 'all' }));
    assert.equal(sha256(second), sha256(first), 'deterministic re-pack');
    t.diagnostic(`${result.entries} entries, ${first.length} bytes, diffID ${result.diffId.slice(0, 19)}…`);
  });

  it('by default only security.capability travels', async () => {
    const a = path.join(work, 'a');
    const c = path.join(work, 'c');
    mkdirSync(c);
    await applyLayer(c, [await tarOf((s) => packDirectory(a, s))], { devices: 'create' });
    assert.equal(xattrsOf(path.join(c, 'etc/hosts')).has('user.binary'), false);
    assert.equal(
      xattrsOf(path.join(c, 'usr/bin/cap')).get('security.capability')?.toString('hex'),
      CAPABILITY.slice(2),
    );
  });

  it('GNU tar extracts our layer to the same tree, and we apply GNU tar’s posix archive', async () => {
    const a = path.join(work, 'a');
    const ours = path.join(work, 'ours.tar');
    writeFileSync(ours, await tarOf((s) => packDirectory(a, s, { xattrs: 'all' })));
    const g = path.join(work, 'gnu-x');
    mkdirSync(g);
    execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-xpf', ours, '-C', g]);
    assert.deepEqual(describeTree(g, { xattrs: true }), describeTree(a, { xattrs: true }));
    const theirs = path.join(work, 'theirs.tar');
    execFileSync('tar', [
      '--format=posix',
      '--xattrs',
      '--xattrs-include=*',
      '--numeric-owner',
      '-cf',
      theirs,
      '-C',
      a,
      '.',
    ]);
    const h = path.join(work, 'from-gnu');
    mkdirSync(h);
    const r = await applyLayer(h, createReadStream(theirs), { devices: 'create' });
    assert.deepEqual(
      r.skipped.map((s) => s.reason),
      ['resolves to the root itself'],
    );
    assert.deepEqual(describeTree(h, { xattrs: true }), describeTree(a, { xattrs: true }));
  });

  it('diff of two trees applied onto the lower reproduces the upper', async () => {
    const lower = path.join(work, 'a');
    const upper = path.join(work, 'upper');
    copyTree(lower, upper);
    await runOps(upper, [
      { op: 'write', path: 'etc/hosts', mode: '0644', content: 'changed\n' },
      { op: 'removeAll', path: 'deep' },
      { op: 'remove', path: 'dangling' },
      { op: 'mkdir', path: 'new/dir', mode: '0700' },
      { op: 'chmod', path: 'tmp', mode: '0755' },
      { op: 'link', path: 'new/dir/random-link', target: 'random.bin' },
    ]);
    const layer = await tarOf((s) => diffDirectories(lower, upper, s, { xattrs: 'all' }));
    const target = path.join(work, 'target');
    copyTree(lower, target);
    await applyLayer(target, [layer], { devices: 'create' });
    assert.deepEqual(describeTree(target, { xattrs: true }), describeTree(upper, { xattrs: true }));
  });
});

describe('overlay mode: apply, mount -t overlay, diff the upper', {
  skip: canRoot ? false : 'needs root',
}, () => {
  let work: string;
  let mounted: string | undefined;
  before(() => {
    work = tempDir('overlay');
  });
  after(() => {
    if (mounted !== undefined) execFileSync('umount', [mounted]);
    rmSync(work, { recursive: true, force: true });
  });

  it('stacks overlay-mode layers, and the upper of a step becomes a layer equal to the change', async (t) => {
    const base = path.join(work, 'base-tree');
    mkdirSync(base);
    await runOps(base, [
      { op: 'write', path: 'etc/os-release', mode: '0644', content: 'ID=test\n' },
      { op: 'write', path: 'etc/gone', mode: '0644', content: 'to be deleted\n' },
      { op: 'write', path: 'opt/app/old1', mode: '0644', content: 'old\n' },
      { op: 'write', path: 'opt/app/old2', mode: '0644', content: 'old\n' },
      { op: 'write', path: 'var/lib/data', mode: '0600', content: 'data\n' },
    ]);
    const layer1 = await tarOf((s) => packDirectory(base, s));
    // Layer 2: deletes etc/gone, makes opt/app opaque with a new file, removes var/lib.
    const layer2 = await tarOf(async (s) => {
      const w = new TarWriter(s);
      await w.add({ name: 'etc/', type: 'dir', mode: 0o755 });
      await w.add({ name: 'etc/.wh.gone', type: 'file', size: 0 });
      await w.add({ name: 'opt/app/', type: 'dir', mode: 0o755 });
      await w.add({ name: 'opt/app/.wh..wh..opq', type: 'file', size: 0 });
      await w.add({ name: 'opt/app/new', type: 'file', size: 4 }, Buffer.from('new\n'));
      await w.add({ name: 'var/', type: 'dir', mode: 0o755 });
      await w.add({ name: 'var/.wh.lib', type: 'file', size: 0 });
      await w.finish();
    });
    const [l1, l2, upper, workdir, merged] = ['l1', 'l2', 'upper', 'work', 'merged'].map((n) => {
      const p = path.join(work, n);
      mkdirSync(p);
      return p;
    }) as [string, string, string, string, string];
    await applyLayer(l1, [layer1], { whiteouts: 'overlay' });
    await applyLayer(l2, [layer2], { whiteouts: 'overlay' });
    const gone = lstatSync(path.join(l2, 'etc/gone'));
    assert.ok(gone.isCharacterDevice() && gone.rdev === 0, 'etc/.wh.gone became a 0/0 char device');
    assert.equal(xattrsOf(path.join(l2, 'opt/app')).get(OVERLAY_OPAQUE_XATTR)?.toString(), 'y');

    // The same two layers applied the plain way give the expected merged tree.
    const plain = path.join(work, 'plain');
    mkdirSync(plain);
    await applyLayer(plain, [layer1]);
    await applyLayer(plain, [layer2]);

    execFileSync('mount', [
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=${l2}:${l1},upperdir=${upper},workdir=${workdir},redirect_dir=off,metacopy=off,index=off`,
      merged,
    ]);
    mounted = merged;
    assert.deepEqual(describeTree(merged), describeTree(plain), 'overlay view = plain application');

    // A build step's changes, made through the mount.
    await runOps(merged, [
      { op: 'write', path: 'etc/os-release', mode: '0644', content: 'ID=changed\n' },
      { op: 'remove', path: 'opt/app/new' },
      { op: 'write', path: 'opt/app/newer', mode: '0640', content: 'newer\n' },
      { op: 'removeAll', path: 'etc' },
      { op: 'mkdir', path: 'etc', mode: '0700' },
      { op: 'write', path: 'etc/fresh', mode: '0644', content: 'fresh\n' },
      { op: 'symlink', path: 'lib', target: 'usr/lib' },
    ]);
    const expected = path.join(work, 'expected');
    copyTree(merged, expected);
    execFileSync('umount', [merged]);
    mounted = undefined;

    const step = await tarOf((s) => diffOverlayUpper(upper, s));
    const names: string[] = [];
    for await (const e of readTar([step])) names.push(e.header.name);
    assert.deepEqual(names, [
      'etc/',
      'etc/.wh..wh..opq',
      'etc/fresh',
      'lib',
      'opt/',
      'opt/app/',
      'opt/app/.wh.new',
      'opt/app/newer',
    ]);
    const r = await applyLayer(plain, [step]);
    assert.deepEqual(
      describeTree(plain),
      describeTree(expected),
      'upper diff applied onto the plain tree = merged view',
    );
    t.diagnostic(`upper diff: ${r.entries} entries`);
  });
});

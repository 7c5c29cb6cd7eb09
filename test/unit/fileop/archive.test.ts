import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { validTarHeader } from '../../../src/worker/fileop/archive-stream.js';
import { applyFileActions } from '../../../src/worker/fileop/index.js';
import { build, cleanup, copy, snapshot, sourcesOf, tempDir } from './helpers.js';

after(cleanup);

/** A context holding `name`, a tar of a small tree, compressed with `compress` (a tar flag). */
function archiveContext(name: string, compress: string | undefined): string {
  const tree = build(tempDir('tree'), {
    'pkg/bin/tool': { file: 'T', mode: 0o755, uid: 5, gid: 6 },
    'pkg/etc/conf': 'C',
    'pkg/link': { link: 'bin/tool' },
  });
  const ctx = tempDir('ctx');
  const args = ['-c', '-f', path.join(ctx, name), '-C', tree, '--numeric-owner', 'pkg'];
  if (compress !== undefined) args.unshift(compress);
  execFileSync('tar', args);
  return ctx;
}

const EXTRACTED = [
  'opt/ d 0755 0:0',
  'opt/pkg/ d 0755 0:0',
  'opt/pkg/bin/ d 0755 0:0',
  'opt/pkg/bin/tool f 0755 5:6 "T"',
  'opt/pkg/etc/ d 0755 0:0',
  'opt/pkg/etc/conf f 0644 0:0 "C"',
  'opt/pkg/link l 0:0 -> bin/tool',
];

async function add(ctx: string, dest: string, sources: string[], destPath: string, over = {}) {
  return applyFileActions([copy(sources, destPath, { extractArchives: true, ...over })], {
    destRoot: dest,
    sources: sourcesOf(ctx),
    xattrs: false,
  });
}

describe('ADD of a local archive', () => {
  for (const [name, flag] of [
    ['plain.tar', undefined],
    ['gz.tgz', '-z'],
    ['bz.tar.bz2', '-j'],
    ['xz.tar.xz', '-J'],
    ['zst.tar.zst', '--zstd'],
  ] as const) {
    test(`${name}: compression told by magic bytes, extracted with the archive's owners`, async () => {
      const ctx = archiveContext(name, flag);
      const dest = tempDir();
      await add(ctx, dest, [name], '/opt');
      assert.deepEqual(snapshot(dest), EXTRACTED);
    });
  }

  test('the file name does not matter: a tar named .txt is extracted', async () => {
    const ctx = archiveContext('notes.txt', '-z');
    const dest = tempDir();
    await add(ctx, dest, ['notes.txt'], '/opt/');
    assert.deepEqual(snapshot(dest), EXTRACTED);
  });

  test('--chown replaces the owner of every entry; created dirs get it too', async () => {
    const ctx = archiveContext('a.tar', undefined);
    const dest = tempDir();
    await add(ctx, dest, ['a.tar'], '/opt', { chown: { user: '10', group: '20' } });
    assert.deepEqual(snapshot(dest), [
      'opt/ d 0755 10:20',
      'opt/pkg/ d 0755 10:20',
      'opt/pkg/bin/ d 0755 10:20',
      'opt/pkg/bin/tool f 0755 10:20 "T"',
      'opt/pkg/etc/ d 0755 10:20',
      'opt/pkg/etc/conf f 0644 10:20 "C"',
      'opt/pkg/link l 10:20 -> bin/tool',
    ]);
  });

  test('a gzip file that is not a tar, and a corrupt .tar.gz, are copied as files', async () => {
    const ctx = tempDir();
    writeFileSync(path.join(ctx, 'plain.txt'), 'just text');
    execFileSync('sh', ['-c', `printf 'hello' | gzip > ${path.join(ctx, 'hello.gz')}`]);
    writeFileSync(path.join(ctx, 'bad.tar.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3]));
    const dest = tempDir();
    await add(ctx, dest, ['plain.txt', 'hello.gz', 'bad.tar.gz'], '/d/');
    const listing = snapshot(dest).map((l) => l.replace(/ ".*"$/s, ''));
    assert.deepEqual(listing, [
      'd/ d 0755 0:0',
      'd/bad.tar.gz f 0644 0:0',
      'd/hello.gz f 0644 0:0',
      'd/plain.txt f 0644 0:0',
    ]);
  });

  test('COPY (extractArchives false) copies the archive as a file', async () => {
    const ctx = archiveContext('a.tar', undefined);
    const dest = tempDir();
    await applyFileActions([copy(['a.tar'], '/d/')], {
      destRoot: dest,
      sources: sourcesOf(ctx),
      xattrs: false,
    });
    const listing = snapshot(dest);
    assert.equal(listing.length, 2);
    assert.ok(listing[1]!.startsWith('d/a.tar f 0644 0:0 "pkg/'), listing[1]);
  });

  test('entries cannot escape the destination: "../" names are refused, symlinked parents are clamped', async () => {
    const outside = tempDir('outside');
    const work = tempDir('work');
    mkdirSync(path.join(work, 'x'));
    writeFileSync(path.join(work, 'x/evil'), 'pwned');
    const ctx = tempDir('ctx');
    // A tar whose member climbs out: built with --transform so the stored name is ../../<outside>/evil.
    execFileSync('tar', [
      '-c',
      '-f',
      path.join(ctx, 'evil.tar'),
      '-C',
      work,
      '--transform',
      `s,^x,../../../..${outside},`,
      '--absolute-names',
      'x/evil',
    ]);
    const dest = tempDir();
    await assert.rejects(add(ctx, dest, ['evil.tar'], '/opt'), { code: 'E_LAYER_PATH_ESCAPE' });
    assert.equal(existsSync(path.join(outside, 'evil')), false);

    // A symlink in the destination pointing at a host directory: the archive's "pkg/" directory
    // entry replaces the link; nothing is written through it.
    const dest2 = tempDir();
    mkdirSync(path.join(dest2, 'opt'));
    execFileSync('ln', ['-s', outside, path.join(dest2, 'opt/pkg')]);
    await add(archiveContext('a.tar', undefined), dest2, ['a.tar'], '/opt');
    assert.equal(existsSync(path.join(outside, 'bin')), false);
    assert.deepEqual(snapshot(dest2), EXTRACTED);

    // The destination itself is a symlink to a host path: resolved inside the root.
    const dest3 = tempDir();
    execFileSync('ln', ['-s', outside, path.join(dest3, 'opt')]);
    await add(archiveContext('a.tar', undefined), dest3, ['a.tar'], '/opt/');
    assert.equal(existsSync(path.join(outside, 'pkg')), false);
    assert.ok(existsSync(path.join(dest3, outside, 'pkg/bin/tool')), 'written below the root instead');
  });

  test("decompressors come from the host, never from the image's PATH (CVE-2026-41567)", async () => {
    const canary = path.join(tempDir('canary'), 'ran');
    const dest = build(tempDir(), { 'usr/bin/xz': { file: `#!/bin/sh\ntouch ${canary}\n`, mode: 0o755 } });
    chmodSync(path.join(dest, 'usr/bin/xz'), 0o755);
    const ctx = archiveContext('a.tar.xz', '-J');
    await add(ctx, dest, ['a.tar.xz'], '/opt/');
    assert.equal(existsSync(canary), false);
    assert.ok(existsSync(path.join(dest, 'opt/pkg/bin/tool')));
  });
});

describe('tar header check', () => {
  test('zero blocks and bad checksums are not tar', () => {
    assert.equal(validTarHeader(Buffer.alloc(512)), false);
    const block = Buffer.alloc(512);
    block.write('name', 0);
    block.write('0000000\0', 148);
    assert.equal(validTarHeader(block), false);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
    block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    assert.equal(validTarHeader(block), true);
  });
});

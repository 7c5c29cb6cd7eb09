/**
 * Escape attempts: whatever symlinks the destination or the source holds, nothing outside the
 * destination root is written and nothing outside the source root is read. Each test keeps a
 * sentinel tree outside both roots and checks it is byte-for-byte unchanged.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { FileAction } from '../../../src/graph/ops.js';
import { applyFileActions } from '../../../src/worker/fileop/index.js';
import { build, cleanup, copy, snapshot, sourcesOf, tempDir } from './helpers.js';

after(cleanup);

/** A directory outside every root, with a file whose content must survive. */
function outsideTree(): { dir: string; unchanged: () => void } {
  const dir = build(tempDir('host-etc-outside'), { passwd: 'host-secret', 'sub/f': 'host-file' });
  const before = snapshot(dir);
  return { dir, unchanged: () => assert.deepEqual(snapshot(dir), before, 'the outside tree changed') };
}

async function run(src: string, dest: string, actions: FileAction[]) {
  return applyFileActions(actions, { destRoot: dest, sources: sourcesOf(src), xattrs: false });
}

describe('destination symlinks are resolved inside the root', () => {
  test('/etc -> <host dir>: COPY to /etc/passwd writes <root><host dir>/passwd', async () => {
    const host = outsideTree();
    const src = build(tempDir(), { passwd: 'image-passwd' });
    const dest = tempDir();
    symlinkSync(host.dir, path.join(dest, 'etc'));
    await run(src, dest, [copy(['passwd'], '/etc/passwd')]);
    host.unchanged();
    assert.equal(readFileSync(path.join(dest, host.dir, 'passwd'), 'utf8'), 'image-passwd');
  });

  test('relative ../../ links clamp at the root', async () => {
    const host = outsideTree();
    const src = build(tempDir(), { 'd/f': 'F' });
    const dest = tempDir();
    const up = path.relative(dest, host.dir); // ../../…/host dir
    symlinkSync(up, path.join(dest, 'etc'));
    await run(src, dest, [copy(['d'], '/etc/sub/')]);
    host.unchanged();
    assert.ok(existsSync(path.join(dest, up.replace(/^(\.\.\/)+/, ''), 'sub/f')));
  });

  test('a link at the final destination is followed inside the root only', async () => {
    const host = outsideTree();
    const src = build(tempDir(), { x: 'X' });
    const dest = tempDir();
    symlinkSync(path.join(host.dir, 'passwd'), path.join(dest, 'target'));
    await run(src, dest, [copy(['x'], '/target')]);
    host.unchanged();
    assert.equal(readFileSync(path.join(dest, host.dir, 'passwd'), 'utf8'), 'X');
  });

  test('mkdir, mkfile and rm through a linked parent stay inside', async () => {
    const host = outsideTree();
    const dest = tempDir();
    symlinkSync(host.dir, path.join(dest, 'etc'));
    await applyFileActions(
      [
        { action: 'mkdir', path: '/etc/new/deep', mode: 0o755, parents: true },
        { action: 'mkfile', path: '/etc/passwd', data: 'pwned', mode: 0o644 },
        { action: 'mkfile', path: '/etc/sub/f', data: 'pwned', mode: 0o644 },
        { action: 'rm', path: '/etc/sub', allowNotFound: true },
        { action: 'rm', path: '/etc/passwd', allowNotFound: true },
      ],
      { destRoot: dest, sources: () => undefined },
    );
    host.unchanged();
    assert.ok(existsSync(path.join(dest, host.dir, 'new/deep')));
    assert.equal(existsSync(path.join(dest, host.dir, 'passwd')), false, 'removed inside the root');
  });

  test('rm of a symlink to the host removes the link only', async () => {
    const host = outsideTree();
    const dest = tempDir();
    symlinkSync(host.dir, path.join(dest, 'hostlink'));
    await applyFileActions([{ action: 'rm', path: '/hostlink', allowNotFound: false }], {
      destRoot: dest,
      sources: () => undefined,
    });
    host.unchanged();
    assert.deepEqual(snapshot(dest), []);
  });

  test('a copied tree never writes through links that are already in the destination', async () => {
    const host = outsideTree();
    const src = build(tempDir(), { 'd/sub/f': 'mine', 'd/passwd': 'mine' });
    const dest = build(tempDir(), { out: { dir: true } });
    symlinkSync(path.join(host.dir, 'passwd'), path.join(dest, 'out/passwd'));
    symlinkSync(path.join(host.dir, 'sub'), path.join(dest, 'out/sub'));
    await assert.rejects(run(src, dest, [copy(['d'], '/out')]), {
      message: 'cannot copy to non-directory: /out/sub',
    });
    host.unchanged();
  });
});

describe('source symlinks cannot reach outside the source root', () => {
  test('a source path through an absolute link resolves inside the source', async () => {
    const host = outsideTree();
    const src = build(tempDir(), { [`${host.dir.slice(1)}/passwd`]: 'context-copy' });
    symlinkSync(host.dir, path.join(src, 'etc'));
    const dest = tempDir();
    await run(src, dest, [copy(['etc/passwd'], '/got')]);
    assert.equal(readFileSync(path.join(dest, 'got'), 'utf8'), 'context-copy');
    host.unchanged();
  });

  test('a link to a host file is not found (not read) when followed', async () => {
    const host = outsideTree();
    const src = tempDir();
    symlinkSync(path.join(host.dir, 'passwd'), path.join(src, 'leak'));
    symlinkSync('../../../../../../../../../../../..' + host.dir, path.join(src, 'leak2'));
    const dest = tempDir();
    await assert.rejects(run(src, dest, [copy(['leak'], '/x')]), { code: 'E_FILEOP_SOURCE_NOT_FOUND' });
    await assert.rejects(run(src, dest, [copy(['leak2/passwd'], '/x')]), {
      code: 'E_FILEOP_SOURCE_NOT_FOUND',
    });
    assert.deepEqual(snapshot(dest), []);
  });

  test('links inside a copied directory are copied as links, never read', async () => {
    const host = outsideTree();
    const src = tempDir();
    build(src, { 'd/ok': 'ok' });
    symlinkSync(path.join(host.dir, 'passwd'), path.join(src, 'd/leak'));
    symlinkSync(host.dir, path.join(src, 'd/leakdir'));
    const dest = tempDir();
    await run(src, dest, [copy(['d'], '/o')]);
    assert.deepEqual(snapshot(dest), [
      'o/ d 0755 0:0',
      `o/leak l 0:0 -> ${path.join(host.dir, 'passwd')}`,
      `o/leakdir l 0:0 -> ${host.dir}`,
      'o/ok f 0644 0:0 "ok"',
    ]);
    host.unchanged();
  });

  test('a wildcard base through a link to the host is resolved inside the source', async () => {
    const host = outsideTree();
    const src = tempDir();
    symlinkSync(host.dir, path.join(src, 'h'));
    const dest = tempDir();
    await assert.rejects(run(src, dest, [copy(['h/*'], '/x/')]), { code: 'E_FILEOP_SOURCE_NOT_FOUND' });
    host.unchanged();
  });
});

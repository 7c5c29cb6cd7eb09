import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { FileAction } from '../../../src/graph/ops.js';
import { applyFileActions } from '../../../src/worker/fileop/index.js';
import { build, cleanup, mtimeOf, snapshot, tempDir } from './helpers.js';

after(cleanup);

const ETC = { 'etc/passwd': 'app:x:1000:1000::/home/app:/bin/sh\n', 'etc/group': 'app:x:1000:\n' };

async function apply(dest: string, actions: FileAction[], epoch?: number) {
  return applyFileActions(actions, {
    destRoot: dest,
    sources: () => undefined,
    sourceDateEpoch: epoch,
    xattrs: false,
  });
}

describe('mkdir', () => {
  test('WORKDIR: parents made with mode & 0777 and owner; existing parents untouched', async () => {
    const dest = build(tempDir(), { ...ETC, srv: { dir: true, mode: 0o700 } });
    await apply(dest, [
      { action: 'mkdir', path: '/srv/app/data', mode: 0o4750, parents: true, chown: { user: 'app' } },
    ]);
    assert.deepEqual(
      snapshot(dest).filter((l) => l.startsWith('srv')),
      ['srv/ d 0700 0:0', 'srv/app/ d 0750 1000:1000', 'srv/app/data/ d 0750 1000:1000'],
    );
  });

  test('an existing directory is left alone; a file in the way is an error', async () => {
    const dest = build(tempDir(), { d: { dir: true, mode: 0o700, uid: 3, gid: 3 }, f: 'x' });
    await apply(dest, [{ action: 'mkdir', path: '/d', mode: 0o755, parents: true }]);
    assert.deepEqual(snapshot(dest)[0], 'd/ d 0700 3:3');
    await assert.rejects(apply(dest, [{ action: 'mkdir', path: '/f/g', mode: 0o755, parents: true }]), {
      code: 'E_FILEOP_DESTINATION',
      message: 'cannot create directory /f/g: /f exists and is not a directory',
    });
  });

  test('without parents the parent must exist; an existing path is fine', async () => {
    const dest = build(tempDir(), { d: { dir: true } });
    await apply(dest, [
      { action: 'mkdir', path: '/d/e', mode: 0o711, parents: false },
      { action: 'mkdir', path: '/d/e', mode: 0o700, parents: false },
    ]);
    assert.deepEqual(snapshot(dest), ['d/ d 0755 0:0', 'd/e/ d 0711 0:0']);
    await assert.rejects(apply(dest, [{ action: 'mkdir', path: '/x/y', mode: 0o755, parents: false }]), {
      code: 'E_FILEOP_PATH',
      message: 'cannot create directory /x/y: its parent /x does not exist',
    });
  });

  test('a symlinked path is followed inside the root', async () => {
    const dest = build(tempDir(), { work: { link: '/real/work' } });
    await apply(dest, [{ action: 'mkdir', path: '/work', mode: 0o755, parents: true }]);
    assert.deepEqual(snapshot(dest), [
      'real/ d 0755 0:0',
      'real/work/ d 0755 0:0',
      'work l 0:0 -> /real/work',
    ]);
  });
});

describe('mkfile', () => {
  test('writes data with the mode and owner, making missing parents; times from the epoch', async () => {
    const dest = build(tempDir(), ETC);
    await apply(
      dest,
      [
        {
          action: 'mkfile',
          path: '/app/run.sh',
          data: '#!/bin/sh\necho hi\n',
          mode: 0o755,
          chown: { user: 'app' },
        },
      ],
      1234,
    );
    assert.deepEqual(
      snapshot(dest).filter((l) => l.startsWith('app')),
      ['app/ d 0755 1000:1000', 'app/run.sh f 0755 1000:1000 "#!/bin/sh\\necho hi\\n"'],
    );
    assert.equal(mtimeOf(path.join(dest, 'app/run.sh')), 1234);
  });

  test('replaces an existing file (new mode and owner)', async () => {
    const dest = build(tempDir(), { 'f.txt': { file: 'old', mode: 0o777, uid: 9, gid: 9 } });
    await apply(dest, [{ action: 'mkfile', path: '/f.txt', data: 'new', mode: 0o600 }]);
    assert.deepEqual(snapshot(dest), ['f.txt f 0600 0:0 "new"']);
  });

  test('a directory at the path is an error', async () => {
    const dest = build(tempDir(), { d: { dir: true } });
    await assert.rejects(apply(dest, [{ action: 'mkfile', path: '/d', data: 'x', mode: 0o644 }]), {
      code: 'E_FILEOP_PATH',
      message: 'cannot write file /d: a directory is there',
    });
  });
});

describe('rm', () => {
  test('removes files, trees and symlinks (not their targets)', async () => {
    const dest = build(tempDir(), { 'a/b/c': 'C', keep: 'K', lnk: { link: 'keep' } });
    await apply(dest, [
      { action: 'rm', path: '/a', allowNotFound: false },
      { action: 'rm', path: '/lnk', allowNotFound: false },
    ]);
    assert.deepEqual(snapshot(dest), ['keep f 0644 0:0 "K"']);
  });

  test('a missing path is an error unless allowed; the root cannot be removed', async () => {
    const dest = tempDir();
    await apply(dest, [{ action: 'rm', path: '/nope', allowNotFound: true }]);
    await assert.rejects(apply(dest, [{ action: 'rm', path: '/nope', allowNotFound: false }]), {
      code: 'E_FILEOP_PATH',
      message: 'cannot remove /nope: no such file or directory',
    });
    await assert.rejects(apply(dest, [{ action: 'rm', path: '/a/..', allowNotFound: true }]), {
      message: 'cannot remove "/a/..": it is the root directory',
    });
  });
});

import assert from 'node:assert/strict';
import { linkSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { applyFileActions } from '../../../src/worker/fileop/index.js';
import { build, cleanup, copy, mtimeOf, snapshot, sourcesOf, T_SRC, tempDir } from './helpers.js';

after(cleanup);

async function run(
  src: string,
  dest: string,
  actions: Parameters<typeof applyFileActions>[0],
  kind = 'local',
) {
  return applyFileActions(actions, {
    destRoot: dest,
    sources: sourcesOf(src, kind as 'local' | 'snapshot'),
    xattrs: false,
  });
}

describe('COPY of a file', () => {
  test('to a path that does not exist: the file gets that name, parents are made 0755 root', async () => {
    const src = build(tempDir(), { 'a.txt': { file: 'A', mode: 0o640, uid: 1000, gid: 1000 } });
    const dest = tempDir();
    await run(src, dest, [copy(['a.txt'], '/x/y/b.txt')]);
    assert.deepEqual(snapshot(dest), [
      'x/ d 0755 0:0',
      'x/y/ d 0755 0:0',
      'x/y/b.txt f 0640 0:0 "A"', // build-context owners become 0:0
    ]);
    assert.equal(mtimeOf(path.join(dest, 'x/y/b.txt')), T_SRC);
  });

  test('to a path ending in "/": into that directory', async () => {
    const src = build(tempDir(), { 'a.txt': 'A' });
    const dest = tempDir();
    await run(src, dest, [copy(['/a.txt'], '/d/')]);
    assert.deepEqual(snapshot(dest), ['d/ d 0755 0:0', 'd/a.txt f 0644 0:0 "A"']);
  });

  test('to an existing directory without "/": into it', async () => {
    const src = build(tempDir(), { 'a.txt': 'A' });
    const dest = build(tempDir(), { d: { dir: true, mode: 0o700, uid: 7, gid: 8 } });
    await run(src, dest, [copy(['a.txt'], '/d')]);
    assert.deepEqual(snapshot(dest), ['d/ d 0700 7:8', 'd/a.txt f 0644 0:0 "A"']);
  });

  test('over an existing file: replaced (new mode, owner, content)', async () => {
    const src = build(tempDir(), { 'a.txt': { file: 'new', mode: 0o600 } });
    const dest = build(tempDir(), { 'a.txt': { file: 'old content', mode: 0o777, uid: 5, gid: 5 } });
    await run(src, dest, [copy(['a.txt'], '/a.txt')]);
    assert.deepEqual(snapshot(dest), ['a.txt f 0600 0:0 "new"']);
  });

  test('owners are kept from a stage or image source', async () => {
    const src = build(tempDir(), { 'a.txt': { file: 'A', uid: 1000, gid: 2000 } });
    const dest = tempDir();
    await run(src, dest, [copy(['a.txt'], '/a.txt')], 'snapshot');
    assert.deepEqual(snapshot(dest), ['a.txt f 0644 1000:2000 "A"']);
  });

  test('a source symlink is followed (COPY follows the source path itself)', async () => {
    const src = build(tempDir(), { 'real.txt': 'R', 'link.txt': { link: 'real.txt' } });
    const dest = tempDir();
    await run(src, dest, [copy(['link.txt'], '/d/')]);
    assert.deepEqual(snapshot(dest), ['d/ d 0755 0:0', 'd/link.txt f 0644 0:0 "R"']);
  });

  test('without followSymlinks the link itself is copied', async () => {
    const src = build(tempDir(), { 'real.txt': 'R', 'link.txt': { link: 'real.txt' } });
    const dest = tempDir();
    await run(src, dest, [copy(['link.txt'], '/d/', { followSymlinks: false })]);
    assert.deepEqual(snapshot(dest), ['d/ d 0755 0:0', 'd/link.txt l 0:0 -> real.txt']);
  });

  test('setuid/setgid/sticky bits are preserved', async () => {
    const src = build(tempDir(), {
      'su.bin': { file: 'x', mode: 0o4755 },
      'sg.bin': { file: 'y', mode: 0o2711 },
    });
    const dest = tempDir();
    await run(src, dest, [copy(['su.bin', 'sg.bin'], '/bin/')]);
    assert.deepEqual(snapshot(dest), [
      'bin/ d 0755 0:0',
      'bin/sg.bin f 2711 0:0 "y"',
      'bin/su.bin f 4755 0:0 "x"',
    ]);
  });
});

describe('COPY of a directory', () => {
  test('copies its contents, keeping modes, links and mtimes; a missing dest is made 0755', async () => {
    const src = build(tempDir(), {
      'dir/a.txt': { file: 'A', mode: 0o600 },
      'dir/sub': { dir: true, mode: 0o750 },
      'dir/sub/b.sh': { file: 'B', mode: 0o755 },
      'dir/rel': { link: 'sub/b.sh' },
      'dir/abs': { link: '/etc/passwd' },
      dir: { dir: true, mode: 0o700 },
    });
    const dest = tempDir();
    await run(src, dest, [copy(['dir'], '/out')]);
    assert.deepEqual(snapshot(dest), [
      'out/ d 0755 0:0',
      'out/a.txt f 0600 0:0 "A"',
      'out/abs l 0:0 -> /etc/passwd',
      'out/rel l 0:0 -> sub/b.sh',
      'out/sub/ d 0750 0:0',
      'out/sub/b.sh f 0755 0:0 "B"',
    ]);
    assert.equal(mtimeOf(path.join(dest, 'out/sub')), T_SRC);
    assert.equal(mtimeOf(path.join(dest, 'out/abs')), T_SRC);
    assert.equal(mtimeOf(path.join(dest, 'out')), T_SRC, 'the top dir takes the source dir times');
  });

  test('merges into an existing directory: the top keeps its mode and owner', async () => {
    const src = build(tempDir(), { 'dir/new.txt': 'N', 'dir/sub/x': 'X', dir: { dir: true, mode: 0o700 } });
    const dest = build(tempDir(), {
      out: { dir: true, mode: 0o711, uid: 3, gid: 3 },
      'out/old.txt': 'O',
      'out/sub': { dir: true, mode: 0o777, uid: 9, gid: 9 },
    });
    await run(src, dest, [copy(['dir'], '/out')]);
    assert.deepEqual(snapshot(dest), [
      'out/ d 0711 3:3',
      'out/new.txt f 0644 0:0 "N"',
      'out/old.txt f 0644 0:0 "O"',
      'out/sub/ d 0755 0:0', // nested existing dirs take the source's metadata
      'out/sub/x f 0644 0:0 "X"',
    ]);
  });

  test('without dirCopyContents an existing dest gets the directory itself', async () => {
    const src = build(tempDir(), { 'dir/a': 'A' });
    const dest = build(tempDir(), { out: { dir: true } });
    await run(src, dest, [copy(['dir'], '/out', { dirCopyContents: false })]);
    assert.deepEqual(snapshot(dest), ['out/ d 0755 0:0', 'out/dir/ d 0755 0:0', 'out/dir/a f 0644 0:0 "A"']);
  });

  test('the source root "/" copies everything', async () => {
    const src = build(tempDir(), { a: 'A', 'b/c': 'C' });
    const dest = tempDir();
    await run(src, dest, [copy(['/'], '/r/')]);
    assert.deepEqual(snapshot(dest), [
      'r/ d 0755 0:0',
      'r/a f 0644 0:0 "A"',
      'r/b/ d 0755 0:0',
      'r/b/c f 0644 0:0 "C"',
    ]);
  });

  test('hardlinks inside one source stay hardlinked', async () => {
    const src = build(tempDir(), { 'd/one': 'same' });
    linkSync(path.join(src, 'd/one'), path.join(src, 'd/two'));
    const dest = tempDir();
    await run(src, dest, [copy(['d'], '/h/')]);
    const a = lstatSync(path.join(dest, 'h/one'));
    const b = lstatSync(path.join(dest, 'h/two'));
    assert.equal(a.ino, b.ino);
    assert.equal(a.nlink, 2);
  });

  test('a file where the source has a directory: "cannot copy to non-directory"', async () => {
    const src = build(tempDir(), { 'dir/sub/x': 'X' });
    const dest = build(tempDir(), { 'out/sub': 'I am a file' });
    await assert.rejects(run(src, dest, [copy(['dir'], '/out')]), {
      code: 'E_FILEOP_DESTINATION',
      message: 'cannot copy to non-directory: /out/sub',
    });
  });

  test('a directory where the source has a file: "cannot replace to directory … with file"', async () => {
    const src = build(tempDir(), { 'dir/x': 'X' });
    const dest = build(tempDir(), { 'out/x/keep': 'K' });
    await assert.rejects(run(src, dest, [copy(['dir'], '/out')]), {
      code: 'E_FILEOP_DESTINATION',
      message: 'cannot replace to directory /out/x with file',
    });
  });
});

describe('COPY errors', () => {
  test('a missing source names the path and the context, with the .dockerignore hint', async () => {
    const src = build(tempDir(), { 'a.txt': 'A' });
    const dest = tempDir();
    await assert.rejects(run(src, dest, [copy(['missing.txt'], '/x')]), {
      code: 'E_FILEOP_SOURCE_NOT_FOUND',
      message: 'failed to compute cache key: "/missing.txt" not found in the build context',
      hint: 'source paths are relative to the root of the build context; check the path, and check that no .dockerignore pattern excludes it',
    });
    assert.deepEqual(snapshot(dest), [], 'nothing was written');
  });

  test('a missing source in a stage names the stage', async () => {
    const src = tempDir();
    await assert.rejects(
      applyFileActions([copy(['/app/bin'], '/bin/')], {
        destRoot: tempDir(),
        sources: sourcesOf(src, 'snapshot', 'stage "build"'),
        xattrs: false,
      }),
      {
        message: 'failed to compute cache key: "/app/bin" not found in stage "build"',
        hint: 'check the path, and that an earlier step of stage "build" creates it',
      },
    );
  });

  test('a later missing source fails before the first one is copied', async () => {
    const src = build(tempDir(), { 'a.txt': 'A' });
    const dest = tempDir();
    await assert.rejects(run(src, dest, [copy(['a.txt', 'nope'], '/d/')]), {
      code: 'E_FILEOP_SOURCE_NOT_FOUND',
    });
    assert.deepEqual(snapshot(dest), []);
  });

  test('several sources need a destination ending in "/"', async () => {
    const src = build(tempDir(), { a: 'A', b: 'B' });
    await assert.rejects(run(src, tempDir(), [copy(['a', 'b'], '/d')]), {
      code: 'E_FILEOP_DESTINATION',
      message:
        'When using COPY with more than one source file, the destination must be a directory and end with a / (destination "/d")',
    });
  });

  test('createDestPath false: the parent must exist', async () => {
    const src = build(tempDir(), { a: 'A' });
    await assert.rejects(run(src, tempDir(), [copy(['a'], '/no/such/a', { createDestPath: false })]), {
      message: 'cannot copy to "/no/such/a": its parent directory /no/such does not exist',
    });
  });

  test('an input index without a source is an engine bug', async () => {
    await assert.rejects(
      applyFileActions([copy(['a'], '/a', { sourceInput: 3 })], {
        destRoot: tempDir(),
        sources: () => undefined,
      }),
      { code: 'E_FILEOP_NO_INPUT' },
    );
  });

  test('copying from scratch (no input) finds nothing', async () => {
    await assert.rejects(
      applyFileActions([copy(['a'], '/a', { sourceInput: undefined })], {
        destRoot: tempDir(),
        sources: () => undefined,
      }),
      { message: 'failed to compute cache key: "/a" not found in an empty file system (scratch)' },
    );
  });
});

describe('SOURCE_DATE_EPOCH', () => {
  test('every written entry and created parent gets the epoch', async () => {
    const src = build(tempDir(), { 'd/a': 'A', 'd/l': { link: 'a' } });
    const dest = tempDir();
    await applyFileActions([copy(['d'], '/p/q/')], {
      destRoot: dest,
      sources: sourcesOf(src),
      sourceDateEpoch: 1_000_000,
      xattrs: false,
    });
    for (const p of ['p', 'p/q', 'p/q/a', 'p/q/l']) assert.equal(mtimeOf(path.join(dest, p)), 1_000_000, p);
  });
});

describe('extended attributes', () => {
  test('user and trusted xattrs are copied; overlay ones are not', async () => {
    const src = build(tempDir(), { 'd/a': 'A' });
    const a = path.join(src, 'd/a');
    const { execFileSync } = await import('node:child_process');
    execFileSync('setfattr', ['-n', 'user.color', '-v', 'blue', a]);
    execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', path.join(src, 'd')]);
    execFileSync('setfattr', [
      '-n',
      'security.capability',
      '-v',
      '0x0100000200200000000000000000000000000000',
      a,
    ]);
    const dest = tempDir();
    const result = await applyFileActions([copy(['d'], '/o')], { destRoot: dest, sources: sourcesOf(src) });
    const dump = execFileSync('getfattr', [
      '-R',
      '-d',
      '-m',
      '-',
      '-e',
      'text',
      '--absolute-names',
      path.join(dest, 'o'),
    ])
      .toString()
      .replaceAll(dest, '');
    assert.match(dump, /# file: \/o\/a\nsecurity\.capability=.*\nuser\.color="blue"/);
    assert.doesNotMatch(dump, /overlay/);
    assert.deepEqual(result.skipped, []);
  });
});

describe('owners from a stage', () => {
  test('directories, files and links keep their uid/gid; hardlinks across directories are kept', async () => {
    const src = build(tempDir(), {
      app: { dir: true, mode: 0o750, uid: 100, gid: 101 },
      'app/bin/tool': { file: 'T', mode: 0o755, uid: 102, gid: 103 },
      'app/cur': { link: 'bin/tool', uid: 104, gid: 105 },
    });
    linkSync(path.join(src, 'app/bin/tool'), path.join(src, 'app/tool-again'));
    const dest = tempDir();
    await run(src, dest, [copy(['app'], '/app', { dirCopyContents: false })], 'snapshot');
    assert.deepEqual(snapshot(dest), [
      'app/ d 0750 100:101',
      'app/bin/ d 0755 0:0',
      'app/bin/tool f 0755 102:103 "T"',
      'app/cur l 104:105 -> bin/tool',
      'app/tool-again f 0755 102:103 "T"',
    ]);
    assert.equal(
      lstatSync(path.join(dest, 'app/bin/tool')).ino,
      lstatSync(path.join(dest, 'app/tool-again')).ino,
    );
  });
});

describe('special files', () => {
  test('device nodes are recreated with their numbers', async () => {
    const src = build(tempDir(), { 'd/keep': 'K' });
    const { execFileSync } = await import('node:child_process');
    execFileSync('mknod', [path.join(src, 'd/null'), 'c', '1', '3']);
    const dest = tempDir();
    await run(src, dest, [copy(['d'], '/dev/')], 'snapshot');
    const st = lstatSync(path.join(dest, 'dev/null'));
    assert.ok(st.isCharacterDevice());
    assert.equal(st.rdev, lstatSync(path.join(src, 'd/null')).rdev);
    assert.equal(st.mode & 0o7777, 0o644);
  });

  test('fifos are recreated; sockets are skipped and reported', async () => {
    const src = build(tempDir(), { 'd/keep': 'K' });
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [path.join(src, 'd/pipe')]);
    const net = await import('node:net');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(src, 'd/sock'), resolve));
    try {
      const dest = tempDir();
      const result = await run(src, dest, [copy(['d'], '/o')]);
      assert.ok(lstatSync(path.join(dest, 'o/pipe')).isFIFO());
      assert.deepEqual(result.skipped, [{ path: '/o/sock', reason: 'sockets cannot be copied' }]);
    } finally {
      server.close();
    }
  });
});

describe('touch-free replacement', () => {
  test('a symlink at the file destination is replaced, not written through', async () => {
    const outside = tempDir('outside');
    writeFileSync(path.join(outside, 'victim'), 'safe');
    const src = build(tempDir(), { 'a.txt': 'A' });
    const dest = tempDir();
    mkdirSync(path.join(dest, 'd'));
    symlinkSync(path.join(outside, 'victim'), path.join(dest, 'd/a.txt'));
    await run(src, dest, [copy(['a.txt'], '/d/')]);
    assert.equal(readFileSync(path.join(outside, 'victim'), 'utf8'), 'safe');
    assert.deepEqual(snapshot(dest), ['d/ d 0755 0:0', 'd/a.txt f 0644 0:0 "A"']);
  });
});

describe('cancellation', () => {
  test('an aborted signal stops the run before it writes', async () => {
    const src = build(tempDir(), { a: 'A' });
    const dest = tempDir();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      applyFileActions([copy(['a'], '/a')], {
        destRoot: dest,
        sources: sourcesOf(src),
        signal: controller.signal,
        xattrs: false,
      }),
      { name: 'AbortError' },
    );
    assert.deepEqual(snapshot(dest), []);
  });
});

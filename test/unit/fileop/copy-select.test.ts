import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { applyFileActions } from '../../../src/worker/fileop/index.js';
import { build, cleanup, copy, snapshot, sourcesOf, tempDir } from './helpers.js';

after(cleanup);

const CONTEXT = {
  'a.txt': 'a',
  'b.txt': 'b',
  'c.md': 'c',
  'x/y/one.txt': '1',
  'x/y/two.txt': '2',
  'x/y/skip.md': 's',
  'x/z/three.txt': '3',
  'src/app/main.go': 'm',
  'src/app/util.go': 'u',
  'src/lib/lib.go': 'l',
  'src/lib/README': 'r',
  'node_modules/pkg/index.js': 'i',
  'dir1/file-101.png': '2',
  'dir1/file-102.txt': '3',
  'dir2/file-201.pdf': '6',
  'dir3/file-301.mp3': '9',
  'dir3/file-302.mpeg': '10',
  lnk: { link: 'x' },
};

async function copyTree(actions: Parameters<typeof applyFileActions>[0]): Promise<string[]> {
  const src = build(tempDir(), CONTEXT);
  const dest = tempDir();
  await applyFileActions(actions, { destRoot: dest, sources: sourcesOf(src), xattrs: false });
  return snapshot(dest).filter((l) => !l.includes(' d '));
}

describe('wildcards', () => {
  test('"*.txt" copies the matching files of the root, in byte order', async () => {
    assert.deepEqual(await copyTree([copy(['*.txt'], '/d/')]), [
      'd/a.txt f 0644 0:0 "a"',
      'd/b.txt f 0644 0:0 "b"',
    ]);
  });

  test('one wildcard per component: "x/*/*.txt"', async () => {
    assert.deepEqual(await copyTree([copy(['x/*/*.txt'], '/d/')]), [
      'd/one.txt f 0644 0:0 "1"',
      'd/three.txt f 0644 0:0 "3"',
      'd/two.txt f 0644 0:0 "2"',
    ]);
  });

  test('a matched directory copies its contents', async () => {
    assert.deepEqual(await copyTree([copy(['src/a*'], '/d/')]), [
      'd/main.go f 0644 0:0 "m"',
      'd/util.go f 0644 0:0 "u"',
    ]);
  });

  test('classes and "?": "[ab].tx?"', async () => {
    assert.deepEqual(await copyTree([copy(['[ab].tx?'], '/d/')]), [
      'd/a.txt f 0644 0:0 "a"',
      'd/b.txt f 0644 0:0 "b"',
    ]);
  });

  test('symlinked directories are not descended into by a wildcard ("lnk/*/one.txt" resolves lnk first)', async () => {
    // The plain part ("lnk") is resolved (symlink followed); the wildcard part walks real directories.
    assert.deepEqual(await copyTree([copy(['lnk/*/one.txt'], '/d/')]), ['d/one.txt f 0644 0:0 "1"']);
    await assert.rejects(copyTree([copy(['l*/y/one.txt'], '/d/')]), { code: 'E_FILEOP_NO_SOURCE_FILES' });
  });

  test('no match is "no source files were specified" unless empty matches are allowed', async () => {
    await assert.rejects(copyTree([copy(['*.none'], '/d/')]), {
      code: 'E_FILEOP_NO_SOURCE_FILES',
      message: 'no source files were specified: the pattern "*.none" matches nothing in the build context',
    });
    assert.deepEqual(await copyTree([copy(['*.none'], '/d/', { allowEmptyWildcard: true })]), []);
  });

  test('the directory before the wildcard must exist, even when empty matches are allowed', async () => {
    await assert.rejects(copyTree([copy(['fixtures/*.sh'], '/d/', { allowEmptyWildcard: true })]), {
      code: 'E_FILEOP_SOURCE_NOT_FOUND',
      message: 'failed to compute cache key: "/fixtures" not found in the build context',
    });
  });

  test('with allowWildcard false a "*" is a literal name', async () => {
    await assert.rejects(copyTree([copy(['*.txt'], '/d/', { allowWildcard: false })]), {
      message: 'failed to compute cache key: "/*.txt" not found in the build context',
    });
  });

  test('a wildcard whose matches are all files into a path without "/" overwrites it (BuildKit)', async () => {
    assert.deepEqual(await copyTree([copy(['*.txt'], '/one')]), ['one f 0644 0:0 "b"']);
  });
});

describe('--exclude', () => {
  test('patterns match paths relative to each source (BuildKit testExcludedFilesOnCopy)', async () => {
    const out = await copyTree([
      copy(['dir*'], '/4/', { exclude: ['*.mp3', '*.jpeg', '*.png', '*.pdf', '*.txt'] }),
    ]);
    assert.deepEqual(out, ['4/file-302.mpeg f 0644 0:0 "10"']);
  });

  test('"*/*.png" on the whole context, directories kept', async () => {
    const out = await copyTree([
      copy(['.'], '/1/', { exclude: ['*/*.png', '*/*.md', 'node_modules', 'src', 'x'] }),
    ]);
    assert.deepEqual(out, [
      '1/a.txt f 0644 0:0 "a"',
      '1/b.txt f 0644 0:0 "b"',
      '1/c.md f 0644 0:0 "c"',
      '1/dir1/file-102.txt f 0644 0:0 "3"',
      '1/dir2/file-201.pdf f 0644 0:0 "6"',
      '1/dir3/file-301.mp3 f 0644 0:0 "9"',
      '1/dir3/file-302.mpeg f 0644 0:0 "10"',
      '1/lnk l 0:0 -> x',
    ]);
  });

  test('"!" re-includes inside an excluded directory', async () => {
    const out = await copyTree([copy(['src'], '/s/', { exclude: ['lib', '!lib/README'] })]);
    assert.deepEqual(out, [
      's/app/main.go f 0644 0:0 "m"',
      's/app/util.go f 0644 0:0 "u"',
      's/lib/README f 0644 0:0 "r"',
    ]);
  });

  test('the source itself is never excluded', async () => {
    assert.deepEqual(await copyTree([copy(['a.txt'], '/d/', { exclude: ['*.txt'] })]), [
      'd/a.txt f 0644 0:0 "a"',
    ]);
  });
});

describe('--parents', () => {
  test('"./x/y/*.txt" keeps the path below the root', async () => {
    assert.deepEqual(await copyTree([copy(['./x/y/*.txt'], '/dst/', { parents: true })]), [
      'dst/x/y/one.txt f 0644 0:0 "1"',
      'dst/x/y/two.txt f 0644 0:0 "2"',
    ]);
  });

  test('"/./" is the pivot: the path below it is kept', async () => {
    assert.deepEqual(await copyTree([copy(['src/./app/*.go', 'src/./lib'], '/dst/', { parents: true })]), [
      'dst/app/main.go f 0644 0:0 "m"',
      'dst/app/util.go f 0644 0:0 "u"',
      'dst/lib/README f 0644 0:0 "r"',
      'dst/lib/lib.go f 0644 0:0 "l"',
    ]);
  });

  test('parent directories are made with the source directory metadata', async () => {
    const src = build(tempDir(), {
      'x/y/one.txt': '1',
      x: { dir: true, mode: 0o700, uid: 4, gid: 4 },
      'x/y': { dir: true, mode: 0o711 },
    });
    const dest = tempDir();
    await applyFileActions([copy(['x/y/one.txt'], '/dst/', { parents: true })], {
      destRoot: dest,
      sources: sourcesOf(src, 'snapshot'),
      xattrs: false,
    });
    assert.deepEqual(snapshot(dest), [
      'dst/ d 0755 0:0',
      'dst/x/ d 0700 4:4',
      'dst/x/y/ d 0711 0:0',
      'dst/x/y/one.txt f 0644 0:0 "1"',
    ]);
  });

  test('without wildcards the path must exist; with them, no match copies nothing', async () => {
    await assert.rejects(copyTree([copy(['x/nope.txt'], '/dst/', { parents: true })]), {
      message: 'failed to compute cache key: "/x/nope.txt" not found in the build context',
    });
    assert.deepEqual(await copyTree([copy(['x/*.none'], '/dst/', { parents: true })]), []);
  });

  test('with --exclude, relative to the pivot (here the root)', async () => {
    const exclude = ['x/*/two.txt', 'x/z'];
    assert.deepEqual(await copyTree([copy(['x/'], '/dst/', { parents: true, exclude })]), [
      'dst/x/y/one.txt f 0644 0:0 "1"',
      'dst/x/y/skip.md f 0644 0:0 "s"',
    ]);
  });
});

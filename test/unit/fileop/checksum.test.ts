import assert from 'node:assert/strict';
import {
  chmodSync,
  lchownSync,
  mkdirSync,
  renameSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { type CopyAction, type CopySource, copySourceChecksum } from '../../../src/worker/fileop/index.js';
import { build, cleanup, copy, tempDir, touchAll } from './helpers.js';

after(cleanup);

const local = (root: string): CopySource => ({ root, kind: 'local', description: 'the build context' });
const stage = (root: string): CopySource => ({ root, kind: 'snapshot', description: 'stage "build"' });
const act = (sources: string[], over = {}) => copy(sources, '/dst/', over) as CopyAction;

describe('copySourceChecksum', () => {
  test('touching changes nothing; editing, renaming, chmod and relinking change it', async () => {
    const root = build(tempDir(), {
      'app/a.js': 'a',
      'app/b.js': 'b',
      'app/l': { link: 'a.js' },
      other: 'o',
    });
    const sum = () => copySourceChecksum(act(['app']), local(root));
    const base = await sum();
    assert.match(base, /^sha256:[0-9a-f]{64}$/);

    touchAll(root, 1_700_000_000);
    assert.equal(await sum(), base, 'mtime only');

    writeFileSync(path.join(root, 'other'), 'not read by the copy');
    assert.equal(await sum(), base, 'a file the copy does not read');

    writeFileSync(path.join(root, 'app/a.js'), 'A');
    const edited = await sum();
    assert.notEqual(edited, base, 'content');
    writeFileSync(path.join(root, 'app/a.js'), 'a');
    assert.equal(await sum(), base, 'content restored');

    chmodSync(path.join(root, 'app/b.js'), 0o755);
    assert.notEqual(await sum(), base, 'mode');
    chmodSync(path.join(root, 'app/b.js'), 0o644);

    renameSync(path.join(root, 'app/b.js'), path.join(root, 'app/c.js'));
    assert.notEqual(await sum(), base, 'name');
    renameSync(path.join(root, 'app/c.js'), path.join(root, 'app/b.js'));

    unlinkSync(path.join(root, 'app/l'));
    symlinkSync('b.js', path.join(root, 'app/l'));
    assert.notEqual(await sum(), base, 'link target');
  });

  test('owners count for stage sources only', async () => {
    const root = build(tempDir(), { 'f.txt': 'x' });
    const a = [
      await copySourceChecksum(act(['f.txt']), local(root)),
      await copySourceChecksum(act(['f.txt']), stage(root)),
    ];
    lchownSync(path.join(root, 'f.txt'), 1000, 1000);
    const b = [
      await copySourceChecksum(act(['f.txt']), local(root)),
      await copySourceChecksum(act(['f.txt']), stage(root)),
    ];
    assert.equal(a[0], b[0], 'local: owners are reset, so they do not count');
    assert.notEqual(a[1], b[1], 'stage: owners are copied');
  });

  test('follows what the copy reads: wildcards, --exclude, --parents', async () => {
    const root = build(tempDir(), { 'x/a.txt': '1', 'x/b.md': '2', 'y/a.txt': '3' });
    const sums = async () => ({
      wild: await copySourceChecksum(act(['x/*.txt']), local(root)),
      excl: await copySourceChecksum(act(['x'], { exclude: ['*.md'] }), local(root)),
      parents: await copySourceChecksum(act(['*/a.txt'], { parents: true }), local(root)),
    });
    const before = await sums();
    writeFileSync(path.join(root, 'x/b.md'), 'changed');
    const after1 = await sums();
    assert.equal(after1.wild, before.wild);
    assert.equal(after1.excl, before.excl);
    assert.equal(after1.parents, before.parents);
    writeFileSync(path.join(root, 'y/a.txt'), 'changed');
    const after2 = await sums();
    assert.equal(after2.wild, before.wild);
    assert.notEqual(after2.parents, before.parents);
  });

  test('a missing source throws the copy error', async () => {
    await assert.rejects(copySourceChecksum(act(['nope']), local(tempDir())), {
      code: 'E_FILEOP_SOURCE_NOT_FOUND',
      message: 'failed to compute cache key: "/nope" not found in the build context',
    });
  });

  test('the digest cache is asked first and told new digests', async () => {
    const root = build(tempDir(), { a: 'a', b: 'b' });
    const told = new Map<string, string>();
    const cache = {
      get: (p: string) => (p.endsWith('/a') ? 'sha256:cached' : undefined),
      set: (p: string, _s: unknown, d: string) => void told.set(path.basename(p), d),
    };
    const withCache = await copySourceChecksum(act(['/']), local(root), { cache });
    assert.deepEqual([...told.keys()], ['b']);
    assert.equal(told.get('b'), 'sha256:3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d');
    assert.notEqual(
      withCache,
      await copySourceChecksum(act(['/']), local(root)),
      'the cached digest was used',
    );
  });

  test('10,000 files', async (t) => {
    const root = tempDir('many');
    for (let d = 0; d < 100; d++) {
      mkdirSync(path.join(root, `d${d}`));
      for (let f = 0; f < 100; f++)
        writeFileSync(path.join(root, `d${d}`, `f${f}.txt`), `${d}/${f}\n`.repeat(20));
    }
    const started = process.hrtime.bigint();
    const first = await copySourceChecksum(act(['/']), local(root));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    touchAll(root, 1_650_000_000);
    const second = await copySourceChecksum(act(['/']), local(root));
    assert.equal(first, second);
    writeFileSync(path.join(root, 'd42/f42.txt'), 'edited');
    assert.notEqual(await copySourceChecksum(act(['/']), local(root)), first);
    t.diagnostic(`checksum of 10,000 files (100 dirs): ${ms.toFixed(0)} ms`);
  });
});

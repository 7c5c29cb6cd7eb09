/**
 * The context walker on real temporary directories: order, lstat, exclusions, `!` re-includes
 * inside excluded directories, include patterns, pruning (checked against a brute-force walk).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type ContextWalkOptions,
  EMPTY_MATCH_INFO,
  type MatchInfo,
  PatternMatcher,
  walkContext,
} from '../../../src/dockerfile/ignore/index.js';
import { compareUtf8 } from '../../../src/dockerfile/ignore/walk.js';

let base: string;
let counter = 0;

before(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'manifold-ignore-walk-'));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Creates a tree: keys ending in `/` are directories, others files (value = content). */
async function tree(files: readonly string[]): Promise<string> {
  const root = path.join(base, `t${counter++}`);
  await mkdir(root, { recursive: true });
  for (const f of files) {
    const abs = path.join(root, f);
    if (f.endsWith('/')) {
      await mkdir(abs, { recursive: true });
    } else {
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, f);
    }
  }
  return root;
}

async function walkPaths(root: string, options: ContextWalkOptions = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const e of walkContext(root, options)) out.push(e.path);
  return out;
}

describe('walkContext', () => {
  it('yields everything depth-first, names in byte order, with / and lstat info', async () => {
    const root = await tree(['b/x', 'B', 'a.txt', 'a/z', 'a/y/', '_', 'é']);
    await symlink('a.txt', path.join(root, 'link'));
    const entries: { path: string; kind: string }[] = [];
    for await (const e of walkContext(root)) {
      entries.push({
        path: e.path,
        kind: e.stats.isSymbolicLink() ? 'link' : e.stats.isDirectory() ? 'dir' : 'file',
      });
      assert.equal(e.absolutePath.endsWith(e.path), true);
    }
    assert.deepEqual(entries, [
      { path: 'B', kind: 'file' },
      { path: '_', kind: 'file' },
      { path: 'a', kind: 'dir' },
      { path: 'a/y', kind: 'dir' },
      { path: 'a/z', kind: 'file' },
      { path: 'a.txt', kind: 'file' },
      { path: 'b', kind: 'dir' },
      { path: 'b/x', kind: 'file' },
      { path: 'link', kind: 'link' },
      { path: 'é', kind: 'file' },
    ]);
  });

  it('orders names as UTF-8 bytes, also above U+FFFF', () => {
    const names = ['\u{1F600}', '\uFFFD', 'a', 'Z', '\u00e9'];
    assert.deepEqual([...names].sort(compareUtf8), ['Z', 'a', '\u00e9', '\uFFFD', '\u{1F600}']);
    const bytewise = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual([...names].sort(compareUtf8), bytewise);
  });

  it('skips an excluded directory without reading it when no ! pattern reaches inside', async () => {
    const root = await tree(['node_modules/a/index.js', 'node_modules/b/x.js', 'src/main.ts', 'Dockerfile']);
    const pruned: string[] = [];
    const got = await walkPaths(root, {
      excludePatterns: ['node_modules', '!src/main.ts'],
      onPrune: (p) => pruned.push(p),
    });
    assert.deepEqual(got, ['Dockerfile', 'src', 'src/main.ts']);
    assert.deepEqual(pruned, ['node_modules']);
  });

  it('re-includes a file inside an excluded directory, with its parent directories first', async () => {
    const root = await tree([
      'node_modules/keep/package.json',
      'node_modules/keep/lib.js',
      'node_modules/other/package.json',
      'app.js',
    ]);
    const pruned: string[] = [];
    const got = await walkPaths(root, {
      excludePatterns: ['node_modules', '!node_modules/keep/package.json'],
      onPrune: (p) => pruned.push(p),
    });
    assert.deepEqual(got, ['app.js', 'node_modules', 'node_modules/keep', 'node_modules/keep/package.json']);
    assert.deepEqual(pruned, ['node_modules/other']);
  });

  it('re-includes through wildcards (and then cannot prune)', async () => {
    const root = await tree(['docs/a.md', 'docs/a.png', 'docs/deep/b.md', 'docs/deep/c.txt', 'README.md']);
    assert.deepEqual(await walkPaths(root, { excludePatterns: ['docs', '!docs/**/*.md'] }), [
      'README.md',
      'docs',
      'docs/a.md',
      'docs/deep',
      'docs/deep/b.md',
    ]);
    assert.deepEqual(await walkPaths(root, { excludePatterns: ['*', '!*/deep'] }), [
      'docs',
      'docs/deep',
      'docs/deep/b.md',
      'docs/deep/c.txt',
    ]);
  });

  it('lets the last matching pattern win', async () => {
    const root = await tree(['a.md', 'README.md', 'README-secret.md', 'x.txt']);
    assert.deepEqual(
      await walkPaths(root, { excludePatterns: ['*.md', '!README*.md', 'README-secret.md'] }),
      ['README.md', 'x.txt'],
    );
    assert.deepEqual(
      await walkPaths(root, { excludePatterns: ['*.md', 'README-secret.md', '!README*.md'] }),
      ['README-secret.md', 'README.md', 'x.txt'],
    );
  });

  it('keeps only what include patterns match, plus the directories leading there', async () => {
    const root = await tree(['src/a.ts', 'src/b.js', 'src/sub/c.ts', 'test/t.ts', 'lib/x.ts']);
    const pruned: string[] = [];
    const got = await walkPaths(root, {
      includePatterns: ['src/*.ts', 'src/sub'],
      onPrune: (p) => pruned.push(p),
    });
    assert.deepEqual(got, ['src', 'src/a.ts', 'src/sub', 'src/sub/c.ts']);
    assert.deepEqual(pruned, ['lib', 'test']);
    assert.deepEqual(await walkPaths(root, { includePatterns: ['src'], excludePatterns: ['**/*.js'] }), [
      'src',
      'src/a.ts',
      'src/sub',
      'src/sub/c.ts',
    ]);
  });

  it('rejects a bad pattern and a root that is not a directory', async () => {
    const root = await tree(['f']);
    await assert.rejects(walkPaths(root, { excludePatterns: ['a[]'] }), { code: 'E_DOCKERIGNORE_PATTERN' });
    await assert.rejects(walkPaths(path.join(root, 'f')), { code: 'E_CONTEXT_WALK' });
    await assert.rejects(walkPaths(path.join(root, 'missing')), { code: 'E_CONTEXT_WALK' });
  });

  it('stops when the signal is aborted', async () => {
    const root = await tree(['a', 'b', 'c']);
    const ac = new AbortController();
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const e of walkContext(root, { signal: ac.signal })) {
        seen.push(e.path);
        ac.abort();
      }
    });
    assert.deepEqual(seen, ['a']);
  });
});

describe('walkContext pruning equals a full walk', () => {
  const names = ['a', 'b', 'node_modules', 'src', 'keep', 'x.md', 'README.md', 'c.txt', '.git'];
  const excludePool = [
    'node_modules',
    '!node_modules/keep',
    '*.md',
    '!README.md',
    '**/*.txt',
    '!**/keep',
    'src',
    '!src/a',
    'a/*',
    '!a/b/*',
    '*/keep',
    '**',
    '!*/x.md',
    'a?',
    '.git',
    'b/**',
    '!b/c.txt',
    '/src',
    './a/b/',
    '!a/*/keep/*.md',
    '!**/src/**',
    '[ab]',
    '!a/[k]eep',
  ];
  const includePool = ['src', 'a/b', '**/*.md', 'node_modules/keep', '*', 'b/*/c.txt', '!a/b', 'keep/**'];

  it('for random trees and pattern lists', async () => {
    const rand = mulberry32(20240611);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    let compared = 0;
    let prunedTotal = 0;
    for (let round = 0; round < 60; round++) {
      const files: string[] = [];
      for (let i = 0; i < 25; i++) {
        const depth = 1 + Math.floor(rand() * 4);
        const parts = Array.from({ length: depth }, () => pick(names));
        files.push(rand() < 0.2 ? `${parts.join('/')}/` : parts.join('/'));
      }
      const root = await tree(dedupeFileDirConflicts(files));
      const excludePatterns = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => pick(excludePool));
      const includePatterns =
        rand() < 0.3
          ? Array.from({ length: 1 + Math.floor(rand() * 2) }, () => pick(includePool))
          : undefined;
      const options = { excludePatterns, includePatterns, onPrune: () => prunedTotal++ };
      const got = await walkPaths(root, options);
      const want = await bruteForce(root, excludePatterns, includePatterns);
      assert.deepEqual(got, want, JSON.stringify({ excludePatterns, includePatterns }));
      compared++;
    }
    assert.equal(compared, 60);
    assert.ok(prunedTotal > 0, 'pruning never happened');
  });
});

/** Drops files whose path is a prefix directory of another entry, so the tree can be created. */
function dedupeFileDirConflicts(files: string[]): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.replace(/\/$/, '').split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    if (f.endsWith('/')) dirs.add(f.slice(0, -1));
  }
  return [...new Set(files)].filter((f) => f.endsWith('/') || !dirs.has(f));
}

/** Every entry, judged with the parent's results, no pruning; parents of kept entries added. */
async function bruteForce(root: string, exclude: string[], include: string[] | undefined): Promise<string[]> {
  const ex = new PatternMatcher(exclude);
  const inc = include === undefined ? undefined : new PatternMatcher(include);
  const out: string[] = [];
  const emitted = new Set<string>();
  const visit = async (
    dir: string,
    rel: string,
    exInfo: MatchInfo,
    incInfo: MatchInfo,
    pending: string[],
  ) => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((x, y) => compareUtf8(x.name, y.name));
    for (const d of entries) {
      const p = rel === '' ? d.name : `${rel}/${d.name}`;
      const e = ex.matchesUsingParentResults(p, exInfo);
      const i = inc?.matchesUsingParentResults(p, incInfo);
      const pass = !e.matched && (i === undefined || i.matched);
      if (pass) {
        for (const q of pending) {
          if (!emitted.has(q)) {
            emitted.add(q);
            out.push(q);
          }
        }
        emitted.add(p);
        out.push(p);
      }
      if (d.isDirectory()) {
        await visit(path.join(dir, d.name), p, e.info, i?.info ?? EMPTY_MATCH_INFO, [...pending, p]);
      }
    }
  };
  await visit(root, '', EMPTY_MATCH_INFO, EMPTY_MATCH_INFO, []);
  return out;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

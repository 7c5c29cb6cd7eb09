/**
 * A builder's cache as du and prune see it, on a state directory laid out as the worker writes
 * it: step snapshots and base-image layers (meta.json), a snapshot being written, result-cache
 * entries with their chains, cache mounts. Prune's rules: dangling vs --all, filters,
 * --keep-storage (least recently used first), unreachable results, entries removed with their
 * snapshots; gc by a builder's policy; the du/prune output.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  cacheTotals,
  diskUsage,
  formatCacheTable,
  formatCacheTotals,
  formatCacheVerbose,
  formatPruneResult,
  gcBuilderCache,
  listCacheRecords,
  PruneOptionError,
  parsePruneFilters,
  pruneBuilderCache,
} from '../../../src/builder/instances/index.js';

let checks = 0;
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  console.log(`cache: ${checks} checks`);
});

const NOW = new Date('2030-01-10T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Snap {
  id: string;
  bytes: number;
  ageMs: number;
  pulled?: boolean;
  unfinished?: boolean;
}

/**
 * A state directory: base layers b1 b2 (pulled), steps a1 (on b1,b2), a2 (on a1), a3 (orphan),
 * c1 (being written), d1 (a build context filtered by .dockerignore), one cache mount.
 */
async function state(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'manifold-state-'));
  dirs.push(dir);
  const snaps: Snap[] = [
    { id: 'b00000000001', bytes: 40_000, ageMs: 10 * DAY, pulled: true },
    { id: 'b00000000002', bytes: 30_000, ageMs: 10 * DAY, pulled: true },
    { id: 'a00000000001', bytes: 20_000, ageMs: 3 * DAY },
    { id: 'a00000000002', bytes: 10_000, ageMs: 2 * HOUR },
    { id: 'a00000000003', bytes: 5_000, ageMs: 5 * DAY },
    { id: 'c00000000001', bytes: 1_000, ageMs: 0, unfinished: true },
    { id: 'd00000000001', bytes: 2_000, ageMs: 1 * HOUR },
  ];
  for (const s of snaps) {
    const root = path.join(dir, 'snapshots', s.id);
    await mkdir(path.join(root, 'fs'), { recursive: true });
    await writeFile(path.join(root, 'fs', 'data'), Buffer.alloc(s.bytes, 1));
    const when = new Date(NOW.getTime() - s.ageMs);
    if (!s.unfinished) {
      const layer = s.pulled
        ? { layer: { diffId: 'sha256:d', digest: `sha256:${s.id}`, size: 1, mediaType: 'x', pulled: true } }
        : {};
      await writeFile(
        path.join(root, 'meta.json'),
        JSON.stringify({ id: s.id, createdAt: when.toISOString(), ...layer }),
      );
      await utimes(path.join(root, 'meta.json'), when, when);
    } else await utimes(root, when, when);
  }
  await mkdir(path.join(dir, 'snapshots', 'chains'), { recursive: true });
  await mkdir(path.join(dir, 'cache'), { recursive: true });
  const entries: Record<string, string[]> = {
    'sha256-img': ['b00000000001', 'b00000000002'],
    'sha256-s1': ['b00000000001', 'b00000000002', 'a00000000001'],
    'sha256-s2': ['b00000000001', 'b00000000002', 'a00000000001', 'a00000000002'],
  };
  for (const [key, chain] of Object.entries(entries)) {
    await writeFile(path.join(dir, 'cache', `${key}.json`), JSON.stringify({ kind: 'fs', chain }));
  }
  await writeFile(
    path.join(dir, 'cache', 'sha256-ctx.json'),
    JSON.stringify({ kind: 'local', name: 'context', dir: '/x' }),
  );
  await writeFile(
    path.join(dir, 'cache', 'sha256-filtered.json'),
    JSON.stringify({ kind: 'local', name: 'context', dir: '/x', snapshot: 'd00000000001' }),
  );
  const mount = path.join(dir, 'cache-mounts', 'f'.repeat(32));
  await mkdir(mount, { recursive: true });
  await writeFile(path.join(mount, 'pkg'), Buffer.alloc(50_000, 2));
  const old = new Date(NOW.getTime() - 30 * DAY);
  await utimes(mount, old, old);
  return dir;
}

describe('listCacheRecords', () => {
  it('lists snapshots and cache mounts with kind, size, usage, parent and times', async () => {
    const dir = await state();
    const records = await listCacheRecords(dir);
    const byId = new Map(records.map((r) => [r.id, r]));
    assert.equal(records.length, 8);
    assert.deepEqual(
      records.map((r) => [r.id.slice(0, 12), r.kind, r.type, r.reclaimable, r.mutable, r.usageCount]),
      [
        ['a00000000001', 'step', 'regular', true, false, 2],
        ['a00000000002', 'step', 'regular', true, false, 1],
        ['a00000000003', 'step', 'regular', true, false, 0],
        ['b00000000001', 'base-layer', 'regular', true, false, 3],
        ['b00000000002', 'base-layer', 'regular', true, false, 3],
        ['c00000000001', 'unfinished', 'regular', false, true, 0],
        ['d00000000001', 'context', 'source.local', true, false, 1],
        ['ffffffffffff', 'cache-mount', 'exec.cachemount', true, true, 0],
      ],
    );
    assert.equal(byId.get('a00000000002')?.parent, 'a00000000001');
    assert.equal(byId.get('b00000000002')?.parent, 'b00000000001');
    assert.equal(byId.get('a00000000002')?.lastUsedAt.getTime(), NOW.getTime() - 2 * HOUR);
    const s1 = byId.get('a00000000001')!;
    assert.ok(s1.size >= 20_000 && s1.size < 40_000, `allocated size ${s1.size}`);
    assert.equal(s1.size, await diskUsage(path.join(s1.path, 'fs')));
    const totals = cacheTotals(records);
    assert.equal(
      totals.total,
      records.reduce((n, r) => n + r.size, 0),
    );
    assert.equal(totals.reclaimable, totals.total - byId.get('c00000000001')!.size);
    checks += 9;
  });

  it('an empty or missing state is an empty cache', async () => {
    assert.deepEqual(await listCacheRecords('/nonexistent/state'), []);
    assert.equal(formatCacheTotals(cacheTotals([])), 'Reclaimable:  0B\nTotal:        0B\n');
    checks += 2;
  });

  it('prints as buildx du: largest first, * on mutable IDs, totals', async () => {
    const records = await listCacheRecords(await state());
    const table = formatCacheTable(records, NOW).split('\n');
    assert.match(table[0]!, /^ID\s+RECLAIMABLE\s+SIZE\s+LAST ACCESSED$/);
    assert.match(table[1]!, /^f{32}\*\s+true\s+5\d\.\d+kB\s+4 weeks ago$/);
    assert.match(
      table.find((l) => l.startsWith('a00000000002'))!,
      /^a00000000002\s+true\s+\d+(\.\d+)?kB\s+2 hours ago$/,
    );
    assert.match(table.find((l) => l.startsWith('c00000000001'))!, /^c00000000001\*\s+false\s/);
    assert.match(
      formatCacheTotals(cacheTotals(records)),
      /^Reclaimable:\s+\d+(\.\d+)?kB\nTotal:\s+\d+(\.\d+)?kB\n$/,
    );
    const verbose = formatCacheVerbose(records, NOW);
    assert.match(
      verbose,
      /ID:\s+a00000000002\nParent:\s+a00000000001\nCreated at:\s+2030-01-10T10:00:00\.000Z\nMutable:\s+false\nReclaimable:\s+true\nShared:\s+false\nSize:\s+\S+\nDescription:\s+build step result\nUsage count:\s+1\nLast used:\s+2 hours ago\nType:\s+regular\n/,
    );
    checks += 6;
  });
});

describe('pruneBuilderCache', () => {
  const ids = async (dir: string) => (await listCacheRecords(dir)).map((r) => r.id.slice(0, 12));

  it('without --all removes step results and cache mounts, keeps base layers and what is being written', async () => {
    const dir = await state();
    const result = await pruneBuilderCache(dir, { now: NOW });
    assert.deepEqual(
      result.removed.map((r) => r.id.slice(0, 12)),
      ['a00000000001', 'a00000000002', 'a00000000003', 'd00000000001', 'ffffffffffff'],
    );
    assert.equal(
      result.reclaimed,
      result.removed.reduce((n, r) => n + r.size, 0),
    );
    assert.deepEqual(await ids(dir), ['b00000000001', 'b00000000002', 'c00000000001']);
    assert.deepEqual(
      (await readdir(path.join(dir, 'cache'))).sort(),
      ['sha256-ctx.json', 'sha256-img.json'],
      'entries of removed results go too',
    );
    checks += 4;
  });

  it('--all removes every reclaimable record', async () => {
    const dir = await state();
    await pruneBuilderCache(dir, { all: true, now: NOW });
    assert.deepEqual(await ids(dir), ['c00000000001']);
    assert.deepEqual(await readdir(path.join(dir, 'cache')), ['sha256-ctx.json']);
    checks += 2;
  });

  it('until=24h keeps what was used within a day; type= and id= narrow further', async () => {
    const dir = await state();
    const r = await pruneBuilderCache(dir, { filters: ['until=24h', 'type=regular'], now: NOW });
    // a2 was used 2 hours ago: the filter keeps it, though its entry went with a1.
    assert.deepEqual(
      r.removed.map((x) => x.id),
      ['a00000000001', 'a00000000003'],
    );
    assert.ok(!existsSync(path.join(dir, 'cache', 'sha256-s2.json')));
    checks++;
    const dir2 = await state();
    const r2 = await pruneBuilderCache(dir2, { filters: ['until=24h'], now: NOW, all: true });
    assert.deepEqual(
      r2.removed.map((x) => x.id.slice(0, 12)),
      ['a00000000001', 'a00000000003', 'b00000000001', 'b00000000002', 'ffffffffffff'],
    );
    const dir3 = await state();
    const r3 = await pruneBuilderCache(dir3, { filters: ['type=exec.cachemount'], now: NOW });
    assert.deepEqual(
      r3.removed.map((x) => x.type),
      ['exec.cachemount'],
    );
    const dir4 = await state();
    const r4 = await pruneBuilderCache(dir4, { filters: ['id=a00000000003'], now: NOW });
    assert.deepEqual(
      r4.removed.map((x) => x.id),
      ['a00000000003'],
    );
    checks += 3;
  });

  it('--keep-storage removes unreachable results first, then the least recently used, until it fits', async () => {
    const dir = await state();
    const before = await listCacheRecords(dir);
    const total = cacheTotals(before).total;
    const orphan = before.find((r) => r.id === 'a00000000003')!;
    const r = await pruneBuilderCache(dir, { keepStorage: total - 1, now: NOW });
    assert.deepEqual(
      r.removed.map((x) => x.id),
      ['a00000000003'],
      'the orphan alone is enough',
    );
    assert.equal(r.reclaimed, orphan.size);
    const r2 = await pruneBuilderCache(dir, { keepStorage: 0, now: NOW, all: true });
    assert.equal(cacheTotals(await listCacheRecords(dir)).reclaimable, 0);
    assert.ok(r2.removed.length >= 5);
    const dir2 = await state();
    const big = cacheTotals(await listCacheRecords(dir2)).total * 2;
    const r3 = await pruneBuilderCache(dir2, { keepStorage: big, now: NOW });
    assert.deepEqual(
      r3.removed.map((x) => x.id),
      ['a00000000003'],
      'only garbage goes when the cache fits',
    );
    checks += 5;
  });

  it('a result whose chain lost a snapshot goes with it', async () => {
    const dir = await state();
    const r = await pruneBuilderCache(dir, { filters: ['id=a00000000001'], now: NOW });
    assert.deepEqual(
      r.removed.map((x) => x.id),
      ['a00000000001'],
    );
    checks++;
    const r2 = await pruneBuilderCache(dir, { now: NOW, filters: ['type=regular'] });
    assert.ok(
      r2.removed.some((x) => x.id === 'a00000000002'),
      's2 is unreachable once s1 is gone',
    );
    checks++;
  });

  it('refuses unknown filters and bad durations', () => {
    assert.throws(() => parsePruneFilters(['label=x']), PruneOptionError);
    assert.throws(() => parsePruneFilters(['until=yesterday']), /invalid duration "yesterday"/);
    assert.throws(() => parsePruneFilters(['until']), /invalid filter "until"/);
    assert.deepEqual(parsePruneFilters(['unused-for=90m']).unusedFor, 5_400_000);
    checks += 4;
  });

  it('prints the removed records and the total freed, as buildx prune', async () => {
    const dir = await state();
    const r = await pruneBuilderCache(dir, { filters: ['type=exec.cachemount'], now: NOW });
    const text = formatPruneResult(r.removed, r.reclaimed, NOW);
    assert.match(
      text,
      /^ID\s+RECLAIMABLE\s+SIZE\s+LAST ACCESSED\nf{32}\*\s+true\s+\S+\s+4 weeks ago\nTotal:\s+5\d\.\d+kB\n$/,
    );
    assert.equal(formatPruneResult([], 0), 'Total:  0B\n');
    checks += 2;
  });
});

describe('gcBuilderCache', () => {
  it('drops records unused for keepDuration, then cuts to keepBytes, base layers included', async () => {
    const dir = await state();
    const r = await gcBuilderCache(dir, { enabled: true, keepDuration: 4 * DAY, keepBytes: undefined }, NOW);
    assert.deepEqual(r.removed.map((x) => x.id.slice(0, 12)).sort(), [
      'a00000000003',
      'b00000000001',
      'b00000000002',
      'ffffffffffff',
    ]);
    const r2 = await gcBuilderCache(dir, { enabled: true, keepDuration: undefined, keepBytes: 0 }, NOW);
    assert.ok(r2.removed.length >= 1);
    assert.equal(cacheTotals(await listCacheRecords(dir)).reclaimable, 0);
    const off = await gcBuilderCache(await state(), { enabled: false, keepDuration: 0, keepBytes: 0 }, NOW);
    assert.equal(off.removed.length, 0);
    checks += 4;
  });
});

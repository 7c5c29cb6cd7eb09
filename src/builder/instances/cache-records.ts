/**
 * A builder's cache as records, the way `buildx du` lists BuildKit's: one record per snapshot
 * (a layer's worth of files: a build step's result, or a base-image layer unpacked once) and per
 * cache mount (`RUN --mount=type=cache`), with its size on disk, when it was created and last
 * used, and how many result-cache entries use it. Read from the builder's state directory:
 *
 *   <state>/snapshots/<id>/      fs/ + meta.json (see src/worker/snapshots/store.ts); a directory
 *                                without meta.json is a snapshot being written: mutable, not
 *                                reclaimable
 *   <state>/cache/<key>.json     result-cache entries: the snapshot chain of a step's result, or
 *                                the snapshot of a build context filtered by .dockerignore
 *   <state>/cache-mounts/<hash>/ cache mount contents: mutable
 *
 * Sizes count allocated blocks, each hard-linked file once. "Last used" is the later of the
 * record's last read and last change as the file system reports them (with relatime, reads
 * show at most once a day).
 */
import type { Stats } from 'node:fs';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { WorkerRef } from '../../worker/refs.js';
import { SnapshotStore } from '../../worker/snapshots/index.js';

/** BuildKit's record types that Manifold has. */
export type CacheRecordType = 'regular' | 'source.local' | 'exec.cachemount';

/** One record of a builder's cache. */
export interface CacheRecord {
  readonly id: string;
  readonly type: CacheRecordType;
  /**
   * `step` (a build step's result), `base-layer` (unpacked from an image), `context` (a build
   * context filtered by .dockerignore), `cache-mount`, `unfinished`.
   */
  readonly kind: 'step' | 'base-layer' | 'context' | 'cache-mount' | 'unfinished';
  readonly description: string;
  /** Bytes on disk. */
  readonly size: number;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  readonly mutable: boolean;
  readonly reclaimable: boolean;
  readonly shared: boolean;
  /** Result-cache entries whose chain holds it. */
  readonly usageCount: number;
  /** The snapshot below it in a chain, when one is known. */
  readonly parent: string | undefined;
  /** The directory that holds it. */
  readonly path: string;
}

/** A result-cache entry: its file and the snapshots it needs (a chain, or a context's snapshot). */
export interface CacheEntry {
  readonly file: string;
  readonly kind: 'fs' | 'local';
  readonly chain: readonly string[];
}

/** Where the parts of a builder's state are. */
export function cacheLayout(stateDir: string): { snapshots: string; entries: string; mounts: string } {
  return {
    snapshots: path.join(stateDir, 'snapshots'),
    entries: path.join(stateDir, 'cache'),
    mounts: path.join(stateDir, 'cache-mounts'),
  };
}

/** Every result-cache entry that needs snapshots (file systems, filtered contexts). */
export async function readCacheEntries(stateDir: string): Promise<CacheEntry[]> {
  const dir = cacheLayout(stateDir).entries;
  const out: CacheEntry[] = [];
  for (const name of await listDir(dir)) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    try {
      const ref = JSON.parse(await readFile(file, 'utf8')) as WorkerRef;
      if (ref.kind === 'fs') out.push({ file, kind: 'fs', chain: ref.chain });
      else if (ref.snapshot) out.push({ file, kind: 'local', chain: [ref.snapshot] });
    } catch {
      // written by a build that is still running, or broken: not an entry
    }
  }
  return out;
}

/** Every record of the builder whose state is `stateDir`. */
export async function listCacheRecords(stateDir: string): Promise<CacheRecord[]> {
  const layout = cacheLayout(stateDir);
  const entries = await readCacheEntries(stateDir);
  const usage = new Map<string, number>();
  const parents = new Map<string, string>();
  const contexts = new Set(entries.filter((e) => e.kind === 'local').flatMap((e) => e.chain));
  for (const e of entries) {
    e.chain.forEach((id, i) => {
      usage.set(id, (usage.get(id) ?? 0) + 1);
      if (i > 0) parents.set(id, e.chain[i - 1]!);
    });
  }
  const store = new SnapshotStore(layout.snapshots);
  const records: CacheRecord[] = [];
  for (const id of await listDir(layout.snapshots)) {
    if (!/^[0-9a-f]{12}$/.test(id)) continue;
    const dir = path.join(layout.snapshots, id);
    const meta = await store.meta(id);
    const times = await timesOf(meta ? path.join(dir, 'meta.json') : dir);
    if (!times) continue;
    const pulled = meta?.layer?.pulled === true;
    const context = contexts.has(id);
    records.push({
      id,
      type: context ? 'source.local' : 'regular',
      kind: !meta ? 'unfinished' : pulled ? 'base-layer' : context ? 'context' : 'step',
      description: !meta
        ? 'snapshot being written'
        : pulled
          ? `pulled layer ${meta.layer?.digest ?? ''}`.trim()
          : context
            ? 'build context (as .dockerignore filters it)'
            : 'build step result',
      size: await diskUsage(store.upperDir(id)),
      createdAt: meta ? new Date(meta.createdAt) : times.changed,
      lastUsedAt: times.used,
      mutable: !meta,
      reclaimable: meta !== undefined,
      shared: false,
      usageCount: usage.get(id) ?? 0,
      parent: parents.get(id),
      path: dir,
    });
  }
  for (const hash of await listDir(layout.mounts)) {
    const dir = path.join(layout.mounts, hash);
    const times = await timesOf(dir);
    if (!times) continue;
    records.push({
      id: hash,
      type: 'exec.cachemount',
      kind: 'cache-mount',
      description: 'cache mount (RUN --mount=type=cache)',
      size: await diskUsage(dir),
      createdAt: times.changed,
      lastUsedAt: times.used,
      mutable: true,
      reclaimable: true,
      shared: false,
      usageCount: 0,
      parent: undefined,
      path: dir,
    });
  }
  return records;
}

/** Totals as `buildx du` prints them. */
export interface CacheTotals {
  readonly shared: number;
  readonly private: number;
  readonly reclaimable: number;
  readonly total: number;
}

/** Sums the sizes of `records`. */
export function cacheTotals(records: readonly CacheRecord[]): CacheTotals {
  let shared = 0;
  let total = 0;
  let reclaimable = 0;
  for (const r of records) {
    total += r.size;
    if (r.shared) shared += r.size;
    if (r.reclaimable) reclaimable += r.size;
  }
  return { shared, private: total - shared, reclaimable, total };
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

async function timesOf(file: string): Promise<{ changed: Date; used: Date } | undefined> {
  let s: Stats;
  try {
    s = await stat(file);
  } catch {
    return undefined;
  }
  return { changed: s.mtime, used: s.atimeMs > s.mtimeMs ? s.atime : s.mtime };
}

/** Bytes allocated under `root` (not following symbolic links; hard links counted once). */
export async function diskUsage(root: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (p: string): Promise<void> => {
    let s: Stats;
    try {
      s = await lstat(p);
    } catch {
      return;
    }
    if (s.nlink > 1 && !s.isDirectory()) {
      const key = `${s.dev}:${s.ino}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    total += s.blocks * 512;
    if (!s.isDirectory()) return;
    for (const name of await listDir(p)) await walk(path.join(p, name));
  };
  await walk(root);
  return total;
}

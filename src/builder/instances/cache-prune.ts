/**
 * Pruning a builder's cache, as `buildx prune` does:
 *
 * - without `all`: build-step results, filtered build contexts and cache mounts go; base-image
 *   layers unpacked from the image store stay (they are what the next build of any Dockerfile
 *   starts from);
 * - with `all`: every reclaimable record goes;
 * - filters narrow the choice: `until=DURATION` (or `unused-for=`): only records unused for
 *   longer; `type=regular|source.local|exec.cachemount`; `id=ID`;
 * - `keepStorage`: the cache is cut, least recently used first, only until it is no larger than
 *   that many bytes;
 * - a step result that no result-cache entry can reach any more (its chain lost a snapshot) is
 *   garbage and goes first;
 * - result-cache entries whose chain lost a snapshot are removed with it.
 *
 * Records being written (mutable snapshots) are never removed. Prune while no build of the same
 * builder runs: a running build's newest snapshots are not yet in the result cache.
 */
import { rm } from 'node:fs/promises';
import { type CacheRecord, listCacheRecords, readCacheEntries } from './cache-records.js';
import type { GcPolicy } from './config.js';
import { PruneOptionError } from './errors.js';
import { parseDuration } from './units.js';

/** Options of {@link pruneBuilderCache}. */
export interface PruneOptions {
  readonly all?: boolean;
  /** `key=value` filters: until, unused-for, type, id. */
  readonly filters?: readonly string[];
  /** Keep at most this many bytes of cache. */
  readonly keepStorage?: number;
  readonly now?: Date;
}

/** What a prune removed. */
export interface PruneResult {
  readonly removed: readonly CacheRecord[];
  /** Bytes freed. */
  readonly reclaimed: number;
}

interface Filter {
  readonly unusedFor: number | undefined;
  readonly types: ReadonlySet<string>;
  readonly ids: ReadonlySet<string>;
}

const FILTER_KEYS = ['until', 'unused-for', 'type', 'id'];

/** Reads `key=value` filters; throws {@link PruneOptionError} on an unknown key or bad value. */
export function parsePruneFilters(filters: readonly string[]): Filter {
  let unusedFor: number | undefined;
  const types = new Set<string>();
  const ids = new Set<string>();
  for (const f of filters) {
    const eq = f.indexOf('=');
    const key = eq < 0 ? f : f.slice(0, eq);
    const value = eq < 0 ? '' : f.slice(eq + 1);
    if (!FILTER_KEYS.includes(key) || value === '') {
      throw new PruneOptionError(
        `invalid filter "${f}"`,
        `filters are KEY=VALUE with key ${FILTER_KEYS.join(', ')}, e.g. --filter until=24h`,
      );
    }
    if (key === 'until' || key === 'unused-for') {
      const ms = parseDuration(value);
      if (ms === undefined) {
        throw new PruneOptionError(
          `invalid duration "${value}" in filter "${f}"`,
          'write a duration such as 24h, 90m or 1h30m',
        );
      }
      unusedFor = ms;
    } else if (key === 'type') types.add(value);
    else ids.add(value);
  }
  return { unusedFor, types, ids };
}

/** Prunes the cache of the builder whose state is `stateDir`. */
export async function pruneBuilderCache(stateDir: string, options: PruneOptions = {}): Promise<PruneResult> {
  const filter = parsePruneFilters(options.filters ?? []);
  const now = (options.now ?? new Date()).getTime();
  const records = await listCacheRecords(stateDir);
  const entries = await readCacheEntries(stateDir);
  const existing = new Set(records.filter((r) => r.reclaimable || r.mutable).map((r) => r.id));
  const reachable = (gone: ReadonlySet<string>) =>
    new Set(
      entries.filter((e) => e.chain.every((id) => existing.has(id) && !gone.has(id))).flatMap((e) => e.chain),
    );
  const live = reachable(new Set());
  const eligible = records
    .filter(
      (r) =>
        r.reclaimable &&
        (options.all || r.kind !== 'base-layer') &&
        (filter.unusedFor === undefined || now - r.lastUsedAt.getTime() > filter.unusedFor) &&
        (filter.types.size === 0 || filter.types.has(r.type)) &&
        (filter.ids.size === 0 || filter.ids.has(r.id)),
    )
    .sort((a, b) => rank(a, live) - rank(b, live) || a.lastUsedAt.getTime() - b.lastUsedAt.getTime());
  const chosen = new Set<string>();
  let total = records.reduce((sum, r) => sum + r.size, 0);
  for (const r of eligible) {
    if (options.keepStorage !== undefined && total <= options.keepStorage) break;
    chosen.add(r.id);
    total -= r.size;
  }
  // Step results that only lost entries reach are garbage now.
  const stillLive = reachable(chosen);
  for (const r of eligible) if (r.kind === 'step' && !stillLive.has(r.id)) chosen.add(r.id);
  const removed = records.filter((r) => chosen.has(r.id));
  for (const r of removed) await rm(r.path, { recursive: true, force: true });
  for (const e of entries) {
    if (e.chain.some((id) => chosen.has(id))) await rm(e.file, { force: true });
  }
  return { removed, reclaimed: removed.reduce((sum, r) => sum + r.size, 0) };
}

/** Unreachable step results first. */
function rank(r: CacheRecord, live: ReadonlySet<string>): number {
  return r.kind === 'step' && !live.has(r.id) ? 0 : 1;
}

/**
 * Collects the cache by a builder's gc policy: records unused for longer than `keepDuration`,
 * then the least recently used until the cache fits `keepBytes`; base-image layers included.
 */
export async function gcBuilderCache(
  stateDir: string,
  gc: GcPolicy,
  now: Date = new Date(),
): Promise<PruneResult> {
  const removed: CacheRecord[] = [];
  if (!gc.enabled) return { removed, reclaimed: 0 };
  if (gc.keepDuration !== undefined) {
    const seconds = Math.ceil(gc.keepDuration / 1000);
    removed.push(
      ...(await pruneBuilderCache(stateDir, { all: true, filters: [`until=${seconds}s`], now })).removed,
    );
  }
  if (gc.keepBytes !== undefined) {
    removed.push(
      ...(await pruneBuilderCache(stateDir, { all: true, keepStorage: gc.keepBytes, now })).removed,
    );
  }
  return { removed, reclaimed: removed.reduce((sum, r) => sum + r.size, 0) };
}

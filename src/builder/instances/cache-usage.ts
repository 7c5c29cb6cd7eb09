/**
 * `du` and `prune` for a builder by name: resolve the builder (explicit name, MANIFOLD_BUILDER,
 * current, default), then read or prune the cache in its state directory.
 */

import { type PruneOptions, type PruneResult, pruneBuilderCache } from './cache-prune.js';
import { type CacheRecord, type CacheTotals, cacheTotals, listCacheRecords } from './cache-records.js';
import { type Builder, getBuilder, resolveBuilderName, type StoreOptions } from './store.js';

/** Which builder. */
export interface BuilderSelection extends StoreOptions {
  /** Default: MANIFOLD_BUILDER in `env`, else the current builder. */
  readonly builder?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A builder's cache records and their totals. */
export interface BuilderDiskUsage {
  readonly builder: Builder;
  readonly records: readonly CacheRecord[];
  readonly totals: CacheTotals;
}

/** What `du` shows. */
export async function builderDiskUsage(options: BuilderSelection = {}): Promise<BuilderDiskUsage> {
  const builder = await getBuilder(await resolveBuilderName(options.builder, options), options);
  const records = await listCacheRecords(builder.stateDir);
  return { builder, records, totals: cacheTotals(records) };
}

/** What `prune` does (see cache-prune.ts for the rules). */
export async function pruneBuilder(
  options: BuilderSelection & PruneOptions = {},
): Promise<PruneResult & { readonly builder: Builder }> {
  const builder = await getBuilder(await resolveBuilderName(options.builder, options), options);
  return { builder, ...(await pruneBuilderCache(builder.stateDir, options)) };
}

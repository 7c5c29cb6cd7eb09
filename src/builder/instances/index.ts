/**
 * Builder instances: named builders under MANIFOLD_HOME, each with its own state (snapshots,
 * result cache, cache mounts), configuration (buildkitd.toml's format: registry tables, worker
 * platforms, max-parallelism, gc limits) and platforms. Start with {@link createBuilder} /
 * {@link useBuilder}; builds call {@link openBuilderForBuild}; `ls`/`inspect` use
 * {@link describeBuilders} / {@link inspectBuilder}; `du`/`prune` use {@link builderDiskUsage} /
 * {@link pruneBuilder}.
 */

export {
  gcBuilderCache,
  type PruneOptions,
  type PruneResult,
  parsePruneFilters,
  pruneBuilderCache,
} from './cache-prune.js';
export {
  type CacheEntry,
  type CacheRecord,
  type CacheRecordType,
  type CacheTotals,
  cacheTotals,
  diskUsage,
  listCacheRecords,
} from './cache-records.js';
export {
  type BuilderDiskUsage,
  type BuilderSelection,
  builderDiskUsage,
  pruneBuilder,
} from './cache-usage.js';
export {
  type BuilderConfig,
  emptyBuilderConfig,
  type GcPolicy,
  loadBuilderConfig,
  parseBuilderConfig,
} from './config.js';
export { copyBuilderConfig } from './config-copy.js';
export {
  type BuilderInfo,
  type DescribeOptions,
  describeBuilder,
  describeBuilders,
  inspectBuilder,
  type PlatformMode,
  type RegistrySummary,
} from './describe.js';
export { ACCEPTED_DRIVERS, chooseDriver, type DriverChoice } from './drivers.js';
export {
  BuilderConfigError,
  BuilderDriverError,
  BuilderExistsError,
  BuilderNameError,
  BuilderNotFoundError,
  BuilderPlatformError,
  PruneOptionError,
} from './errors.js';
export { type BuildBuilder, type BuilderBuildOptions, openBuilderForBuild } from './for-build.js';
export { formatBuilderInspect, formatBuilderJson, formatBuilderTable } from './format-builders.js';
export {
  formatCacheTable,
  formatCacheTotals,
  formatCacheVerbose,
  formatPruneResult,
} from './format-cache.js';
export {
  type BuilderPlatforms,
  builderPlatforms,
  checkBuilderPlatforms,
  type PlatformLookup,
  type PlatformSource,
} from './platforms.js';
export { type BuilderRecord, builderConfigFile, DEFAULT_BUILDER, validateBuilderName } from './record.js';
export {
  type Builder,
  type BuilderStatus,
  bootstrapBuilder,
  builderStatus,
  type CreateBuilderOptions,
  type CreatedBuilder,
  createBuilder,
  currentBuilderName,
  getBuilder,
  listBuilders,
  type RemoveBuilderOptions,
  removeBuilder,
  removeInactiveBuilders,
  resolveBuilderName,
  type StoreOptions,
  stopBuilder,
  useBuilder,
} from './store.js';
export { formatAgo, formatSize, humanDuration, parseDuration, parseSize, requireSize } from './units.js';

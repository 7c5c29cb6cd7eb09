/** What every output writer gets from the build: the stores, the results, a registry, progress. */
import type { ContentStore } from '../../content/index.js';
import type { Digest } from '../../oci/index.js';
import type { Platform } from '../../platform/index.js';
import type { ProgressSink } from '../../progress/index.js';
import type { RegistryClient } from '../../registry/index.js';
import type { SnapshotStore } from '../../worker/snapshots/index.js';
import type { ExportTarget } from './assemble.js';

/** The build's side of an export. */
export interface OutputContext {
  readonly store: ContentStore;
  readonly snapshots: SnapshotStore;
  /** Per platform, in `--platform` order. */
  readonly targets: readonly ExportTarget[];
  readonly multiPlatform: boolean;
  readonly hostPlatform: Platform;
  /** The registry client, opened on first use (pushes only). */
  readonly registry: () => Promise<{ readonly client: RegistryClient }>;
  /** When the build ran (ms since the epoch). */
  readonly buildTime: number;
  /** The build's SOURCE_DATE_EPOCH, in seconds. */
  readonly sourceDateEpoch?: number;
  readonly progress?: ProgressSink;
  readonly signal?: AbortSignal;
}

/** Where one output reports: the sink and the vertex digest of its "exporting to …" step. */
export interface OutputProgress {
  readonly sink: ProgressSink;
  readonly digest: Digest;
}

/**
 * Garbage collection: frees blobs that nothing references, and what crashed writers left.
 *
 * Roots are every entry of `index.json` (named or not), the extra roots the caller passes (the
 * build cache passes the blobs it refers to) and the digests of every live lease of another
 * process (lease.ts). Everything reachable from a root through indexes → manifests → config and
 * layers stays. With `scope` (what `rmi` passes) only blobs reachable from the scope are
 * candidates, so unrelated unreferenced blobs are left alone.
 *
 * It runs while the caller holds the index lock, so no name changes under it. Doomed blobs are
 * first renamed into `ingest/` (atomic), then the leases are read a second time and any blob a
 * writer started relying on meanwhile is linked back, with what it references; only then are
 * the doomed files unlinked. A kill -9 at any point leaves either a blob in place or a trash
 * file in `ingest/`, which the next gc removes (its owner is gone).
 *
 * Temp files in `ingest/` and lease files are removed when their process is gone (same host) or
 * when they are older than their grace period. A writer touches its temp file with every chunk,
 * so a slow download is never mistaken for a dead one.
 */
import { link, rename } from 'node:fs/promises';
import type { Descriptor, Digest } from '../oci/index.js';
import { readBlobBytes, statBlob } from './blob-store.js';
import { type Layout, unlinkQuietly } from './layout.js';
import { readLeases } from './lease.js';
import { isStale, parseOwnedFileName } from './owner.js';
import { type WalkNode, type WalkSource, walk } from './walk.js';

/** Options of a gc run. */
export interface GcOptions {
  /** Extra roots: blobs the caller (the build cache) still needs, with what they reference. */
  readonly roots?: readonly (Digest | Descriptor)[];
  /** Only blobs reachable from these are candidates (rmi); default: every blob in the store. */
  readonly scope?: readonly Descriptor[];
  /** Temp files older than this are removed even if their owner cannot be checked (default 1 h). */
  readonly tempGraceMs?: number;
  /** Leases older than this are ignored and removed even if their owner runs (default 24 h). */
  readonly leaseGraceMs?: number;
  /** Report what would be freed without removing anything. */
  readonly dryRun?: boolean;
}

/** What a gc run freed. */
export interface GcResult {
  /** Blobs removed (or that would be, with dryRun). */
  readonly removed: readonly Digest[];
  readonly blobsRemoved: number;
  readonly bytesFreed: number;
  /** Stale temp files removed from `ingest/`. */
  readonly tempsRemoved: number;
  readonly tempBytesFreed: number;
  /** Stale lease files removed. */
  readonly leasesRemoved: number;
}

/** Default grace periods, each long enough for a live writer never to look dead. */
export const GC_DEFAULTS = { tempGraceMs: 60 * 60 * 1000, leaseGraceMs: 24 * 60 * 60 * 1000 } as const;

interface Trashed {
  readonly digest: Digest;
  readonly path: string;
  readonly size: number;
}

/** Runs gc on `layout`; the caller holds the index lock. `ownLease` is left out of the roots. */
export async function collectGarbage(
  layout: Layout,
  options: GcOptions = {},
  ownLease?: string,
): Promise<GcResult> {
  const leaseGraceMs = options.leaseGraceMs ?? GC_DEFAULTS.leaseGraceMs;
  const index = await layout.readIndex();
  const onDisk = new Map((await layout.listBlobs()).map((b) => [b.digest, b.size]));
  const leases = await readLeases(layout, leaseGraceMs, ownLease);
  const source: WalkSource = {
    blobSize: async (d) => onDisk.get(d),
    readJson: (d) => readBlobBytes(layout, d),
  };
  const roots: WalkNode[] = [
    ...index.manifests,
    ...(options.roots ?? []).map(toNode),
    ...[...leases.digests].map(toNode),
  ];
  const reachable = await walk(source, roots);
  const candidates = options.scope === undefined ? onDisk.keys() : await walk(source, options.scope);
  const doomed = [...candidates].filter((d) => !reachable.has(d));

  let removed: Digest[] = doomed;
  if (options.dryRun !== true) {
    const trashed = await moveToTrash(layout, doomed, onDisk);
    await restoreLateLeases(layout, trashed, leases.digests, leaseGraceMs, ownLease);
    for (const t of trashed.values()) await unlinkQuietly(t.path);
    removed = [...trashed.keys()];
    for (const file of leases.stale) await unlinkQuietly(file);
  }
  const temps = await cleanIngest(
    layout,
    options.tempGraceMs ?? GC_DEFAULTS.tempGraceMs,
    options.dryRun === true,
  );
  return {
    removed,
    blobsRemoved: removed.length,
    bytesFreed: removed.reduce((sum, d) => sum + (onDisk.get(d) ?? 0), 0),
    tempsRemoved: temps.count,
    tempBytesFreed: temps.bytes,
    leasesRemoved: options.dryRun === true ? 0 : leases.stale.length,
  };
}

function toNode(root: Digest | Descriptor): WalkNode {
  return typeof root === 'string' ? { digest: root } : root;
}

async function moveToTrash(
  layout: Layout,
  doomed: readonly Digest[],
  sizes: Map<Digest, number>,
): Promise<Map<Digest, Trashed>> {
  const trashed = new Map<Digest, Trashed>();
  for (const digest of doomed) {
    const trash = layout.tempPath('trash');
    try {
      await rename(layout.blobPath(digest), trash);
      trashed.set(digest, { digest, path: trash, size: sizes.get(digest) ?? 0 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return trashed;
}

/**
 * Puts back trashed blobs that a lease taken since the first scan protects, with everything
 * they reference (the walk restores each blob before reading it).
 */
async function restoreLateLeases(
  layout: Layout,
  trashed: Map<Digest, Trashed>,
  before: ReadonlySet<Digest>,
  leaseGraceMs: number,
  ownLease: string | undefined,
): Promise<void> {
  if (trashed.size === 0) return;
  const now = await readLeases(layout, leaseGraceMs, ownLease);
  const late = [...now.digests].filter((d) => !before.has(d));
  if (late.length === 0) return;
  const restoring: WalkSource = {
    blobSize: async (d) => {
      const t = trashed.get(d);
      if (t !== undefined) {
        await link(t.path, layout.blobPath(d)).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw err; // a writer already put a fresh copy there
        });
        trashed.delete(d);
      }
      return statBlob(layout, d);
    },
    readJson: (d) => readBlobBytes(layout, d),
  };
  await walk(restoring, late.map(toNode));
}

async function cleanIngest(
  layout: Layout,
  graceMs: number,
  dryRun: boolean,
): Promise<{ count: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  const now = Date.now();
  for (const entry of await layout.listOwned('ingest')) {
    const owned = parseOwnedFileName(entry.name);
    if (!isStale(owned?.owner, entry.mtimeMs, now, graceMs)) continue;
    if (!dryRun && !(await unlinkQuietly(entry.path))) continue;
    count += 1;
    bytes += entry.size;
  }
  return { count, bytes };
}

/**
 * Layers for an image: each snapshot of a result's chain is one layer. A base image's snapshots
 * already know their blob (recorded when they were unpacked); a build step's snapshot is turned
 * into a layer the first time it is exported — its overlayfs upper directory is written as a
 * tar, hashed (the diff ID) and gzipped and hashed again (the blob digest) in one streaming pass
 * into the content store — and the result is recorded on the snapshot, so a rebuild that
 * changes nothing compresses nothing and writes no blob. A snapshot with no change at all is an
 * empty layer: the image gets none, and its history entry says `empty_layer`.
 */
import { createHash } from 'node:crypto';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import type { ContentStore } from '../content/index.js';
import { createGzip, diffOverlayUpper } from '../layer/index.js';
import { type Digest, MediaType } from '../oci/index.js';
import type { SnapshotLayer, SnapshotStore } from '../worker/snapshots/index.js';

/** Options of {@link ensureLayers}. */
export interface LayerExportOptions {
  readonly store: ContentStore;
  readonly snapshots: SnapshotStore;
  /** gzip level (default 6). */
  readonly compressionLevel?: number;
  /** Clamp file times to this (SOURCE_DATE_EPOCH), in seconds. */
  readonly sourceDateEpoch?: number;
  readonly signal?: AbortSignal;
}

const pending = new Map<string, Promise<SnapshotLayer>>();

/** The layer of every snapshot of `chain`, making the missing ones. */
export function ensureLayers(
  chain: readonly string[],
  options: LayerExportOptions,
): Promise<SnapshotLayer[]> {
  return Promise.all(chain.map((id) => ensureLayer(id, options)));
}

/** The layer of one snapshot, made once even when several exports ask at the same time. */
export function ensureLayer(id: string, options: LayerExportOptions): Promise<SnapshotLayer> {
  const key = `${options.snapshots.root} ${id} ${options.sourceDateEpoch ?? ''}`;
  let p = pending.get(key);
  if (!p) {
    p = makeLayer(id, options).finally(() => pending.delete(key));
    pending.set(key, p);
  }
  return p;
}

async function makeLayer(id: string, options: LayerExportOptions): Promise<SnapshotLayer> {
  const meta = await options.snapshots.meta(id);
  if (!meta) throw new Error(`snapshot ${id} does not exist`);
  const reusable = meta.layer && (meta.layer.pulled || options.sourceDateEpoch === undefined);
  if (meta.layer && reusable && (meta.layer.empty || (await options.store.hasBlob(meta.layer.digest)))) {
    if (!meta.layer.empty) await options.store.protect([meta.layer.digest]);
    return meta.layer;
  }
  const tar = new PassThrough({ highWaterMark: 1024 * 1024 });
  const diffHash = new HashCounter();
  const gzip = createGzip(options.compressionLevel === undefined ? {} : { level: options.compressionLevel });
  const diff = diffOverlayUpper(options.snapshots.upperDir(id), tar, {
    ...(options.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: options.sourceDateEpoch }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const compressed = tar.pipe(diffHash).pipe(gzip);
  const [result, written] = await Promise.all([diff, options.store.writeBlob(compressed)]);
  const layer: SnapshotLayer = {
    diffId: diffHash.digest(),
    digest: written.digest,
    size: written.size,
    mediaType: MediaType.OciLayerGzip,
    ...(result.entries === 0 ? { empty: true } : {}),
  };
  if (options.sourceDateEpoch === undefined) await options.snapshots.setLayer(id, layer);
  return layer;
}

/** A pass-through that hashes what goes by. */
class HashCounter extends Transform {
  private readonly hash = createHash('sha256');
  private value: Digest | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.value = `sha256:${this.hash.digest('hex')}` as Digest;
    done();
  }

  digest(): Digest {
    if (!this.value) throw new Error('the layer stream has not ended');
    return this.value;
  }
}

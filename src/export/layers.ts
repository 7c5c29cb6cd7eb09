/**
 * Layers for an image: each snapshot of a result's chain is one layer. A base image's snapshots
 * already know their blob (recorded when they were unpacked); a build step's snapshot is turned
 * into a layer the first time it is exported — its overlayfs upper directory is written as a
 * tar, hashed (the diff ID) and gzipped and hashed again (the blob digest) in one streaming pass
 * into the content store — and the result is recorded on the snapshot, so a rebuild that
 * changes nothing compresses nothing and writes no blob. A snapshot with no change at all is an
 * empty layer: the image gets none, and its history entry says `empty_layer`.
 *
 * Variants: a layer made with its file times clamped (`sourceDateEpoch`, from
 * `rewrite-timestamp=true`) or with a forced compression level is a different blob of the same
 * snapshot. Each variant is made once too and recorded next to the snapshot
 * (`<snapshot>/layers/<variant>.json`), so a rebuild with the same epoch compresses nothing.
 * Pulled layers keep their blob (the base image's), whatever the compression asked for, unless
 * `forceCompression`: then a pulled layer of another compression is recompressed from its blob
 * (decompress, check the diff ID, compress), and that blob is recorded as a variant too.
 *
 * Shared layers: the same changes made on several platforms (a COPY of the same files onto each
 * platform's base) give the same tar. Its diff ID is computed first (a tar pass without
 * compression, cheap next to gzip), and a blob already made for that diff ID and variant
 * (`<snapshots>/layers-by-diff/<variant>/<diffID>.json`, or one being made right now) is reused:
 * a three-platform build compresses such a layer once, not three times. A copy that the worker
 * wrote once and cloned for the other platforms (`cloneOf` / `cloneOrigin` in the snapshot's
 * metadata) needs no diff ID pass at all: the clones take the origin's layer, and the origin
 * is hashed and compressed in one pass.
 *
 * Compression: gzip in 1 MiB members compressed in parallel on libuv's thread pool
 * (layer/parallel-gzip.ts), zstd in a `zstd -T0` child process (layer/zstd.ts),
 * or none (the tar is the blob). `ensureLayers` makes every missing layer of a chain at once,
 * and platforms are assembled at once, so independent layers compress in parallel; nothing here
 * queues them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Transform, type TransformCallback, Writable } from 'node:stream';
import type { ContentStore } from '../content/index.js';
import { createCompressor, decompress, diffOverlayUpper } from '../layer/index.js';
import { type Digest, type LayerCompression, layerCompression, layerMediaType } from '../oci/index.js';
import type { SnapshotLayer, SnapshotStore } from '../worker/snapshots/index.js';

/** Options of {@link ensureLayers}. */
export interface LayerExportOptions {
  readonly store: ContentStore;
  readonly snapshots: SnapshotStore;
  /** How build-step layers are compressed (default gzip); pulled layers keep theirs. */
  readonly compression?: LayerCompression;
  /** gzip level (default 6). Applies to layers made now; an existing one is reused unless forced. */
  readonly compressionLevel?: number;
  /** Remake build-step layers made at another level (`force-compression=true`). */
  readonly forceCompression?: boolean;
  /** Clamp file times to this (SOURCE_DATE_EPOCH), in seconds. */
  readonly sourceDateEpoch?: number;
  readonly signal?: AbortSignal;
  /** Called as a layer's compression starts and ends (progress; tests check the overlap). */
  readonly onCompress?: (event: { readonly snapshot: string; readonly phase: 'start' | 'end' }) => void;
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
  const key = `${options.snapshots.root} ${id} ${variantKey(options)}${options.forceCompression ? ' force' : ''}`;
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
  const variant = variantKey(options);
  if (meta.layer?.pulled && needsRecompression(meta.layer, options)) {
    const level = options.compressionLevel === undefined ? '' : `-${options.compressionLevel}`;
    return recompressPulled(id, meta.layer, `pulled-${options.compression ?? 'gzip'}${level}`, options);
  }
  const known = meta.layer?.pulled || variant === '' ? meta.layer : await readVariant(options, id, variant);
  if (known && (known.empty || (await options.store.hasBlob(known.digest)))) {
    if (!known.empty) await options.store.protect([known.digest]);
    return known;
  }
  if (meta.cloneOf !== undefined && (await options.snapshots.meta(meta.cloneOf))) {
    // A clone of another platform's copy has that copy's entries: its layer, not read again.
    return recordLayer(id, variant, await ensureLayer(meta.cloneOf, options), options);
  }
  if (meta.cloneOrigin) {
    // Its equal siblings are clones that take this layer (above): one pass, hash and compress.
    const made = await compressLayer(id, options);
    if (!made.empty) await writeRecord(byDiffIdFile(made.diffId, variant, options), made);
    return recordLayer(id, variant, made, options);
  }
  // The same changes made on several platforms (a COPY of the context onto each platform's base)
  // are one layer: hash the tar first, and compress only what no other snapshot has compressed.
  const { diffId, entries } = await tarDigest(id, options);
  const layer = await sharedLayer(diffId, variant, options, async () => {
    const made = await compressLayer(id, options);
    if (made.diffId !== diffId) throw new Error(`snapshot ${id} changed while it was exported`);
    return made;
  });
  return recordLayer(id, variant, { ...layer, ...(entries === 0 ? { empty: true } : {}) }, options);
}

/** Records `layer` as the snapshot's own (variant '') or as one of its variants; returns it. */
async function recordLayer(
  id: string,
  variant: string,
  layer: SnapshotLayer,
  options: LayerExportOptions,
): Promise<SnapshotLayer> {
  if (variant === '') await options.snapshots.setLayer(id, layer);
  else await writeRecord(variantFile(options, id, variant), layer);
  return layer;
}

/** Writes a layer record atomically (a unique temporary name: several writers may race). */
async function writeRecord(file: string, layer: SnapshotLayer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify(layer));
  await rename(tmp, file);
}

const byDiffId = new Map<string, Promise<SnapshotLayer>>();

function byDiffIdFile(diffId: Digest, variant: string, options: LayerExportOptions): string {
  const dir = path.join(options.snapshots.root, 'layers-by-diff', variant || 'default');
  return path.join(dir, `${diffId.replace(':', '-')}.json`);
}

/** The blob of a layer with this diff ID in this variant: one already made, or `make` it once. */
async function sharedLayer(
  diffId: Digest,
  variant: string,
  options: LayerExportOptions,
  make: () => Promise<SnapshotLayer>,
): Promise<SnapshotLayer> {
  const file = byDiffIdFile(diffId, variant, options);
  const key = file;
  const inFlight = byDiffId.get(key);
  if (inFlight) return inFlight;
  const lookup = (async () => {
    try {
      const known = JSON.parse(await readFile(file, 'utf8')) as SnapshotLayer;
      if (await options.store.hasBlob(known.digest)) {
        await options.store.protect([known.digest]);
        return known;
      }
    } catch {
      // Not made yet.
    }
    const made = await make();
    await writeRecord(file, made);
    return made;
  })().finally(() => byDiffId.delete(key));
  byDiffId.set(key, lookup);
  return lookup;
}

/** The diff ID of a snapshot's layer and its entry count, without compressing anything. */
async function tarDigest(
  id: string,
  options: LayerExportOptions,
): Promise<{ diffId: Digest; entries: number }> {
  const hash = createHash('sha256');
  const sink = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done();
    },
  });
  const result = await diffOverlayUpper(options.snapshots.upperDir(id), sink, {
    ...(options.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: options.sourceDateEpoch }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { diffId: `sha256:${hash.digest('hex')}` as Digest, entries: result.entries };
}

/** Writes a snapshot's layer as a tar, hashed and compressed in one pass, into the store. */
async function compressLayer(id: string, options: LayerExportOptions): Promise<SnapshotLayer> {
  const tar = new PassThrough({ highWaterMark: 1024 * 1024 });
  const diffHash = new HashCounter();
  const compression = options.compression ?? 'gzip';
  const compressor =
    createCompressor(
      compression,
      options.compressionLevel === undefined ? {} : { level: options.compressionLevel },
    ) ?? new PassThrough({ highWaterMark: 1024 * 1024 });
  const diff = diffOverlayUpper(options.snapshots.upperDir(id), tar, {
    ...(options.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: options.sourceDateEpoch }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // The tar comes as 512-byte headers and small file chunks; one compression job per MiB, not per block.
  const compressed = tar
    .pipe(diffHash)
    .pipe(new Rechunk(1024 * 1024))
    .pipe(compressor);
  compressor.on('error', (err) => tar.destroy(err));
  options.onCompress?.({ snapshot: id, phase: 'start' });
  const [result, written] = await Promise.all([diff, options.store.writeBlob(compressed)]).catch(
    (err: unknown) => {
      // Stops a compressor process (zstd) that would otherwise wait on a reader that is gone.
      compressor.destroy();
      tar.destroy();
      throw err;
    },
  );
  options.onCompress?.({ snapshot: id, phase: 'end' });
  return {
    diffId: diffHash.digest(),
    digest: written.digest,
    size: written.size,
    mediaType: layerMediaType('oci', compression),
    ...(result.entries === 0 ? { empty: true } : {}),
  };
}

/** '' for the snapshot's own layer; else what makes this layer another blob of the snapshot. */
function variantKey(options: LayerExportOptions): string {
  const parts: string[] = [];
  if (options.sourceDateEpoch !== undefined) parts.push(`epoch-${options.sourceDateEpoch}`);
  const compression = options.compression ?? 'gzip';
  if (compression !== 'gzip') parts.push(compression);
  else if (options.forceCompression && options.compressionLevel !== undefined)
    parts.push(`gzip-${options.compressionLevel}`);
  if (compression === 'zstd' && options.forceCompression && options.compressionLevel !== undefined)
    parts.push(`${options.compressionLevel}`);
  return parts.join('-');
}

/** True when `force-compression` asks for another compression than a pulled layer's own. */
function needsRecompression(layer: SnapshotLayer, options: LayerExportOptions): boolean {
  if (!options.forceCompression || layer.empty) return false;
  let own: LayerCompression | undefined;
  try {
    own = layerCompression(layer.mediaType);
  } catch {
    own = undefined;
  }
  return own !== (options.compression ?? 'gzip');
}

/** A pulled layer in another compression: its blob decompressed, checked and compressed again. */
async function recompressPulled(
  id: string,
  pulled: SnapshotLayer,
  variant: string,
  options: LayerExportOptions,
): Promise<SnapshotLayer> {
  const known = await readVariant(options, id, variant);
  if (known && (await options.store.hasBlob(known.digest))) {
    await options.store.protect([known.digest]);
    return known;
  }
  const compression = options.compression ?? 'gzip';
  const { stream } = await decompress(await options.store.openBlob(pulled.digest));
  const diffHash = new HashCounter();
  const compressor =
    createCompressor(
      compression,
      options.compressionLevel === undefined ? {} : { level: options.compressionLevel },
    ) ?? new PassThrough({ highWaterMark: 1024 * 1024 });
  stream.on('error', (err) => compressor.destroy(err));
  diffHash.on('error', (err) => compressor.destroy(err));
  options.onCompress?.({ snapshot: id, phase: 'start' });
  const written = await options.store
    .writeBlob(stream.pipe(diffHash).pipe(compressor), undefined, {
      ...(options.signal ? { signal: options.signal } : {}),
    })
    .finally(() => {
      stream.destroy();
      compressor.destroy();
    });
  options.onCompress?.({ snapshot: id, phase: 'end' });
  if (diffHash.digest() !== pulled.diffId) {
    throw new Error(
      `layer ${pulled.digest} decompresses to ${diffHash.digest()}, not its diff ID ${pulled.diffId}`,
    );
  }
  const layer: SnapshotLayer = {
    diffId: pulled.diffId,
    digest: written.digest,
    size: written.size,
    mediaType: layerMediaType('oci', compression),
  };
  await writeRecord(variantFile(options, id, variant), layer);
  return layer;
}

function variantFile(options: LayerExportOptions, id: string, variant: string): string {
  return path.join(path.dirname(options.snapshots.upperDir(id)), 'layers', `${variant}.json`);
}

async function readVariant(
  options: LayerExportOptions,
  id: string,
  variant: string,
): Promise<SnapshotLayer | undefined> {
  try {
    return JSON.parse(await readFile(variantFile(options, id, variant), 'utf8')) as SnapshotLayer;
  } catch {
    return undefined;
  }
}

/** Gathers small chunks into chunks of at least `size` bytes (the last may be smaller). */
class Rechunk extends Transform {
  private parts: Buffer[] = [];
  private length = 0;

  constructor(private readonly size: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.parts.push(chunk);
    this.length += chunk.length;
    if (this.length < this.size) {
      done();
      return;
    }
    const out = Buffer.concat(this.parts, this.length);
    this.parts = [];
    this.length = 0;
    done(null, out);
  }

  override _flush(done: TransformCallback): void {
    done(null, this.length ? Buffer.concat(this.parts, this.length) : undefined);
  }
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

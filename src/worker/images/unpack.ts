/**
 * Unpacking an image's layers into snapshots, each layer once per builder: a layer is found by
 * its chain ID (the OCI image spec's digest of the diff IDs below and including it), so two
 * images sharing their bottom layers share those snapshots. A layer is applied in overlay mode
 * (whiteouts become overlayfs whiteouts) straight from the compressed blob, and its diff ID is
 * checked against the image config while it is applied.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ContentStore } from '../../content/index.js';
import { applyLayer, decompress } from '../../layer/index.js';
import type { Digest, ImageConfig, ImageManifest } from '../../oci/index.js';
import type { Reference } from '../../registry/reference/index.js';
import type { SnapshotStore } from '../snapshots/index.js';
import { LayerDiffIdMismatchError } from './errors.js';
import type { ImageFetcher } from './fetcher.js';
import { ensureBlob } from './resolve.js';

/** The chain IDs of an image's layers, bottom first. */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  let previous: string | undefined;
  for (const diffId of diffIds) {
    const id =
      previous === undefined
        ? diffId
        : `sha256:${createHash('sha256').update(`${previous} ${diffId}`).digest('hex')}`;
    out.push(id as Digest);
    previous = id;
  }
  return out;
}

/** Options of {@link unpackImage}. */
export interface UnpackOptions {
  readonly store: ContentStore;
  readonly snapshots: SnapshotStore;
  readonly fetcher: ImageFetcher | undefined;
  readonly reference: Reference;
  readonly signal?: AbortSignal;
  /** Called as each layer starts and ends, for progress. */
  readonly onLayer?: (digest: Digest, state: 'fetching' | 'unpacking' | 'done' | 'cached') => void;
  /** Bytes of a layer blob received so far, while it is fetched (`total`: its size). */
  readonly onLayerBytes?: (digest: Digest, current: number, total: number) => void;
}

const inFlight = new Map<string, Promise<string>>();

/** Unpacks `manifest`'s layers (described by `config`), returning the snapshot chain, bottom first. */
export async function unpackImage(
  manifest: ImageManifest,
  config: ImageConfig,
  options: UnpackOptions,
): Promise<string[]> {
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new Error(
      `the image has ${manifest.layers.length} layers but its config lists ${diffIds.length} diff IDs`,
    );
  }
  const ids = chainIds(diffIds);
  const chain: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const key = `${options.snapshots.root} ${ids[i]}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = unpackOne(i, ids[i]!, diffIds[i]!, manifest, chain.slice(), options).finally(() =>
        inFlight.delete(key),
      );
      inFlight.set(key, pending);
    }
    chain.push(await pending);
  }
  return chain;
}

function indexFile(snapshots: SnapshotStore, chainId: Digest): string {
  return path.join(snapshots.root, 'chains', chainId.replace(':', '-'));
}

async function unpackOne(
  index: number,
  chainId: Digest,
  diffId: Digest,
  manifest: ImageManifest,
  _below: string[],
  options: UnpackOptions,
): Promise<string> {
  const layer = manifest.layers[index]!;
  const file = indexFile(options.snapshots, chainId);
  const known = await readFile(file, 'utf8').catch(() => undefined);
  if (known && (await options.snapshots.meta(known.trim()))) {
    options.onLayer?.(layer.digest, 'cached');
    return known.trim();
  }
  options.onLayer?.(layer.digest, 'fetching');
  await ensureBlob(options.reference, layer.digest, layer.size, {
    ...options,
    ...(options.onLayerBytes
      ? { onProgress: (bytes: number) => options.onLayerBytes?.(layer.digest, bytes, layer.size) }
      : {}),
  });
  options.onLayer?.(layer.digest, 'unpacking');
  const { id, fs } = await options.snapshots.create();
  try {
    const { stream } = await decompress(await options.store.openBlob(layer.digest));
    // Destroyed whatever happens, so a decompressor process (zstd) never outlives a failed apply.
    const result = await applyLayer(fs, stream, {
      whiteouts: 'overlay',
      devices: 'create',
      ...(options.signal ? { signal: options.signal } : {}),
    }).finally(() => stream.destroy());
    if (result.diffId !== diffId)
      throw new LayerDiffIdMismatchError(options.reference.repository, layer.digest, diffId, result.diffId);
    await options.snapshots.finish(id, {
      diffId,
      digest: layer.digest,
      size: layer.size,
      mediaType: layer.mediaType,
      pulled: true,
    });
  } catch (err) {
    await options.snapshots.remove(id);
    throw err;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, id);
  await rename(tmp, file);
  options.onLayer?.(layer.digest, 'done');
  return id;
}

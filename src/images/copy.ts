/**
 * Copying a manifest or index, with everything it references, from one repository to another,
 * as `imagetools create` and `manifest push` need when their sources live elsewhere.
 *
 * Order: blobs first, then image manifests by digest, then (for an index) the index by digest,
 * so the target never names something it lacks. Within one registry a blob is mounted across
 * repositories (`mountFrom`); when the registry declines, or across registries, it streams from
 * the source to the target without touching the disk. Non-distributable (foreign) layers are
 * not copied, as registries do not hold them.
 *
 * At most two blob copies run at once: each holds one slot of the client's limiter for the
 * upload and needs a second one for its download, so a client with the default four slots can
 * never be filled with uploads that wait for downloads.
 */
import { PassThrough, type Readable } from 'node:stream';
import {
  type Descriptor,
  isIndexMediaType,
  isManifestMediaType,
  isNondistributableLayer,
  parseManifestOrIndex,
} from '../oci/index.js';
import type { RegistryClient, RepositoryRef } from '../registry/index.js';

/** What a copy reports as it goes. */
export type CopyEvent =
  | {
      readonly kind: 'blob';
      readonly descriptor: Descriptor;
      readonly status: 'exists' | 'mounted' | 'uploaded';
    }
  | { readonly kind: 'manifest'; readonly descriptor: Descriptor; readonly to: RepositoryRef };

/** Options of {@link copyManifestTree}. */
export interface CopyOptions {
  readonly client: RegistryClient;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: CopyEvent) => void;
}

const BLOB_COPIES = 2;

/** True when both name the same repository of the same registry. */
export function sameRepository(a: RepositoryRef, b: RepositoryRef): boolean {
  return a.registry === b.registry && a.repository === b.repository;
}

/**
 * Copies `d` (a manifest or an index) and what it references from `from` to `to`; a no-op when
 * both are the same repository. `bytes`, when given, are the document's exact bytes.
 */
export async function copyManifestTree(
  from: RepositoryRef,
  to: RepositoryRef,
  d: Descriptor,
  options: CopyOptions,
  bytes?: Buffer,
): Promise<void> {
  if (sameRepository(from, to)) return;
  const call = options.signal ? { signal: options.signal } : {};
  const raw = bytes ?? (await options.client.getManifest({ ...from, digest: d.digest }, call)).bytes;
  const doc = parseManifestOrIndex(raw, d.mediaType);
  if (doc.kind === 'index') {
    for (const child of doc.index.manifests) {
      if (isIndexMediaType(child.mediaType) || isManifestMediaType(child.mediaType)) {
        await copyManifestTree(from, to, child, options);
      }
    }
  } else {
    const blobs = [doc.manifest.config, ...doc.manifest.layers].filter(
      (b) => !isNondistributableLayer(b.mediaType),
    );
    await forEachLimited(blobs, BLOB_COPIES, (b) => copyBlob(from, to, b, options));
  }
  await options.client.putManifest(to, d.digest, raw, doc.mediaType, call);
  options.onEvent?.({
    kind: 'manifest',
    descriptor: { mediaType: doc.mediaType, digest: d.digest, size: raw.length },
    to,
  });
}

/** Copies one blob: mounted within a registry, else streamed from the source. */
export async function copyBlob(
  from: RepositoryRef,
  to: RepositoryRef,
  d: Descriptor,
  options: CopyOptions,
): Promise<void> {
  const signal = options.signal;
  const result = await options.client.pushBlob(
    to,
    d.digest,
    d.size,
    () => openLazily(options.client, from, d, signal),
    {
      ...(from.registry === to.registry ? { mountFrom: from.repository } : {}),
      ...(signal ? { signal } : {}),
    },
  );
  options.onEvent?.({ kind: 'blob', descriptor: d, status: result.status });
}

/** A stream of the source blob, opened when the upload reads it. */
function openLazily(
  client: RegistryClient,
  from: RepositoryRef,
  d: Descriptor,
  signal: AbortSignal | undefined,
): Readable {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  client.fetchBlob(from, d.digest, { size: d.size, ...(signal ? { signal } : {}) }).then(
    (src) => {
      src.on('error', (err) => out.destroy(err));
      out.on('close', () => src.destroy());
      src.pipe(out);
    },
    (err: Error) => out.destroy(err),
  );
  return out;
}

/** Runs `fn` over `items`, at most `limit` at a time; rejects with the first failure. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

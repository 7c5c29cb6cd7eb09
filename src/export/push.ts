/**
 * Pushing an image from the content store to a registry: every blob first (configs and layers,
 * skipping what the repository has, in parallel within the client's limit), then each platform
 * manifest by digest, then the top manifest or index under its tag. A manifest is therefore
 * never pushed before the blobs it names, and a failure leaves no tag pointing at half an image.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { ContentStore } from '../content/index.js';
import { type Descriptor, type Digest, isIndexMediaType, parseManifestOrIndex } from '../oci/index.js';
import type { ProgressSink } from '../progress/index.js';
import type { Reference, RegistryClient } from '../registry/index.js';

/** Options of {@link pushImage}. */
export interface PushOptions {
  readonly store: ContentStore;
  readonly client: RegistryClient;
  readonly signal?: AbortSignal;
  /** Progress of blob uploads, reported under this vertex digest. */
  readonly progress?: { readonly sink: ProgressSink; readonly digest: Digest };
}

const JSON_LIMIT = 8 * 1024 * 1024;

/** Pushes the image `root` names (a manifest or an index) to `target` (its tag, if any). */
export async function pushImage(root: Descriptor, target: Reference, options: PushOptions): Promise<void> {
  const repo = { registry: target.registry, repository: target.repository };
  const manifests: Descriptor[] = [];
  if (isIndexMediaType(root.mediaType)) {
    const parsed = parseManifestOrIndex(
      await options.store.readBlobBytes(root.digest, JSON_LIMIT),
      root.mediaType,
    );
    if (parsed.kind !== 'index') throw new Error(`${root.digest} is not an index`);
    manifests.push(...parsed.index.manifests.filter((m) => !isIndexMediaType(m.mediaType)));
  } else {
    manifests.push(root);
  }
  // Blobs of every manifest, deduplicated, before any manifest.
  const blobs = new Map<Digest, Descriptor>();
  for (const m of manifests) {
    const parsed = parseManifestOrIndex(await options.store.readBlobBytes(m.digest, JSON_LIMIT), m.mediaType);
    if (parsed.kind !== 'manifest') throw new Error(`${m.digest} is not a manifest`);
    for (const d of [parsed.manifest.config, ...parsed.manifest.layers]) blobs.set(d.digest, d);
  }
  await Promise.all(
    [...blobs.values()].map((d) =>
      options.client.pushBlob(repo, d.digest, d.size, () => openLazily(options.store, d.digest), {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.progress
          ? {
              onProgress: (bytes: number) =>
                options.progress?.sink({
                  type: 'status',
                  digest: options.progress.digest,
                  id: `pushing ${d.digest.slice(0, 19)}`,
                  current: bytes,
                  total: d.size,
                  time: Date.now(),
                  ...(bytes >= d.size ? { completed: true } : {}),
                }),
            }
          : {}),
      }),
    ),
  );
  const call = options.signal ? { signal: options.signal } : {};
  for (const m of manifests) {
    if (m.digest === root.digest) continue;
    await options.client.putManifest(
      repo,
      m.digest,
      await options.store.readBlobBytes(m.digest, JSON_LIMIT),
      m.mediaType,
      call,
    );
  }
  const rootBytes = await options.store.readBlobBytes(root.digest, JSON_LIMIT);
  await options.client.putManifest(
    repo,
    target.tag ?? target.digest ?? root.digest,
    rootBytes,
    root.mediaType,
    call,
  );
}

/** A stream that opens the store's blob when read (the client wants a synchronous opener). */
function openLazily(store: ContentStore, digest: Digest): Readable {
  const out = new PassThrough({ highWaterMark: 1024 * 1024 });
  store.openBlob(digest).then(
    (src) => {
      src.on('error', (err) => out.destroy(err));
      src.pipe(out);
    },
    (err: Error) => out.destroy(err),
  );
  return out;
}

/**
 * Pushing an image from the content store to a registry: every blob first (configs and layers,
 * skipping what the repository has, in parallel within the client's limit), then each platform
 * manifest by digest, then the top manifest or index under its tag. A manifest is therefore
 * never pushed before the blobs it names, and a failure leaves no tag pointing at half an image.
 *
 * Progress, as statuses of the export's vertex: `pushing layers` around the blob uploads, one
 * status per blob actually uploaded (its digest, bytes and total; blobs the registry has show
 * none), and `pushing manifest for NAME@DIGEST` around the manifests.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { ContentStore } from '../content/index.js';
import { type Descriptor, type Digest, isIndexMediaType, parseManifestOrIndex } from '../oci/index.js';
import { type ProgressSink, StatusReporter } from '../progress/index.js';
import { formatReference, type Reference, type RegistryClient } from '../registry/index.js';

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
  if (target.tag !== undefined && (await originHas(root, target, options))) {
    // The tag already names this very image: a registry keeps every blob and manifest a
    // tagged manifest refers to, so there is nothing to upload (a no-change rebuild).
    reportUpToDate(root, target, options);
    return;
  }
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
  const progress = options.progress;
  const layers = progress ? new StatusReporter(progress.sink, progress.digest, 'pushing layers') : undefined;
  await Promise.all(
    [...blobs.values()].map(async (d) => {
      let upload: StatusReporter | undefined;
      await options.client.pushBlob(repo, d.digest, d.size, () => openLazily(options.store, d.digest), {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(progress
          ? {
              onProgress: (bytes: number) => {
                upload ??= new StatusReporter(progress.sink, progress.digest, d.digest, {
                  total: d.size,
                  announce: false,
                });
                upload.update(bytes);
              },
            }
          : {}),
      });
      upload?.complete(d.size);
    }),
  );
  layers?.complete(0);
  const name = pushedName(root, target);
  const manifestStatus = progress
    ? new StatusReporter(progress.sink, progress.digest, `pushing manifest for ${name}`)
    : undefined;
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
  manifestStatus?.complete(0);
}

/** True when the origin's tag already names `root` (a failed lookup is a no: push anyway). */
async function originHas(root: Descriptor, target: Reference, options: PushOptions): Promise<boolean> {
  try {
    const found = await options.client.headManifestAtOrigin(
      { registry: target.registry, repository: target.repository, tag: target.tag as string },
      options.signal ? { signal: options.signal } : {},
    );
    return found?.digest === root.digest;
  } catch (err) {
    if (options.signal?.aborted) throw err;
    return false;
  }
}

/** The statuses a push shows, for a push that had nothing to send. */
function reportUpToDate(root: Descriptor, target: Reference, options: PushOptions): void {
  const progress = options.progress;
  if (!progress) return;
  new StatusReporter(progress.sink, progress.digest, 'pushing layers').complete(0);
  new StatusReporter(
    progress.sink,
    progress.digest,
    `pushing manifest for ${pushedName(root, target)}`,
  ).complete(0);
}

/** `NAME:TAG@DIGEST`, as the push's manifest status names it. */
function pushedName(root: Descriptor, target: Reference): string {
  return `${formatReference({ ...target, digest: undefined })}@${root.digest}`;
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

/**
 * Base images for builds: resolve a reference for one platform (image store first, then the
 * registry unless told to pull), keep its manifest, config and layers in the content store, and
 * unpack its layers into snapshots, each once. The reference handed to the build graph is pinned
 * to the digest that was resolved (`name@sha256:…`), so a graph names exactly one image.
 */
import type { ContentStore } from '../../content/index.js';
import {
  type Descriptor,
  type Digest,
  type ImageConfig,
  type ImageManifest,
  parseImageConfig,
  parseManifestOrIndex,
} from '../../oci/index.js';
import { bestMatch, formatPlatform, normalize, type Platform } from '../../platform/index.js';
import { formatReference, parseReference, type Reference } from '../../registry/reference/index.js';
import { ImageUnavailableError, PlatformNotInImageError } from './errors.js';
import type { ImageFetcher } from './fetcher.js';

/** An image resolved for one platform. */
export interface ResolvedBaseImage {
  /** `name@digest` of what the reference named (an index or a manifest). */
  readonly pinned: string;
  readonly reference: Reference;
  readonly manifestDigest: Digest;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
}

/** Options of {@link resolveBaseImage}. */
export interface ResolveBaseOptions {
  readonly store: ContentStore;
  readonly fetcher: ImageFetcher | undefined;
  /** Skip the store's names and ask the registry (`--pull`). */
  readonly pull?: boolean;
  readonly signal?: AbortSignal;
}

const JSON_LIMIT = 8 * 1024 * 1024;

/** Resolves `refText` for `platform`, storing what it reads. */
export async function resolveBaseImage(
  refText: string,
  platform: Platform,
  options: ResolveBaseOptions,
): Promise<ResolvedBaseImage> {
  const reference = parseReference(refText);
  const name = formatReference({
    ...reference,
    digest: undefined,
    tag: reference.tag ?? (reference.digest ? undefined : 'latest'),
  });
  try {
    const top = await topDescriptor(reference, options);
    const pinnedRef: Reference = { ...reference, tag: undefined, digest: top.digest };
    const manifestDigest = await platformManifest(
      pinnedRef,
      top.digest,
      platform,
      options,
      formatReference(reference),
    );
    const manifest = (await readDocument(pinnedRef, manifestDigest, options)) as {
      kind: 'manifest';
      manifest: ImageManifest;
    };
    const configBytes = await readBlob(pinnedRef, manifest.manifest.config.digest, options);
    const config = parseImageConfig(configBytes);
    const base = name.replace(/:[^:/@]+$/, '');
    return {
      pinned: `${reference.tag ? `${base}:${reference.tag}` : base}@${top.digest}`,
      reference,
      manifestDigest,
      manifest: manifest.manifest,
      config,
    };
  } catch (err) {
    if (err instanceof PlatformNotInImageError) throw err;
    throw new ImageUnavailableError(formatReference(reference), err);
  }
}

async function topDescriptor(reference: Reference, options: ResolveBaseOptions): Promise<{ digest: Digest }> {
  if (reference.digest) return { digest: reference.digest as Digest };
  if (!options.pull) {
    const named: Descriptor | undefined = await options.store.getName(formatReference(reference));
    if (named) return { digest: named.digest };
  }
  if (!options.fetcher) throw new Error('not in the image store, and no registry access was configured');
  const fetched = await options.fetcher.fetchManifest(reference, options.signal);
  await options.store.writeBlob(fetched.bytes, { digest: fetched.digest, size: fetched.bytes.length });
  return { digest: fetched.digest };
}

async function platformManifest(
  ref: Reference,
  digest: Digest,
  platform: Platform,
  options: ResolveBaseOptions,
  shown: string,
): Promise<Digest> {
  const doc = await readDocument(ref, digest, options);
  if (doc.kind === 'manifest') return digest;
  const candidates = doc.index.manifests.map((m) => ({
    descriptor: m,
    platform: m.platform
      ? normalize({
          os: m.platform.os,
          architecture: m.platform.architecture,
          ...(m.platform.variant ? { variant: m.platform.variant } : {}),
        })
      : undefined,
  }));
  const best = bestMatch(
    platform,
    candidates.filter((c) => c.platform && c.platform.os !== 'unknown'),
  );
  if (!best) {
    const available = candidates.flatMap((c) =>
      c.platform && c.platform.os !== 'unknown' ? [formatPlatform(c.platform)] : [],
    );
    throw new PlatformNotInImageError(shown, formatPlatform(platform), available);
  }
  return best.descriptor.digest;
}

/** Reads a manifest or index from the store, fetching it first when missing. */
async function readDocument(ref: Reference, digest: Digest, options: ResolveBaseOptions) {
  if (!(await options.store.hasBlob(digest))) {
    if (!options.fetcher) throw new Error(`manifest ${digest} is not in the image store`);
    const fetched = await options.fetcher.fetchManifest({ ...ref, digest }, options.signal);
    await options.store.writeBlob(fetched.bytes, { digest, size: fetched.bytes.length });
  }
  return parseManifestOrIndex(await options.store.readBlobBytes(digest, JSON_LIMIT));
}

/** Reads a small blob (a config) from the store, fetching it first when missing. */
async function readBlob(ref: Reference, digest: Digest, options: ResolveBaseOptions): Promise<Buffer> {
  await ensureBlob(ref, digest, undefined, options);
  return options.store.readBlobBytes(digest, JSON_LIMIT);
}

/**
 * Makes sure a blob is in the store, streaming it from the registry when it is not. Returns
 * whether it was fetched; `onProgress` hears the bytes written as they arrive.
 */
export async function ensureBlob(
  ref: Reference,
  digest: Digest,
  size: number | undefined,
  options: Pick<ResolveBaseOptions, 'store' | 'fetcher' | 'signal'> & {
    readonly onProgress?: (bytes: number) => void;
  },
): Promise<boolean> {
  if (await options.store.hasBlob(digest)) {
    await options.store.protect([digest]);
    return false;
  }
  if (!options.fetcher) throw new Error(`blob ${digest} is not in the image store`);
  const stream = await options.fetcher.fetchBlob(ref, digest, options.signal);
  await options.store.writeBlob(
    stream,
    { digest, ...(size === undefined ? {} : { size }) },
    {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    },
  );
  return true;
}

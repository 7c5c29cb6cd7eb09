/**
 * Helpers of the content store tests: temp stores and small synthetic images built with the
 * public APIs (layers are seeded pseudo-random bytes: the store never looks inside them).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ContentStore, openContentStore } from '../../../src/content/index.js';
import {
  type Descriptor,
  type Digest,
  encodeConfig,
  encodeIndex,
  encodeManifest,
  MediaType,
  type OciPlatform,
  sha256Digest,
} from '../../../src/oci/index.js';

/** A fresh temp directory; remove it with `rm(dir, { recursive: true })`. */
export async function tempDir(prefix = 'manifold-content-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** Runs `fn` with a store in a fresh temp dir, then closes and removes it. */
export async function withStore<T>(fn: (store: ContentStore, dir: string) => Promise<T>): Promise<T> {
  const dir = await tempDir();
  const store = await openContentStore(path.join(dir, 'store'));
  try {
    return await fn(store, dir);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Deterministic pseudo-random bytes of a seed. */
export function seededBytes(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let off = 0; off < size; off += block.length) {
    block.copy(out, off, 0, Math.min(block.length, size - off));
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** The pieces of a synthetic single-platform image. */
export interface TestImage {
  readonly manifest: Descriptor;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  /** Every blob's bytes, to write or leave out. */
  readonly blobs: ReadonlyMap<Digest, Buffer>;
}

/** Builds (does not store) an image with `layers` seeded layers of `layerSize` bytes each. */
export function buildImage(
  seed: string,
  options: {
    layers?: number;
    layerSize?: number;
    platform?: OciPlatform;
    created?: string;
    shared?: Buffer;
  } = {},
): TestImage {
  const blobs = new Map<Digest, Buffer>();
  const put = (mediaType: string, bytes: Buffer): Descriptor => {
    const digest = sha256Digest(bytes);
    blobs.set(digest, bytes);
    return { mediaType, digest, size: bytes.length };
  };
  const layers: Descriptor[] = [];
  if (options.shared !== undefined) layers.push(put(MediaType.OciLayerGzip, options.shared));
  for (let i = 0; i < (options.layers ?? 1); i++) {
    layers.push(put(MediaType.OciLayerGzip, seededBytes(`${seed}/layer${i}`, options.layerSize ?? 1000)));
  }
  const platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
  const config = put(
    MediaType.OciConfig,
    encodeConfig({
      ...(options.created === undefined ? {} : { created: options.created }),
      ...platform,
      config: { Labels: { seed } },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    }),
  );
  const manifest = put(
    MediaType.OciManifest,
    encodeManifest({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers }),
  );
  return { manifest, config, layers, blobs };
}

/** An index over images, with each entry's platform. */
export function buildIndex(images: readonly { image: TestImage; platform: OciPlatform }[]): {
  index: Descriptor;
  bytes: Buffer;
} {
  const bytes = encodeIndex({
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: images.map(({ image, platform }) => ({ ...image.manifest, platform })),
  });
  return { index: { mediaType: MediaType.OciIndex, digest: sha256Digest(bytes), size: bytes.length }, bytes };
}

/** Writes the image's blobs, except those in `skip`. */
export async function storeImage(
  store: ContentStore,
  image: TestImage,
  skip: ReadonlySet<Digest> = new Set(),
): Promise<void> {
  for (const [digest, bytes] of image.blobs) {
    if (!skip.has(digest)) await store.writeBlob(bytes, { digest, size: bytes.length });
  }
}

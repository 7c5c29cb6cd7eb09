/**
 * Helpers of the output tests: a temp content store holding a small real image (gzip tar
 * layers, configs, manifests and, for several platforms, an index) written with the public
 * APIs, and temp directories.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { type ContentStore, openContentStore } from '../../../src/content/index.js';
import type { PlatformImage } from '../../../src/export/index.js';
import type { AssembledImage } from '../../../src/export/outputs/index.js';
import { TarWriter } from '../../../src/layer/index.js';
import {
  type Descriptor,
  encodeConfig,
  encodeIndex,
  encodeManifest,
  type ImageConfig,
  MediaType,
  sha256Digest,
} from '../../../src/oci/index.js';
import { type Platform, parsePlatform } from '../../../src/platform/index.js';

/** A fresh temp directory. */
export function tempDir(prefix = 'manifold-outputs-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** Runs `fn` with a store in a fresh temp dir, then closes and removes both. */
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

/** A tar holding one file, as bytes. */
async function tarOf(name: string, content: string): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const tar = new TarWriter(out);
  await tar.add({ name, type: 'file', size: Buffer.byteLength(content), mode: 0o644 }, Buffer.from(content));
  await tar.finish();
  return Buffer.concat(chunks);
}

/** Stores a real image for `platforms` (an index when several) and describes it as an export does. */
export async function storeTestImage(
  store: ContentStore,
  platforms: readonly string[],
  options: { docker?: boolean } = {},
): Promise<AssembledImage> {
  const docker = options.docker === true;
  const images: PlatformImage[] = [];
  for (const spec of platforms) {
    const platform: Platform = parsePlatform(spec);
    const tar = await tarOf('hello.txt', `hello from ${spec}\n`);
    const layerBytes = gzipSync(tar);
    const layer = await store.writeBlob(layerBytes);
    const config: ImageConfig = {
      created: '2024-01-01T00:00:00Z',
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: { Cmd: ['cat', '/hello.txt'] },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
      history: [{ created: '2024-01-01T00:00:00Z', created_by: 'COPY hello.txt /' }],
    };
    const configBlob = await store.writeBlob(encodeConfig(config));
    const layers: Descriptor[] = [
      {
        mediaType: docker ? MediaType.DockerLayerGzip : MediaType.OciLayerGzip,
        digest: layer.digest,
        size: layer.size,
      },
    ];
    const manifestBytes = encodeManifest({
      schemaVersion: 2,
      mediaType: docker ? MediaType.DockerManifest : MediaType.OciManifest,
      config: {
        mediaType: docker ? MediaType.DockerConfig : MediaType.OciConfig,
        digest: configBlob.digest,
        size: configBlob.size,
      },
      layers,
    });
    const manifest = await store.writeBlob(manifestBytes);
    images.push({
      platform,
      descriptor: {
        mediaType: docker ? MediaType.DockerManifest : MediaType.OciManifest,
        digest: manifest.digest,
        size: manifest.size,
        platform: {
          os: platform.os,
          architecture: platform.architecture,
          ...(platform.variant ? { variant: platform.variant } : {}),
        },
      },
      configDigest: configBlob.digest,
      config,
      layers,
    });
  }
  if (images.length === 1) {
    const { platform: _p, ...descriptor } = images[0]!.descriptor;
    return { descriptor, images, configDigest: images[0]!.configDigest, created: '2024-01-01T00:00:00Z' };
  }
  const mediaType = docker ? MediaType.DockerManifestList : MediaType.OciIndex;
  const index = await store.writeBlob(
    encodeIndex({ schemaVersion: 2, mediaType, manifests: images.map((i) => i.descriptor) }),
  );
  return {
    descriptor: { mediaType, digest: index.digest, size: index.size },
    images,
    created: '2024-01-01T00:00:00Z',
  };
}

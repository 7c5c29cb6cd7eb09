/**
 * `push`: sends an image of the store to the registry its name says, through `pushImage`
 * (blobs first, then manifests by digest, then the tag), so a failed push leaves no tag
 * pointing at half an image.
 *
 * A local index must be complete (every manifest and blob present) to be pushed whole; one that
 * was pulled for some platforms only is refused with the platforms it has and lacks. With a
 * platform, only that platform's manifest is pushed (under the same tag), as `docker push
 * --platform` does.
 */
import type { ImageStore } from '../content/index.js';
import { pushImage } from '../export/index.js';
import { type Descriptor, isIndexMediaType, parseManifestOrIndex } from '../oci/index.js';
import { bestMatch, normalize, type Platform } from '../platform/index.js';
import { formatReference, type RegistryClient } from '../registry/index.js';
import { PartialImageError, PlatformNotInIndexError } from './errors.js';
import { imageName } from './names.js';
import { fromOciPlatform, isAttestationEntry, platformKey } from './platforms.js';

/** Options of {@link pushStoredImage}. */
export interface PushStoredOptions {
  readonly store: ImageStore;
  readonly client: RegistryClient;
  /** Push only this platform's manifest of an index. */
  readonly platform?: Platform;
  readonly signal?: AbortSignal;
}

/** What a push sent. */
export interface PushStoredResult {
  /** The store name pushed. */
  readonly name: string;
  /** Repository pushed to, `registry/repository`. */
  readonly repository: string;
  /** The tag set, or undefined for a push by digest. */
  readonly tag: string | undefined;
  /** The manifest or index the tag now points to. */
  readonly descriptor: Descriptor;
}

const JSON_LIMIT = 8 << 20;

/** Pushes the stored image `ref` (see the module comment). @throws ImageNotFoundError, PartialImageError */
export async function pushStoredImage(ref: string, options: PushStoredOptions): Promise<PushStoredResult> {
  const { reference, name } = imageName(ref);
  const stored = stripName(await options.store.resolve(name));
  const root = await selectRoot(name, stored, options);
  await pushImage(root, reference, {
    store: options.store.content,
    client: options.client,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return {
    name,
    repository: formatReference({ registry: reference.registry, repository: reference.repository }),
    tag: reference.digest === undefined ? (reference.tag ?? 'latest') : undefined,
    descriptor: root,
  };
}

/** The descriptor to push: the stored one, or one platform's manifest of an index. */
async function selectRoot(name: string, stored: Descriptor, options: PushStoredOptions): Promise<Descriptor> {
  if (!isIndexMediaType(stored.mediaType)) return stored;
  const content = options.store.content;
  const parsed = parseManifestOrIndex(
    await content.readBlobBytes(stored.digest, JSON_LIMIT),
    stored.mediaType,
  );
  if (parsed.kind !== 'index') return stored;
  const present: { descriptor: Descriptor; platform: Platform }[] = [];
  const missing: string[] = [];
  for (const child of parsed.index.manifests) {
    const label =
      child.platform && !isAttestationEntry(child)
        ? platformKey(fromOciPlatform(child.platform))
        : 'attestation';
    if (await isComplete(child, options.store)) {
      if (child.platform && !isAttestationEntry(child)) {
        present.push({ descriptor: child, platform: normalize(fromOciPlatform(child.platform)) });
      }
    } else {
      missing.push(label);
    }
  }
  if (options.platform !== undefined) {
    const best = bestMatch(options.platform, present);
    if (best === undefined)
      throw new PlatformNotInIndexError(
        `${name} (in the image store)`,
        platformKey(options.platform),
        present.map((p) => platformKey(p.platform)),
      );
    const { platform: _p, annotations: _a, ...bare } = best.descriptor;
    return bare;
  }
  if (missing.length > 0)
    throw new PartialImageError(
      name,
      present.map((p) => platformKey(p.platform)),
      missing,
    );
  return stored;
}

/** True when a manifest (or nested index) and everything it references are in the store. */
async function isComplete(d: Descriptor, store: ImageStore): Promise<boolean> {
  const content = store.content;
  if (!(await content.hasBlob(d.digest))) return false;
  const parsed = parseManifestOrIndex(await content.readBlobBytes(d.digest, JSON_LIMIT), d.mediaType);
  if (parsed.kind === 'index') {
    for (const child of parsed.index.manifests) if (!(await isComplete(child, store))) return false;
    return true;
  }
  for (const b of [parsed.manifest.config, ...parsed.manifest.layers]) {
    if (!(await content.hasBlob(b.digest))) return false;
  }
  return true;
}

/** The descriptor without the store's name annotations. */
function stripName(d: Descriptor): Descriptor {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}

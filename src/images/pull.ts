/**
 * `pull`: copies an image from a registry into the image store and names it.
 *
 * - A single-platform manifest is pulled whole (manifest, config, layers). With explicit
 *   platforms, it must match one of them (`E_IMAGE_PLATFORM_MISMATCH`).
 * - An index (manifest list) is stored as is, with the manifests of the platforms asked for
 *   (default: the host's), each the best match by containerd's rules (arm/v7 accepts v6, …);
 *   the name then points at a partial index, as containerd's pull does. `allPlatforms` pulls
 *   every manifest, attestations and nested indexes included. A platform the index lacks is an
 *   error listing the platforms it has.
 * - Blobs already in the store are not fetched again; every fetched blob is verified against
 *   its digest and size while it streams into the store, so a corrupt one stores nothing.
 * - The name is set last, once every blob is present, so an interrupted pull names nothing.
 */
import type { ImageStore } from '../content/index.js';
import {
  type Descriptor,
  type Digest,
  isIndexMediaType,
  isManifestMediaType,
  type ParsedManifestOrIndex,
  parseManifestOrIndex,
} from '../oci/index.js';
import { bestMatch, hostPlatform, matchRank, normalize, type Platform } from '../platform/index.js';
import { formatReference, type RegistryClient, type RepositoryRef } from '../registry/index.js';
import { PlatformMismatchError, PlatformNotInIndexError } from './errors.js';
import { imageName } from './names.js';
import { configPlatform, fromOciPlatform, isAttestationEntry, platformKey } from './platforms.js';

/** What a pull reports as it goes. */
export type PullEvent =
  | { readonly kind: 'resolved'; readonly descriptor: Descriptor }
  | { readonly kind: 'blob'; readonly descriptor: Descriptor; readonly status: 'exists' | 'fetched' };

/** Options of {@link pullImage}. */
export interface PullOptions {
  readonly store: ImageStore;
  readonly client: RegistryClient;
  /** Platforms to take from an index; default the host's. */
  readonly platforms?: readonly Platform[];
  /** Take every manifest of an index. */
  readonly allPlatforms?: boolean;
  /** The host platform (default: detected). */
  readonly host?: Platform;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: PullEvent) => void;
}

/** What a pull did. */
export interface PullResult {
  /** The store name, such as `docker.io/library/alpine:latest`. */
  readonly name: string;
  /** What the name points to: the registry's manifest or index. */
  readonly descriptor: Descriptor;
  /** Platforms of the image manifests pulled. */
  readonly platforms: readonly Platform[];
  /** `up-to-date` when the name already pointed there and nothing had to be fetched. */
  readonly status: 'downloaded' | 'up-to-date';
  readonly blobsFetched: number;
  readonly bytesFetched: number;
}

const JSON_LIMIT = 8 << 20;

/** Pulls `ref` into the store (see the module comment). */
export async function pullImage(ref: string, options: PullOptions): Promise<PullResult> {
  const { reference, name } = imageName(ref);
  const repo: RepositoryRef = { registry: reference.registry, repository: reference.repository };
  const call = options.signal ? { signal: options.signal } : {};
  const top = await options.client.getManifest(
    reference.digest !== undefined
      ? { ...repo, digest: reference.digest }
      : { ...repo, tag: reference.tag ?? 'latest' },
    call,
  );
  const root: Descriptor = { mediaType: top.mediaType, digest: top.digest, size: top.size };
  options.onEvent?.({ kind: 'resolved', descriptor: root });
  const ctx = new PullContext(repo, options);
  await ctx.storeDocument(root, top.bytes);
  const parsed = parseManifestOrIndex(top.bytes, top.mediaType);
  const shown = formatReference(reference);
  let platforms: Platform[];
  let partial = false;
  if (parsed.kind === 'manifest') {
    const platform = await ctx.pullManifest(root, parsed);
    if (
      options.platforms !== undefined &&
      !options.platforms.some((p) => matchRank(p, platform) !== undefined)
    ) {
      throw new PlatformMismatchError(
        shown,
        options.platforms.map(platformKey).join(', '),
        platformKey(platform),
      );
    }
    platforms = [platform];
  } else if (options.allPlatforms === true) {
    platforms = await ctx.pullIndexWhole(parsed);
  } else {
    const wanted = options.platforms ?? [options.host ?? hostPlatform()];
    const chosen = chooseManifests(parsed.index.manifests, wanted, shown);
    platforms = [];
    for (const d of chosen) platforms.push(await ctx.pullManifestByDescriptor(d));
    partial = chosen.length < parsed.index.manifests.length;
  }
  const previous = await options.store.putImage(name, root, { partial });
  const status = previous?.digest === root.digest && ctx.blobsFetched === 0 ? 'up-to-date' : 'downloaded';
  return {
    name,
    descriptor: root,
    platforms,
    status,
    blobsFetched: ctx.blobsFetched,
    bytesFetched: ctx.bytesFetched,
  };
}

/** The best entry of `entries` for each wanted platform, deduplicated, in the index's order. */
function chooseManifests(
  entries: readonly Descriptor[],
  wanted: readonly Platform[],
  shown: string,
): Descriptor[] {
  const candidates = entries
    .filter((d) => isManifestMediaType(d.mediaType) && d.platform !== undefined && !isAttestationEntry(d))
    .map((d) => ({
      descriptor: d,
      platform: normalize(fromOciPlatform(d.platform as NonNullable<Descriptor['platform']>)),
    }));
  const chosen = new Set<Digest>();
  for (const p of wanted) {
    const best = bestMatch(p, candidates);
    if (best === undefined) {
      throw new PlatformNotInIndexError(shown, platformKey(p), [
        ...new Set(candidates.map((c) => platformKey(c.platform))),
      ]);
    }
    chosen.add(best.descriptor.digest);
  }
  return entries.filter((d) => chosen.has(d.digest));
}

/** Fetching state of one pull: counts, and blobs already handled. */
class PullContext {
  blobsFetched = 0;
  bytesFetched = 0;
  readonly #done = new Map<Digest, Promise<void>>();

  constructor(
    readonly repo: RepositoryRef,
    readonly options: PullOptions,
  ) {}

  /** Stores a manifest or index fetched whole. */
  async storeDocument(d: Descriptor, bytes: Buffer): Promise<void> {
    const w = await this.options.store.content.writeBlob(bytes, { digest: d.digest, size: bytes.length });
    if (!w.written) await this.options.store.content.protect([d.digest]);
  }

  /** Pulls an image manifest named by an index entry; returns its platform. */
  async pullManifestByDescriptor(d: Descriptor): Promise<Platform> {
    const parsed = parseManifestOrIndex(await this.#document(d), d.mediaType);
    if (parsed.kind !== 'manifest')
      return (await this.pullIndexWhole(parsed))[0] ?? { os: 'unknown', architecture: 'unknown' };
    const platform = await this.pullManifest(d, parsed);
    return d.platform !== undefined ? fromOciPlatform(d.platform) : platform;
  }

  /** Pulls the config and layers of a manifest; returns the config's platform. */
  async pullManifest(d: Descriptor, parsed: ParsedManifestOrIndex): Promise<Platform> {
    if (parsed.kind !== 'manifest') throw new Error(`${d.digest} is not an image manifest`);
    const { config, layers } = parsed.manifest;
    await Promise.all([config, ...layers].map((b) => this.#blob(b)));
    try {
      return configPlatform(await this.options.store.content.readBlobBytes(config.digest, JSON_LIMIT));
    } catch {
      // Not an image config (an attestation's, an artifact's): no platform.
      return { os: 'unknown', architecture: 'unknown' };
    }
  }

  /** Pulls every manifest of an index, nested indexes included; returns the image platforms. */
  async pullIndexWhole(parsed: ParsedManifestOrIndex): Promise<Platform[]> {
    if (parsed.kind !== 'index') return [];
    const out: Platform[] = [];
    for (const child of parsed.index.manifests) {
      if (isIndexMediaType(child.mediaType)) {
        out.push(
          ...(await this.pullIndexWhole(parseManifestOrIndex(await this.#document(child), child.mediaType))),
        );
      } else if (isManifestMediaType(child.mediaType)) {
        const platform = await this.pullManifestByDescriptor(child);
        if (!isAttestationEntry(child)) out.push(platform);
      }
    }
    return out;
  }

  /** A manifest or index by digest: from the store, else fetched and stored. */
  async #document(d: Descriptor): Promise<Buffer> {
    const store = this.options.store.content;
    if (await store.hasBlob(d.digest)) {
      await store.protect([d.digest]);
    } else {
      const m = await this.options.client.getManifest(
        { ...this.repo, digest: d.digest },
        this.options.signal ? { signal: this.options.signal } : {},
      );
      await this.storeDocument(d, m.bytes);
    }
    return store.readBlobBytes(d.digest, JSON_LIMIT);
  }

  /** Makes sure a blob is in the store, fetching it once per pull. */
  #blob(d: Descriptor): Promise<void> {
    let p = this.#done.get(d.digest);
    if (p === undefined) {
      p = this.#fetchBlob(d);
      this.#done.set(d.digest, p);
    }
    return p;
  }

  async #fetchBlob(d: Descriptor): Promise<void> {
    const store = this.options.store.content;
    if (await store.hasBlob(d.digest)) {
      await store.protect([d.digest]);
      this.options.onEvent?.({ kind: 'blob', descriptor: d, status: 'exists' });
      return;
    }
    const signal = this.options.signal;
    const stream = await this.options.client.fetchBlob(this.repo, d.digest, {
      size: d.size,
      ...(signal ? { signal } : {}),
    });
    try {
      await store.writeBlob(stream, { digest: d.digest, size: d.size }, signal ? { signal } : {});
    } finally {
      stream.destroy();
    }
    this.blobsFetched++;
    this.bytesFetched += d.size;
    this.options.onEvent?.({ kind: 'blob', descriptor: d, status: 'fetched' });
  }
}

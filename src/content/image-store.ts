/**
 * The image store: named images on top of the content store, what `images`, `tag` and `rmi`
 * show and change.
 *
 * - `putImage` names an image only when every blob it references is in the store (checked under
 *   the index lock), so a name never points at half an image. `partial` allows an index whose
 *   other platforms were not pulled.
 * - `remove` (rmi) drops the name, then frees the blobs of that image that nothing else (other
 *   names, the caller's extra roots such as the build cache, live leases) still references.
 * - `images` summarizes each name: digest and media type of what it points to; platforms of the
 *   image manifests present locally (an index entry's platform, else its config's; attestation
 *   manifests are left out); size, the sum of the unique blobs present under it; created, the
 *   latest `created` among its configs.
 */
import {
  Annotation,
  ATTESTATION_MANIFEST_REFERENCE_TYPE,
  type Descriptor,
  type Digest,
  isIndexMediaType,
  isManifestMediaType,
  type OciPlatform,
} from '../oci/index.js';
import type { Platform } from '../platform/index.js';
import { type ContentStore, type ContentStoreOptions, openContentStore } from './content-store.js';
import { ImageNotFoundError } from './errors.js';
import type { GcResult } from './gc.js';
import { documentChildren, documentConfig, type WalkNode, walk } from './walk.js';

/** One line of `images`. */
export interface ImageSummary {
  /** Full reference, such as `docker.io/library/alpine:latest`. */
  readonly name: string;
  readonly digest: Digest;
  readonly mediaType: string;
  /** Platforms of the image manifests present locally, in index order. */
  readonly platforms: readonly Platform[];
  /** Bytes of the unique blobs present under the name (index, manifests, configs, layers). */
  readonly size: number;
  /** Latest `created` (RFC 3339) among the image's configs, if any has one. */
  readonly created?: string;
}

/** Options of `putImage`. */
export interface PutImageOptions {
  /** Allow an index some of whose manifests are absent (at least one must be complete). */
  readonly partial?: boolean;
}

/** Options of `remove`. */
export interface RemoveImageOptions {
  /** Blobs other parts of Manifold still need (the build cache's), kept with what they reference. */
  readonly roots?: readonly (Digest | Descriptor)[];
}

/** What `remove` did. */
export interface RemoveImageResult {
  /** What the name pointed to. */
  readonly descriptor: Descriptor;
  /** The blobs freed. */
  readonly gc: GcResult;
}

/** Opens the image store at `root` (an OCI image layout, created on first use). */
export async function openImageStore(root: string, options: ContentStoreOptions = {}): Promise<ImageStore> {
  return new ImageStore(await openContentStore(root, options));
}

/** Named images over a content store. */
export class ImageStore {
  /** The blobs and names underneath. */
  readonly content: ContentStore;

  constructor(content: ContentStore) {
    this.content = content;
  }

  /** The descriptor named `name`. @throws ImageNotFoundError */
  async resolve(name: string): Promise<Descriptor> {
    const found = await this.content.getName(name);
    if (found !== undefined) return found;
    throw new ImageNotFoundError(
      name,
      (await this.content.listNames()).map((n) => n.name),
    );
  }

  /**
   * Names a stored image; returns what the name pointed to before.
   * @throws IncompleteImageError when a blob it references is missing; InvalidImageNameError.
   */
  putImage(
    name: string,
    descriptor: Descriptor,
    options: PutImageOptions = {},
  ): Promise<Descriptor | undefined> {
    return this.content.setName(name, descriptor, {
      check: options.partial === true ? 'partial' : 'complete',
    });
  }

  /** Gives the image named `source` the name `target` too. @throws ImageNotFoundError */
  async tag(source: string, target: string): Promise<Descriptor> {
    const descriptor = await this.resolve(source);
    await this.content.setName(target, descriptor);
    return descriptor;
  }

  /** rmi: removes the name, then frees what only that image used. @throws ImageNotFoundError */
  async remove(name: string, options: RemoveImageOptions = {}): Promise<RemoveImageResult> {
    const descriptor = await this.content.removeName(name);
    if (descriptor === undefined) {
      throw new ImageNotFoundError(
        name,
        (await this.content.listNames()).map((n) => n.name),
      );
    }
    const gc = await this.content.gc({ scope: [descriptor], roots: options.roots ?? [] });
    return { descriptor, gc };
  }

  /** Every named image, sorted by name. */
  async images(): Promise<ImageSummary[]> {
    const out: ImageSummary[] = [];
    const configs = new Map<Digest, Promise<ConfigFacts>>();
    for (const { name, descriptor } of await this.content.listNames()) {
      out.push(await this.#summarize(name, descriptor, configs));
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async #summarize(
    name: string,
    root: Descriptor,
    configs: Map<Digest, Promise<ConfigFacts>>,
  ): Promise<ImageSummary> {
    let size = 0;
    await walk(
      { blobSize: (d) => this.#sizeOrUndefined(d), readJson: (d) => this.content.readBlobBytes(d) },
      [root],
      { present: (_node, bytes) => (size += bytes) },
    );
    const platforms: Platform[] = [];
    let created: string | undefined;
    for (const image of await this.#imageManifests(root)) {
      const facts = await this.#configFacts(image.digest, configs);
      if (facts === undefined) continue;
      platforms.push(image.platform === undefined ? facts.platform : toPlatform(image.platform));
      if (facts.created !== undefined && (created === undefined || later(facts.created, created))) {
        created = facts.created;
      }
    }
    const summary = { name, digest: root.digest, mediaType: root.mediaType, platforms, size };
    return created === undefined ? summary : { ...summary, created };
  }

  /** The image manifests present under `root` (itself, or an index's non-attestation entries). */
  async #imageManifests(root: WalkNode): Promise<WalkNode[]> {
    if (root.mediaType !== undefined && isManifestMediaType(root.mediaType)) return [root];
    if (root.mediaType === undefined || !isIndexMediaType(root.mediaType)) return [];
    if (!(await this.content.hasBlob(root.digest))) return [];
    const out: WalkNode[] = [];
    for (const child of documentChildren(await this.content.readBlobBytes(root.digest))) {
      const attestation =
        child.annotations?.[Annotation.DockerReferenceType] === ATTESTATION_MANIFEST_REFERENCE_TYPE;
      if (attestation || child.platform?.os === 'unknown') continue;
      out.push(...(await this.#imageManifests(child)));
    }
    return out;
  }

  /** Platform and created time from a manifest's config, or undefined when absent or unreadable. */
  async #configFacts(
    manifest: Digest,
    cache: Map<Digest, Promise<ConfigFacts>>,
  ): Promise<ConfigFacts | undefined> {
    if (!(await this.content.hasBlob(manifest))) return undefined;
    const config = documentConfig(await this.content.readBlobBytes(manifest));
    if (config === undefined || !(await this.content.hasBlob(config.digest))) return undefined;
    let facts = cache.get(config.digest);
    if (facts === undefined) {
      facts = this.content.readBlobBytes(config.digest).then(readConfigFacts);
      cache.set(config.digest, facts);
    }
    return facts;
  }

  async #sizeOrUndefined(digest: Digest): Promise<number | undefined> {
    return (await this.content.hasBlob(digest)) ? this.content.blobSize(digest) : undefined;
  }
}

/** What `images` reads from a config. */
interface ConfigFacts {
  readonly platform: Platform;
  readonly created?: string;
}

function readConfigFacts(bytes: Buffer): ConfigFacts {
  let v: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) v = parsed as Record<string, unknown>;
  } catch {
    // an unreadable config still counts as an image of unknown platform
  }
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const platform = toPlatform({
    os: str('os') ?? 'unknown',
    architecture: str('architecture') ?? 'unknown',
    ...(str('variant') === undefined ? {} : { variant: str('variant') }),
  });
  const created = str('created');
  return created === undefined ? { platform } : { platform, created };
}

/** True when RFC 3339 time `a` is after `b` (offsets and fractions compared as instants). */
function later(a: string, b: string): boolean {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isNaN(tb) || (!Number.isNaN(ta) && ta > tb);
}

function toPlatform(p: OciPlatform): Platform {
  return {
    os: p.os,
    architecture: p.architecture,
    ...(p.variant ? { variant: p.variant } : {}),
    ...(p['os.version'] ? { osVersion: p['os.version'] } : {}),
    ...(p['os.features'] && p['os.features'].length > 0 ? { osFeatures: [...p['os.features']].sort() } : {}),
  };
}

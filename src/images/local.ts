/**
 * `images`, `tag` and `rmi` over the image store, with docker's meanings:
 * - `images` lists every name with its familiar repository (`alpine`, `host:5000/app`), tag
 *   (none for a name by digest), image ID (the digest of what the name points to, a manifest or
 *   an index, as docker's containerd store shows it), creation time, size of the blobs present
 *   and the platforms present locally.
 * - `tag SRC DST` gives the image SRC names (a name or an ID prefix) the name DST too; DST may
 *   not carry a digest.
 * - `rmi NAME…` removes each name, then frees the blobs nothing else references; one failure
 *   does not stop the others.
 */
import { ImageNotFoundError, type ImageStore } from '../content/index.js';
import type { Descriptor, Digest } from '../oci/index.js';
import {
  familiarName,
  formatFamiliarReference,
  InvalidReferenceError,
  parseReference,
} from '../registry/index.js';
import { findLocalImage, imageName } from './names.js';
import { platformKey } from './platforms.js';

/** One image of `images`. */
export interface ImageRow {
  /** Full store name. */
  readonly name: string;
  /** Familiar repository, as docker shows it. */
  readonly repository: string;
  /** Tag, or undefined for a name by digest. */
  readonly tag: string | undefined;
  /** Digest in the name, for names by digest. */
  readonly nameDigest: Digest | undefined;
  /** Digest of the manifest or index the name points to (the image ID). */
  readonly digest: Digest;
  readonly mediaType: string;
  /** RFC 3339 creation time (latest among the platforms' configs), if known. */
  readonly created: string | undefined;
  /** Bytes of the blobs present. */
  readonly size: number;
  /** `os/arch[/variant]` of the image manifests present. */
  readonly platforms: readonly string[];
}

/** Every named image, sorted by name. */
export async function listImages(store: ImageStore): Promise<ImageRow[]> {
  return (await store.images()).map((s) => {
    let repository = s.name;
    let tag: string | undefined;
    let nameDigest: Digest | undefined;
    try {
      const ref = parseReference(s.name, { defaultTag: false });
      repository = familiarName(ref);
      tag = ref.tag;
      nameDigest = ref.digest;
    } catch {
      // A name some other tool wrote: show it whole.
    }
    return {
      name: s.name,
      repository,
      tag,
      nameDigest,
      digest: s.digest,
      mediaType: s.mediaType,
      created: s.created,
      size: s.size,
      platforms: s.platforms.map(platformKey),
    };
  });
}

/** Names the image `source` (name or ID) `target` too; returns what both now point to. */
export async function tagImage(store: ImageStore, source: string, target: string): Promise<Descriptor> {
  const found = await findLocalImage(store, source);
  if (found === undefined) await store.resolve(imageName(source).name);
  const dst = imageName(target);
  if (dst.reference.digest !== undefined) {
    throw new InvalidReferenceError(target, 'a tag cannot carry a digest', {
      hint: 'name the target as repository:tag, without @sha256:…',
    });
  }
  const descriptor = found?.descriptor as Descriptor;
  await store.putImage(dst.name, descriptor, { partial: true });
  return descriptor;
}

/** The outcome of removing one name. */
export type RemoveOutcome =
  | {
      readonly input: string;
      readonly ok: true;
      readonly name: string;
      /** Familiar form of the name, as docker prints it after `Untagged:`. */
      readonly familiar: string;
      readonly descriptor: Descriptor;
      /** True when the image itself (its manifest or index) was freed. */
      readonly deleted: boolean;
      readonly blobsFreed: number;
      readonly bytesFreed: number;
    }
  | { readonly input: string; readonly ok: false; readonly error: unknown };

/** rmi: removes each name (or ID) in turn; failures are reported, not thrown. */
export async function removeImages(
  store: ImageStore,
  inputs: readonly string[],
  options: { readonly roots?: readonly Digest[] } = {},
): Promise<RemoveOutcome[]> {
  const out: RemoveOutcome[] = [];
  for (const input of inputs) {
    try {
      const found = await findLocalImage(store, input);
      if (found === undefined) {
        throw new ImageNotFoundError(
          input,
          (await store.content.listNames()).map((n) => n.name),
        );
      }
      const result = await store.remove(found.name, { roots: options.roots ?? [] });
      out.push({
        input,
        ok: true,
        name: found.name,
        familiar: familiarForm(found.name),
        descriptor: result.descriptor,
        deleted: result.gc.removed.includes(result.descriptor.digest),
        blobsFreed: result.gc.blobsRemoved,
        bytesFreed: result.gc.bytesFreed,
      });
    } catch (error) {
      out.push({ input, ok: false, error });
    }
  }
  return out;
}

function familiarForm(name: string): string {
  try {
    return formatFamiliarReference(parseReference(name, { defaultTag: false }));
  } catch {
    return name;
  }
}

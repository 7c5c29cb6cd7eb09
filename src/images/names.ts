/**
 * Names of images in the store, from what a user types: the reference is normalized by Docker's
 * rules (`alpine` → `docker.io/library/alpine:latest`) and a digest, when given, is what names
 * the content (`name:tag@sha256:…` is stored as `name@sha256:…`, as docker pulls it by digest).
 * An image may also be named by its ID (a prefix of at least 4 hex digits of its digest, with or
 * without `sha256:`), when exactly one image has it.
 */
import type { ImageStore } from '../content/index.js';
import type { Descriptor } from '../oci/index.js';
import { formatReference, parseReference, type Reference } from '../registry/index.js';

/** A reference and the store name it maps to. */
export interface ImageName {
  readonly reference: Reference;
  /** Full name in the store: `registry/repo:tag` or `registry/repo@digest`. */
  readonly name: string;
}

/** Parses a user's reference into its store name. @throws InvalidReferenceError */
export function imageName(text: string): ImageName {
  const reference = parseReference(text);
  return { reference, name: storeName(reference) };
}

/** The store name of a reference: the digest when it has one, else the tag. */
export function storeName(ref: Reference): string {
  return ref.digest !== undefined
    ? formatReference({ registry: ref.registry, repository: ref.repository, digest: ref.digest })
    : formatReference({ registry: ref.registry, repository: ref.repository, tag: ref.tag ?? 'latest' });
}

const ID = /^(?:sha256:)?([0-9a-f]{4,64})$/;

/**
 * Finds a local image by name or ID: the name and descriptor, or undefined when there is none.
 * An ID prefix that several images share matches none of them.
 */
export async function findLocalImage(
  store: ImageStore,
  text: string,
): Promise<{ name: string; descriptor: Descriptor } | undefined> {
  const id = ID.exec(text)?.[1];
  if (id !== undefined) {
    const all = await store.content.listNames();
    const hits = all.filter((n) => n.descriptor.digest.startsWith(`sha256:${id}`));
    const digests = new Set(hits.map((h) => h.descriptor.digest));
    if (digests.size === 1 && hits[0] !== undefined) return hits[0];
  }
  let parsed: ImageName;
  try {
    parsed = imageName(text);
  } catch (err) {
    if (id !== undefined) return undefined;
    throw err;
  }
  const descriptor = await store.content.getName(parsed.name);
  return descriptor === undefined ? undefined : { name: parsed.name, descriptor };
}

/** The registries of some references (for docker's `--insecure`); unparsable ones are skipped. */
export function registriesOf(refs: readonly string[]): string[] {
  const out = new Set<string>();
  for (const text of refs) {
    try {
      out.add(parseReference(text).registry);
    } catch {
      // The command itself reports the bad reference.
    }
  }
  return [...out];
}

/**
 * `type=docker`: a tar `docker load` reads, laid out as current Docker's `docker save` writes
 * it: an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/…`) plus Docker's
 * `manifest.json` (per image: `Config`, `RepoTags`, `Layers` as blob paths) and `repositories`
 * (familiar name → tag → top layer's diff ID). Docker media types by default, as BuildKit's
 * docker exporter writes.
 *
 * Several platforms (which BuildKit's docker exporter refuses): `index.json` names the whole
 * multi-platform image, so a store that reads it (Docker with the containerd image store) loads
 * every platform; `manifest.json` lists one image per platform in build order, and only the
 * one for this machine's platform (else the first) carries the tags, so the classic store tags
 * the image it can run and loads the others untagged. Readers pick an image by position
 * (`skopeo … docker-archive:FILE:@N`).
 *
 * Without `dest`, "loading" means naming the image in Manifold's own image store.
 */
import { bestMatch } from '../../platform/index.js';
import {
  familiarName,
  formatFamiliarReference,
  formatReference,
  type Reference,
} from '../../registry/reference/index.js';
import type { PlatformImage } from '../image.js';
import type { OutputContext } from './context.js';
import { namedEntries } from './oci.js';
import { collectBlobs, writeLayoutTar } from './oci-layout.js';
import type { AssembledImage, DockerOutput, OutputResult } from './types.js';

/** One entry of Docker's `manifest.json`. */
export interface DockerManifestItem {
  readonly Config: string;
  readonly RepoTags: string[] | null;
  readonly Layers: string[];
}

/** Writes a docker output (a tar, or names in the local store without `dest`). */
export async function exportDocker(
  out: DockerOutput,
  image: AssembledImage,
  ctx: OutputContext,
): Promise<OutputResult> {
  const names = out.names.map(formatReference);
  if (out.dest === undefined) {
    for (const name of names) await ctx.store.setName(name, image.descriptor, { check: 'complete' });
    return { type: 'docker', image, names, stored: names, pushed: [] };
  }
  const tagged = taggedImage(image.images, ctx);
  const items = image.images.map((i) => manifestItem(i, i === tagged ? out.names : []));
  const files = [{ name: 'manifest.json', bytes: Buffer.from(`${JSON.stringify(items)}\n`) }];
  const repos = repositories(out.names, tagged);
  if (repos !== undefined)
    files.push({ name: 'repositories', bytes: Buffer.from(`${JSON.stringify(repos)}\n`) });
  const contents = {
    entries: namedEntries(image, out.names),
    blobs: await collectBlobs(ctx.store, [image.descriptor]),
    extraFiles: files,
  };
  await writeLayoutTar(ctx.store, contents, out.dest, ctx.signal);
  return {
    type: 'docker',
    image,
    names,
    stored: [],
    pushed: [],
    written: typeof out.dest === 'string' ? out.dest : '-',
  };
}

/** The image that carries the tags: the one this machine runs, else the first. */
function taggedImage(images: readonly PlatformImage[], ctx: OutputContext): PlatformImage | undefined {
  return bestMatch(ctx.hostPlatform, images) ?? images[0];
}

function manifestItem(image: PlatformImage, names: readonly Reference[]): DockerManifestItem {
  return {
    Config: blobPath(image.configDigest),
    RepoTags: names.filter((n) => n.tag !== undefined).map(formatFamiliarReference),
    Layers: image.layers.map((l) => blobPath(l.digest)),
  };
}

/** `repositories`: familiar name → tag → hex of the top layer's diff ID (Docker's legacy file). */
function repositories(
  names: readonly Reference[],
  image: PlatformImage | undefined,
): Record<string, Record<string, string>> | undefined {
  const top = image?.config.rootfs.diff_ids.at(-1);
  if (top === undefined) return undefined;
  const out: Record<string, Record<string, string>> = {};
  for (const n of names) {
    if (n.tag === undefined) continue;
    const name = familiarName(n);
    out[name] = { ...out[name], [n.tag]: top.slice(top.indexOf(':') + 1) };
  }
  return Object.keys(out).length ? out : undefined;
}

function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

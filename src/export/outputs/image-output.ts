/**
 * `type=image` (and `type=registry`): the image named in the local store and pushed, in two
 * steps so that a build with several outputs names and pushes only after every file output
 * was written:
 *
 * - {@link storeImage}: each name (and `NAME@DIGEST` too with `name-canonical`) in the store,
 *   unless `store=false`; with no name but `dangling-name-prefix`, `PREFIX@DIGEST`. With
 *   `unpack`, this machine's platform image is unpacked into the builder's snapshots, so that
 *   `run` starts it without unpacking.
 * - {@link pushOutput}: with `push`, every name to its registry: blobs, platform manifests,
 *   then the top manifest under the tag, or only by digest with `push-by-digest`.
 */
import { parseManifestOrIndex } from '../../oci/index.js';
import { bestMatch } from '../../platform/index.js';
import { formatReference, parseReference, type Reference } from '../../registry/reference/index.js';
import { unpackImage } from '../../worker/images/index.js';
import { pushImage } from '../push.js';
import type { OutputContext, OutputProgress } from './context.js';
import type { AssembledImage, ImageOutput, OutputResult } from './types.js';

/** The names the image output gives the image in the store. */
function storeNames(out: ImageOutput, image: AssembledImage): string[] {
  const digest = image.descriptor.digest;
  if (out.names.length === 0) {
    if (out.danglingNamePrefix === undefined) return [];
    const ref = parseReference(out.danglingNamePrefix, { defaultTag: false });
    return [`${ref.registry}/${ref.repository}@${digest}`];
  }
  const names: string[] = [];
  for (const n of out.names) {
    names.push(formatReference(n));
    if (out.nameCanonical) names.push(`${n.registry}/${n.repository}@${digest}`);
  }
  return names;
}

/** Names the image in the store (and unpacks it) as the output asks. */
export async function storeImage(
  out: ImageOutput,
  image: AssembledImage,
  ctx: OutputContext,
): Promise<OutputResult> {
  const stored = out.store ? storeNames(out, image) : [];
  for (const name of stored) await ctx.store.setName(name, image.descriptor, { check: 'complete' });
  const unpacked = out.unpack ? await unpackHost(out, image, ctx) : [];
  return {
    type: 'image',
    image,
    names: out.names.map(formatReference),
    stored,
    pushed: [],
    ...(out.unpack ? { unpacked } : {}),
  };
}

async function unpackHost(out: ImageOutput, image: AssembledImage, ctx: OutputContext) {
  const own = bestMatch(ctx.hostPlatform, image.images);
  if (own === undefined) return [];
  const bytes = await ctx.store.readBlobBytes(own.descriptor.digest);
  const parsed = parseManifestOrIndex(bytes, own.descriptor.mediaType);
  if (parsed.kind !== 'manifest') throw new Error(`internal: ${own.descriptor.digest} is not a manifest`);
  const reference: Reference = out.names[0] ?? { registry: 'localhost', repository: 'manifold/unnamed' };
  await unpackImage(parsed.manifest, own.config, {
    store: ctx.store,
    snapshots: ctx.snapshots,
    fetcher: undefined,
    reference,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  return [own.platform];
}

/** Pushes the image to every name's registry; returns the references pushed. */
export async function pushOutput(
  out: ImageOutput,
  image: AssembledImage,
  ctx: OutputContext,
  progress?: OutputProgress,
): Promise<string[]> {
  if (!out.push) return [];
  const { client } = await ctx.registry();
  const pushed: string[] = [];
  for (const name of out.names) {
    const target: Reference = out.pushByDigest
      ? { registry: name.registry, repository: name.repository, digest: image.descriptor.digest }
      : name;
    await pushImage(image.descriptor, target, {
      store: ctx.store,
      client,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(progress ? { progress } : {}),
    });
    pushed.push(formatReference(target));
  }
  return pushed;
}

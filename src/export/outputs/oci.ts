/**
 * `type=oci`: the image as an OCI image layout, a tar (default) or a directory (`tar=false`),
 * holding every platform. Each name is one `index.json` entry carrying the full name in
 * `io.containerd.image.name` and the tag in `org.opencontainers.image.ref.name`, as
 * containerd's exporter (and so BuildKit's) writes them; without a name there is one unnamed
 * entry. Every entry carries `org.opencontainers.image.created`.
 */
import { Annotation, type Descriptor } from '../../oci/index.js';
import { formatReference, type Reference } from '../../registry/reference/index.js';
import type { OutputContext } from './context.js';
import { collectBlobs, layoutEntry, writeLayoutDir, writeLayoutTar } from './oci-layout.js';
import type { AssembledImage, OciOutput, OutputResult } from './types.js';

/** The `index.json` entries of `image` under `names` (one unnamed entry without names). */
export function namedEntries(image: AssembledImage, names: readonly Reference[]): Descriptor[] {
  const top: Descriptor = {
    ...image.descriptor,
    annotations: { ...image.descriptor.annotations, [Annotation.Created]: image.created },
  };
  if (names.length === 0) return [top];
  return names.map((n) => layoutEntry(top, formatReference(n), n.tag ?? n.digest));
}

/** Writes an oci output. */
export async function exportOci(
  out: OciOutput,
  image: AssembledImage,
  ctx: OutputContext,
): Promise<OutputResult> {
  const contents = {
    entries: namedEntries(image, out.names),
    blobs: await collectBlobs(ctx.store, [image.descriptor]),
  };
  if (out.tar) await writeLayoutTar(ctx.store, contents, out.dest, ctx.signal);
  else await writeLayoutDir(ctx.store, contents, out.dest as string, ctx.signal);
  return {
    type: 'oci',
    image,
    names: out.names.map(formatReference),
    stored: [],
    pushed: [],
    written: typeof out.dest === 'string' ? out.dest : '-',
  };
}

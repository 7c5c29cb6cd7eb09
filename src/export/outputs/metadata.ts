/**
 * What buildx writes to `--metadata-file` and `--iidfile`, from a build's output results:
 *
 * - `containerimage.digest`, `containerimage.descriptor` (with `org.opencontainers.image.created`)
 *   and, for one platform, `containerimage.config.digest`, of the first output that holds an
 *   image (image, oci or docker);
 * - `image.name`: that output's names, comma-separated (full references);
 * - `buildx.build.ref`: `BUILDER/NODE/REF`, the build's reference.
 *
 * Keys are sorted, as buildx's JSON of a Go map is. The image ID (`--iidfile`, `-q`) is the
 * config digest of a one-platform image, else the image's digest, as buildx chooses.
 */
import { randomBytes } from 'node:crypto';
import { Annotation, type Descriptor } from '../../oci/index.js';
import type { OutputResult } from './types.js';

/** The output whose image the metadata describes: the first that holds one. */
export function primaryImageOutput(outputs: readonly OutputResult[]): OutputResult | undefined {
  return outputs.find((o) => o.image !== undefined);
}

/** The metadata file's object. */
export function buildMetadata(outputs: readonly OutputResult[], buildRef: string): Record<string, unknown> {
  const out: Record<string, unknown> = { 'buildx.build.ref': buildRef };
  const primary = primaryImageOutput(outputs);
  const image = primary?.image;
  if (primary && image) {
    const d = image.descriptor;
    const descriptor: Descriptor = {
      mediaType: d.mediaType,
      digest: d.digest,
      size: d.size,
      annotations: { ...d.annotations, [Annotation.Created]: image.created },
    };
    out['containerimage.descriptor'] = descriptor;
    out['containerimage.digest'] = d.digest;
    if (image.configDigest !== undefined) out['containerimage.config.digest'] = image.configDigest;
    if (primary.names.length) out['image.name'] = primary.names.join(',');
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The image ID buildx prints and writes to `--iidfile`, if an output holds an image. */
export function imageId(outputs: readonly OutputResult[]): string | undefined {
  const image = primaryImageOutput(outputs)?.image;
  return image === undefined ? undefined : (image.configDigest ?? image.descriptor.digest);
}

/** A new build reference `BUILDER/NODE/ID`, with buildx's 25-character lower-case ID. */
export function newBuildRef(builder: string): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  const id = [...randomBytes(25)].map((b) => alphabet[b % 36]).join('');
  return `${builder}/${builder === 'default' ? 'default' : `${builder}0`}/${id}`;
}

/**
 * The index `imagetools create` makes from its resolved sources, by buildx's rules:
 *
 * - One source and no annotations: an index is copied as is (same bytes, same digest); a
 *   manifest too when `preferIndex` is false; otherwise it becomes a one-entry index.
 * - Otherwise the entries are every manifest source and every entry of every index source, in
 *   order; an entry seen twice (same digest) is kept once, later platforms and annotations merged
 *   into it.
 * - The media type is Docker's manifest list when every entry is a Docker type, else an OCI
 *   index. Annotations need an OCI index, so with annotations the result is always one (buildx
 *   would drop them silently from a Docker list).
 * - The bytes are Go's `json.MarshalIndent(index, "", "  ")`, as buildx pushes them, so the same
 *   sources give the digest buildx gives.
 */
import { goMarshalIndent } from '../gofmt/index.js';
import {
  type Annotations,
  type Descriptor,
  isIndexMediaType,
  MediaType,
  parseManifestOrIndex,
  sha256Digest,
} from '../oci/index.js';
import type { RepositoryRef } from '../registry/index.js';
import type { CreateAnnotation } from './create-sources.js';
import { descriptorValue } from './inspect.js';
import { fromOciPlatform, platformKey } from './platforms.js';

/** A source resolved in its registry. */
export interface ResolvedSource {
  /** The repository it lives in. */
  readonly from: RepositoryRef;
  /** Media type, digest and size from the registry; platform and annotations where known. */
  readonly descriptor: Descriptor;
  /** The manifest's or index's exact bytes. */
  readonly bytes: Buffer;
}

/** One manifest the result references, and where it comes from. */
export interface CombinedPart {
  readonly descriptor: Descriptor;
  readonly from: RepositoryRef;
}

/** The new image. */
export interface Combined {
  readonly bytes: Buffer;
  readonly descriptor: Descriptor;
  /** The documents the new one references (or itself, for a copied manifest). */
  readonly parts: readonly CombinedPart[];
}

/** Builds the new index (see the module comment). */
export function combineSources(
  sources: readonly ResolvedSource[],
  annotations: readonly CreateAnnotation[],
  options: { readonly preferIndex?: boolean } = {},
): Combined {
  const only = sources[0];
  if (sources.length === 1 && only !== undefined && annotations.length === 0) {
    if (isIndexMediaType(only.descriptor.mediaType)) {
      return { bytes: only.bytes, descriptor: bare(only.descriptor), parts: entriesOf(only) };
    }
    if (options.preferIndex === false) {
      return {
        bytes: only.bytes,
        descriptor: bare(only.descriptor),
        parts: [{ descriptor: bare(only.descriptor), from: only.from }],
      };
    }
  }
  const parts: { descriptor: Descriptor; from: RepositoryRef }[] = [];
  const at = new Map<string, number>();
  for (const source of sources) {
    const items = isIndexMediaType(source.descriptor.mediaType)
      ? entriesOf(source)
      : [{ descriptor: source.descriptor, from: source.from }];
    for (const item of items) {
      const i = at.get(item.descriptor.digest);
      if (i === undefined) {
        at.set(item.descriptor.digest, parts.length);
        parts.push({ descriptor: item.descriptor, from: item.from });
      } else {
        parts[i] = {
          ...(parts[i] as CombinedPart),
          descriptor: mergeInto((parts[i] as CombinedPart).descriptor, item.descriptor),
        };
      }
    }
  }
  const allDocker = parts.every((p) => p.descriptor.mediaType.startsWith('application/vnd.docker.'));
  const mediaType = allDocker && annotations.length === 0 ? MediaType.DockerManifestList : MediaType.OciIndex;
  const indexAnnotations: Record<string, string> = {};
  for (const a of annotations) {
    if (a.type === 'index') {
      indexAnnotations[a.key] = a.value;
      continue;
    }
    parts.forEach((p, i) => {
      const platform = p.descriptor.platform;
      if (
        a.platform !== undefined &&
        (platform === undefined || platformKey(fromOciPlatform(platform)) !== platformKey(a.platform))
      )
        return;
      parts[i] = {
        ...p,
        descriptor: { ...p.descriptor, annotations: { ...p.descriptor.annotations, [a.key]: a.value } },
      };
    });
  }
  const keys = Object.keys(indexAnnotations).sort();
  const text = goMarshalIndent(
    {
      schemaVersion: 2,
      mediaType,
      manifests: parts.map((p) => descriptorValue(p.descriptor)),
      annotations:
        keys.length > 0 ? Object.fromEntries(keys.map((k) => [k, indexAnnotations[k] as string])) : undefined,
    },
    '',
    '  ',
  );
  const bytes = Buffer.from(text, 'utf8');
  return { bytes, descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length }, parts };
}

/** The entries of an index source, each from the source's repository. */
function entriesOf(source: ResolvedSource): CombinedPart[] {
  const doc = parseManifestOrIndex(source.bytes, source.descriptor.mediaType);
  if (doc.kind !== 'index') return [];
  return doc.index.manifests.map((descriptor) => ({ descriptor, from: source.from }));
}

/** buildx's merge of a repeated entry: media type if missing, platform replaced, annotations added. */
function mergeInto(old: Descriptor, d: Descriptor): Descriptor {
  const annotations: Annotations = { ...old.annotations, ...d.annotations };
  return {
    ...old,
    mediaType: old.mediaType || d.mediaType,
    ...(d.platform !== undefined ? { platform: d.platform } : {}),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

function bare(d: Descriptor): Descriptor {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}

/**
 * `imagetools create`: a new image (normally an index) from images, indexes and digests that are
 * already in registries, pushed under one or more tags, with buildx's semantics.
 *
 * 1. Sources are parsed (`create-sources.ts`); with `append`, the first tag's current image is
 *    the first source. A digest or a descriptor without a reference belongs to the one
 *    repository the command names (tags and references); with several, it is an error.
 * 2. Each source is resolved in its registry (media type, digest, size, bytes); what a
 *    descriptor source says (platform, annotations, media type) overrides the registry; a size
 *    that disagrees is an error. A manifest without a platform gets its config's.
 * 3. The index is built (`combine.ts`). A dry run stops here and returns it.
 * 4. For each tag: every manifest the index references that lives in another repository is
 *    copied there first (`copy.ts`: blobs mounted within a registry, streamed across
 *    registries, then the manifest by digest); then the index is pushed under the tag.
 */
import { type Descriptor, isIndexMediaType, type OciPlatform, parseManifestOrIndex } from '../oci/index.js';
import { normalize } from '../platform/index.js';
import {
  formatReference,
  parseReference,
  type Reference,
  type RegistryClient,
  type RepositoryRef,
} from '../registry/index.js';
import { type Combined, combineSources, type ResolvedSource } from './combine.js';
import { type CopyEvent, copyManifestTree, sameRepository } from './copy.js';
import {
  type CreateSource,
  type GivenDescriptor,
  parseCreateAnnotations,
  parseCreateSource,
} from './create-sources.js';
import { ImagetoolsInputError } from './errors.js';
import { configPlatform, toOciPlatform } from './platforms.js';

/** What `imagetools create` reports as it goes. */
export type CreateEvent =
  | { readonly kind: 'copying'; readonly descriptor: Descriptor; readonly from: string; readonly to: string }
  | { readonly kind: 'pushing'; readonly descriptor: Descriptor; readonly to: string }
  | CopyEvent;

/** Options of {@link createImage}. */
export interface CreateOptions {
  readonly client: RegistryClient;
  /** `-t`: where to push (at least one unless `dryRun`). */
  readonly tags: readonly string[];
  /** Sources as typed, and the contents of `-f` files (those first, as buildx orders them). */
  readonly sources: readonly string[];
  /** `--annotation` values. */
  readonly annotations?: readonly string[];
  /** `--append`: add to the first tag's existing image. */
  readonly append?: boolean;
  /** Build the index, push nothing. */
  readonly dryRun?: boolean;
  /** With one manifest source, still make an index (default true, as buildx). */
  readonly preferIndex?: boolean;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: CreateEvent) => void;
}

/** What was made (and pushed, unless a dry run). */
export interface CreateResult extends Combined {
  /** Tags pushed, normalized; empty for a dry run. */
  readonly pushed: readonly string[];
}

/** Runs `imagetools create` (see the module comment). */
export async function createImage(options: CreateOptions): Promise<CreateResult> {
  if (options.sources.length === 0 && options.append !== true) {
    throw new ImagetoolsInputError('no sources specified', {
      hint: 'name the images to combine, or use -f FILE',
    });
  }
  if (options.dryRun !== true && options.tags.length === 0) {
    throw new ImagetoolsInputError("can't push with no tags specified", {
      hint: 'set --tag NAME, or use --dry-run',
    });
  }
  const tags = options.tags.map(parseTag);
  const texts =
    options.append === true && options.tags[0] !== undefined
      ? [options.tags[0], ...options.sources]
      : [...options.sources];
  if (texts.length === 0)
    throw new ImagetoolsInputError('no sources specified', { hint: 'name the images to combine' });
  const parsed = texts.map(parseCreateSource);
  const annotations = parseCreateAnnotations(options.annotations ?? []);
  const defaultRepo = onlyRepository(tags, parsed);
  const resolved = await Promise.all(parsed.map((s) => resolveSource(s, defaultRepo, options)));
  const combined = combineSources(
    resolved,
    annotations,
    options.preferIndex === false ? { preferIndex: false } : {},
  );
  if (options.dryRun === true) return { ...combined, pushed: [] };
  const pushed: string[] = [];
  for (const tag of tags) {
    await pushCombined(combined, tag, options);
    pushed.push(formatReference(tag));
  }
  return { ...combined, pushed };
}

function parseTag(text: string): Reference {
  const ref = parseReference(text);
  if (ref.digest !== undefined) {
    throw new ImagetoolsInputError(`tag ${JSON.stringify(text)} carries a digest`, {
      hint: 'tags name where to push: write repository:tag',
    });
  }
  return ref;
}

/** The one repository named by tags and references, if there is exactly one. */
function onlyRepository(
  tags: readonly Reference[],
  sources: readonly CreateSource[],
): RepositoryRef | undefined {
  const repos = new Map<string, RepositoryRef>();
  for (const r of [...tags, ...sources.flatMap((s) => (s.reference ? [s.reference] : []))]) {
    repos.set(`${r.registry}/${r.repository}`, { registry: r.registry, repository: r.repository });
  }
  if (repos.size === 0 && sources.some((s) => s.reference === undefined)) {
    throw new ImagetoolsInputError('no repository specified for the digest sources', {
      hint: 'set --tag, or give the sources as repository@sha256:…',
    });
  }
  return repos.size === 1 ? [...repos.values()][0] : undefined;
}

/** Resolves one source in its registry (step 2 of the module comment). */
async function resolveSource(
  source: CreateSource,
  defaultRepo: RepositoryRef | undefined,
  options: CreateOptions,
): Promise<ResolvedSource> {
  const repo: RepositoryRef | undefined = source.reference ?? defaultRepo;
  if (repo === undefined) {
    throw new ImagetoolsInputError(
      `several repositories are named; cannot tell which one holds ${JSON.stringify(source.text)}`,
      {
        hint: 'give the source as repository@sha256:…',
      },
    );
  }
  const from: RepositoryRef = { registry: repo.registry, repository: repo.repository };
  const ref = source.reference;
  const target = ref?.digest ?? source.given?.digest;
  const call = options.signal ? { signal: options.signal } : {};
  const m = await options.client.getManifest(
    target !== undefined ? { ...from, digest: target } : { ...from, tag: ref?.tag ?? 'latest' },
    call,
  );
  let descriptor = merge({ mediaType: m.mediaType, digest: m.digest, size: m.size }, source.given);
  if (!isIndexMediaType(descriptor.mediaType)) {
    const p = descriptor.platform;
    if (p === undefined || p.os === '' || p.architecture === '') {
      descriptor = { ...descriptor, platform: await platformFromConfig(from, m.bytes, descriptor, options) };
    }
  }
  return { from, descriptor, bytes: m.bytes };
}

/** buildx's mergeDesc: the source's own fields win; sizes must agree. */
function merge(d: Descriptor, given: GivenDescriptor | undefined): Descriptor {
  if (given === undefined) return d;
  if (given.size !== undefined && given.size !== d.size) {
    throw new ImagetoolsInputError(
      `size mismatch for ${d.digest}: the source says ${given.size}, the registry ${d.size}`,
      {
        hint: 'fix the size in the descriptor, or leave it out',
      },
    );
  }
  return {
    ...d,
    ...(given.mediaType !== undefined ? { mediaType: given.mediaType } : {}),
    ...(given.annotations !== undefined ? { annotations: given.annotations } : {}),
    ...(given.platform !== undefined ? { platform: given.platform } : {}),
  };
}

/** buildx's loadPlatform: the config fills the os, or the architecture (and variant), left empty. */
async function platformFromConfig(
  from: RepositoryRef,
  bytes: Buffer,
  d: Descriptor,
  options: CreateOptions,
): Promise<OciPlatform> {
  const doc = parseManifestOrIndex(bytes, d.mediaType);
  if (doc.kind !== 'manifest') throw new Error(`${d.digest} is not a manifest`);
  const stream = await options.client.fetchBlob(from, doc.manifest.config.digest, {
    size: doc.manifest.config.size,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const config = toOciPlatform(normalize(configPlatform(Buffer.concat(chunks))));
  const own = d.platform;
  const arch = own?.architecture
    ? { architecture: own.architecture, variant: own.variant }
    : { architecture: config.architecture, variant: own?.variant || config.variant };
  return {
    ...config,
    os: own?.os || config.os,
    architecture: arch.architecture,
    ...(arch.variant ? { variant: arch.variant } : { variant: undefined }),
  };
}

/** Step 4 of the module comment, for one tag. */
async function pushCombined(combined: Combined, tag: Reference, options: CreateOptions): Promise<void> {
  const to: RepositoryRef = { registry: tag.registry, repository: tag.repository };
  const toName = formatReference(to as Reference);
  const copyOptions = {
    client: options.client,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  };
  for (const part of combined.parts) {
    if (sameRepository(part.from, to)) continue;
    options.onEvent?.({
      kind: 'copying',
      descriptor: part.descriptor,
      from: formatReference({ ...part.from, digest: part.descriptor.digest }),
      to: toName,
    });
    await copyManifestTree(part.from, to, part.descriptor, copyOptions);
  }
  options.onEvent?.({ kind: 'pushing', descriptor: combined.descriptor, to: formatReference(tag) });
  await options.client.putManifest(
    to,
    tag.tag ?? 'latest',
    combined.bytes,
    combined.descriptor.mediaType,
    options.signal ? { signal: options.signal } : {},
  );
}

/**
 * `manifest create|annotate|inspect|push|rm` with the docker CLI's semantics: a manifest list is
 * assembled locally (`manifest-store.ts`) and only `push` sends it.
 *
 * - create LIST MANIFEST…: each MANIFEST must be a single-platform image manifest in the list's
 *   registry; its descriptor gets the platform of its config. An existing list needs `amend`;
 *   with it, images already in the list are kept (and named again, re-read from the list).
 * - annotate LIST MANIFEST: sets os, architecture, variant, os.version, and adds os.features;
 *   the os/arch pair must be one docker accepts.
 * - inspect REF: a local list if there is one, else the registry; docker's output either way.
 *   inspect LIST MANIFEST: one image of a local list.
 * - push LIST: every entry needs an os and an architecture; images from other repositories are
 *   copied into the list's repository first (blobs mounted, then the manifest by digest), then
 *   the list is pushed under its tag, in docker's bytes (`docker-list.ts`). `purge` then
 *   removes the local list.
 * - rm LIST…: removes local lists; a missing one is an error after the others are removed.
 */
import { goIndent } from '../gofmt/index.js';
import { type Descriptor, isManifestMediaType, parseManifestOrIndex } from '../oci/index.js';
import {
  formatReference,
  parseReference,
  type Reference,
  type RegistryClient,
  type RepositoryRef,
} from '../registry/index.js';
import { copyManifestTree, sameRepository } from './copy.js';
import { dockerImageManifestJson, dockerListBytes, isValidOsArch } from './docker-list.js';
import {
  CrossRegistryError,
  ManifestIsListError,
  ManifestListExistsError,
  ManifestListNotFoundError,
  ManifestNotInListError,
  ManifestPlatformError,
  NoSuchManifestListError,
} from './errors.js';
import type { LocalListEntry, ManifestListStore } from './manifest-store.js';
import { configPlatform, fromOciPlatform, platformKey, toOciPlatform } from './platforms.js';

/** What the manifest commands work with. */
export interface ManifestOptions {
  readonly lists: ManifestListStore;
  readonly client: RegistryClient;
  readonly signal?: AbortSignal;
}

/** docker's normalizeReference: a tag is added only when there is no digest. */
function normalized(text: string): { ref: Reference; name: string } {
  const ref = parseReference(text);
  return { ref, name: formatReference(ref) };
}

function repoOf(ref: Reference): RepositoryRef {
  return { registry: ref.registry, repository: ref.repository };
}

/** `manifest create`; returns the list's full name. */
export async function createManifestList(
  list: string,
  manifests: readonly string[],
  options: ManifestOptions & { readonly amend?: boolean },
): Promise<string> {
  const target = normalized(list);
  const existing = await options.lists.get(target.name);
  if (existing !== undefined && options.amend !== true) throw new ManifestListExistsError(target.name);
  const entries = new Map<string, LocalListEntry>((existing?.entries ?? []).map((e) => [e.ref, e]));
  for (const text of manifests) {
    const image = normalized(text);
    if (image.ref.registry !== target.ref.registry) {
      throw new CrossRegistryError(image.name, image.ref.registry, target.ref.registry);
    }
    entries.set(image.name, entries.get(image.name) ?? (await fetchEntry(image.ref, image.name, options)));
  }
  await options.lists.save({ name: target.name, entries: [...entries.values()] });
  return target.name;
}

/** Reads one image manifest and its platform from the registry. */
async function fetchEntry(ref: Reference, name: string, options: ManifestOptions): Promise<LocalListEntry> {
  const call = options.signal ? { signal: options.signal } : {};
  const m = await options.client.getManifest(
    ref.digest !== undefined
      ? { ...repoOf(ref), digest: ref.digest }
      : { ...repoOf(ref), tag: ref.tag ?? 'latest' },
    call,
  );
  const doc = parseManifestOrIndex(m.bytes, m.mediaType);
  if (doc.kind === 'index') {
    const platforms = doc.index.manifests.flatMap((d) =>
      d.platform ? [platformKey(fromOciPlatform(d.platform))] : [],
    );
    throw new ManifestIsListError(name, platforms);
  }
  const config = await readBlob(options.client, repoOf(ref), doc.manifest.config, options.signal);
  const platform = toOciPlatform(configPlatform(config));
  return {
    ref: name,
    descriptor: { mediaType: m.mediaType, digest: m.digest, size: m.size, platform },
    raw: m.bytes,
  };
}

async function readBlob(
  client: RegistryClient,
  repo: RepositoryRef,
  d: Descriptor,
  signal?: AbortSignal,
): Promise<Buffer> {
  const stream = await client.fetchBlob(repo, d.digest, { size: d.size, ...(signal ? { signal } : {}) });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** What `manifest annotate` sets. */
export interface AnnotateFields {
  readonly os?: string;
  readonly arch?: string;
  readonly variant?: string;
  readonly osVersion?: string;
  readonly osFeatures?: readonly string[];
}

/** `manifest annotate`; returns the entry's new descriptor. */
export async function annotateManifestList(
  list: string,
  manifest: string,
  fields: AnnotateFields,
  lists: ManifestListStore,
): Promise<Descriptor> {
  const target = normalized(list);
  const image = normalized(manifest);
  const local = await lists.get(target.name);
  if (local === undefined) throw new ManifestListNotFoundError(target.name, await lists.names());
  const entry = local.entries.find((e) => e.ref === image.name);
  if (entry === undefined)
    throw new ManifestNotInListError(
      manifest,
      target.name,
      local.entries.map((e) => e.ref),
    );
  const p = entry.descriptor.platform ?? { os: '', architecture: '' };
  const features = [...(p['os.features'] ?? [])];
  for (const f of fields.osFeatures ?? []) if (!features.includes(f)) features.push(f);
  const platform = {
    architecture: fields.arch || p.architecture,
    os: fields.os || p.os,
    ...(fields.osVersion || p['os.version'] ? { 'os.version': fields.osVersion || p['os.version'] } : {}),
    ...(features.length > 0 ? { 'os.features': features } : {}),
    ...(fields.variant || p.variant ? { variant: fields.variant || p.variant } : {}),
  };
  if (!isValidOsArch(platform.os, platform.architecture)) {
    throw new ManifestPlatformError(
      `manifest entry for image has unsupported os/arch combination: ${platform.os}/${platform.architecture}`,
      'use an os/arch pair Go supports, such as linux/amd64, linux/arm64, linux/arm, windows/amd64',
    );
  }
  const descriptor = { ...entry.descriptor, platform };
  await lists.save({
    name: local.name,
    entries: local.entries.map((e) => (e === entry ? { ...e, descriptor } : e)),
  });
  return descriptor;
}

/** `manifest inspect`: the text docker prints (ends with a newline). */
export async function inspectManifest(
  refText: string,
  options: ManifestOptions & { readonly verbose?: boolean; readonly list?: string },
): Promise<string> {
  const { ref, name } = normalized(refText);
  if (options.list !== undefined) return localEntryOutput(options.list, name, options);
  const local = await options.lists.get(name);
  if (local !== undefined) return listOutput(local.entries, options.verbose === true);
  const call = options.signal ? { signal: options.signal } : {};
  const repo = repoOf(ref);
  const m = await options.client.getManifest(
    ref.digest !== undefined ? { ...repo, digest: ref.digest } : { ...repo, tag: ref.tag ?? 'latest' },
    call,
  );
  const doc = parseManifestOrIndex(m.bytes, m.mediaType);
  if (doc.kind === 'manifest') {
    if (options.verbose !== true) return `${goIndent(m.bytes.toString('utf8'), '', '\t')}\n`;
    const config = await readBlob(options.client, repo, doc.manifest.config, options.signal);
    const descriptor = {
      mediaType: m.mediaType,
      digest: m.digest,
      size: m.size,
      platform: toOciPlatform(configPlatform(config)),
    };
    return `${goIndent(dockerImageManifestJson(name, descriptor, m.bytes), '', '\t')}\n`;
  }
  const entries: LocalListEntry[] = [];
  for (const child of doc.index.manifests) {
    if (!isManifestMediaType(child.mediaType)) continue;
    const c = await options.client.getManifest({ ...repo, digest: child.digest }, call);
    entries.push({
      ref: formatReference({ ...ref, digest: child.digest }),
      descriptor: {
        mediaType: child.mediaType,
        digest: child.digest,
        size: child.size,
        ...(child.platform ? { platform: child.platform } : {}),
      },
      raw: c.bytes,
    });
  }
  return listOutput(entries, options.verbose === true);
}

/** `manifest inspect LIST MANIFEST`: one image of a local list. */
async function localEntryOutput(
  list: string,
  image: string,
  options: ManifestOptions & { readonly verbose?: boolean },
): Promise<string> {
  const target = normalized(list);
  const local = await options.lists.get(target.name);
  if (local === undefined) throw new ManifestListNotFoundError(target.name, await options.lists.names());
  const entry = local.entries.find((e) => e.ref === image);
  if (entry === undefined)
    throw new ManifestNotInListError(
      image,
      target.name,
      local.entries.map((e) => e.ref),
    );
  const text =
    options.verbose === true
      ? dockerImageManifestJson(entry.ref, entry.descriptor, entry.raw)
      : entry.raw.toString('utf8');
  return `${goIndent(text, '', '\t')}\n`;
}

function listOutput(entries: readonly LocalListEntry[], verbose: boolean): string {
  if (!verbose) return `${dockerListBytes(entries.map((e) => e.descriptor)).bytes.toString('utf8')}\n`;
  const items = entries.map((e) => dockerImageManifestJson(e.ref, e.descriptor, e.raw));
  return `${goIndent(`[${items.join(',')}]`, '', '\t')}\n`;
}

/** What `manifest push` did. */
export interface ManifestPushResult {
  readonly name: string;
  readonly digest: string;
  readonly mediaType: string;
  /** Manifests copied into the list's repository first: `repo@digest`. */
  readonly copied: readonly string[];
}

/** `manifest push`. */
export async function pushManifestList(
  list: string,
  options: ManifestOptions & { readonly purge?: boolean },
): Promise<ManifestPushResult> {
  const target = normalized(list);
  const local = await options.lists.get(target.name);
  if (local === undefined || local.entries.length === 0) {
    throw new ManifestListNotFoundError(target.name, await options.lists.names());
  }
  const to = repoOf(target.ref);
  for (const e of local.entries) {
    const p = e.descriptor.platform;
    if (p === undefined || p.os === '' || p.architecture === '') {
      throw new ManifestPlatformError(
        `manifest ${e.ref} must have an OS and Architecture to be pushed to a registry`,
        `set them with \`manifold manifest annotate --os OS --arch ARCH ${target.name} ${e.ref}\``,
      );
    }
    const image = parseReference(e.ref);
    if (image.registry !== to.registry) throw new CrossRegistryError(e.ref, image.registry, to.registry);
  }
  const copied: string[] = [];
  for (const e of local.entries) {
    const from = repoOf(parseReference(e.ref));
    if (sameRepository(from, to)) continue;
    await copyManifestTree(
      from,
      to,
      e.descriptor,
      { client: options.client, ...(options.signal ? { signal: options.signal } : {}) },
      e.raw,
    );
    copied.push(formatReference({ ...to, digest: e.descriptor.digest }));
  }
  const bytes = dockerListBytes(local.entries.map((e) => e.descriptor));
  const digest = await options.client.putManifest(
    to,
    target.ref.digest ?? target.ref.tag ?? 'latest',
    bytes.bytes,
    bytes.mediaType,
    options.signal ? { signal: options.signal } : {},
  );
  if (options.purge === true) await options.lists.remove(target.name);
  return { name: target.name, digest, mediaType: bytes.mediaType, copied };
}

/** `manifest rm`: removes every list it can; throws for the ones that did not exist. */
export async function removeManifestLists(
  lists: readonly string[],
  store: ManifestListStore,
): Promise<string[]> {
  const removed: string[] = [];
  const missing: string[] = [];
  for (const text of lists) {
    const { name } = normalized(text);
    if (await store.remove(name)) removed.push(name);
    else missing.push(name);
  }
  if (missing.length > 0) throw new NoSuchManifestListError(missing);
  return removed;
}

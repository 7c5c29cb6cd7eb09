/**
 * Writing images out of the content store as an OCI image layout (`oci-layout`, `index.json`,
 * `blobs/sha256/<hex>`), the format of the `oci` and `docker` outputs:
 *
 * - As a tar: `blobs/`, `blobs/sha256/`, the blobs sorted by digest, then `oci-layout`,
 *   `index.json` and any extra top-level files (Docker's `manifest.json`, `repositories`).
 *   Every entry has mtime 0, root ownership and fixed modes, so equal images give equal bytes.
 * - As a directory: blobs are added (those present with the right size are kept), `oci-layout`
 *   is written when missing, and `index.json` keeps its other entries: an entry of the same
 *   name (`io.containerd.image.name`), or an unnamed entry of the same digest, is replaced.
 *   Files are written to a temp name and renamed, so a reader never sees half a blob.
 *
 * The content store is the layout Manifold keeps; this module writes layouts for others to read.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ContentStore } from '../../content/index.js';
import { TarWriter } from '../../layer/index.js';
import {
  Annotation,
  type Descriptor,
  type Digest,
  digestEncoded,
  encodeImageLayout,
  encodeIndex,
  type ImageIndex,
  isIndexMediaType,
  isManifestMediaType,
  MediaType,
  OCI_LAYOUT_VERSION,
  parseManifestOrIndex,
} from '../../oci/index.js';
import { OutputDestinationError } from './errors.js';
import { type Sink, withSink } from './sink.js';
import type { Destination } from './types.js';

/** What a layout holds. */
export interface LayoutContents {
  /** `index.json` entries, in order. */
  readonly entries: readonly Descriptor[];
  /** Every blob the entries reach (see {@link collectBlobs}). */
  readonly blobs: readonly Descriptor[];
  /** Extra top-level files of a tar (name → bytes). */
  readonly extraFiles?: ReadonlyArray<{ readonly name: string; readonly bytes: Uint8Array }>;
}

const JSON_LIMIT = 8 * 1024 * 1024;

/** The blobs reachable from `roots` (indexes, manifests, configs, layers), each once, sorted by digest. */
export async function collectBlobs(store: ContentStore, roots: readonly Descriptor[]): Promise<Descriptor[]> {
  const found = new Map<Digest, Descriptor>();
  const visit = async (d: Descriptor): Promise<void> => {
    if (found.has(d.digest)) return;
    found.set(d.digest, { mediaType: d.mediaType, digest: d.digest, size: d.size });
    if (!isIndexMediaType(d.mediaType) && !isManifestMediaType(d.mediaType)) return;
    const parsed = parseManifestOrIndex(await store.readBlobBytes(d.digest, JSON_LIMIT), d.mediaType);
    const children =
      parsed.kind === 'index' ? parsed.index.manifests : [parsed.manifest.config, ...parsed.manifest.layers];
    for (const child of children) await visit(child);
  };
  for (const root of roots) await visit(root);
  return [...found.values()].sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
}

/** The `index.json` entry of an image under `name` (a full reference), as containerd writes it. */
export function layoutEntry(descriptor: Descriptor, name?: string, tag?: string): Descriptor {
  if (name === undefined) return descriptor;
  return {
    ...descriptor,
    annotations: {
      ...descriptor.annotations,
      [Annotation.ContainerdImageName]: name,
      ...(tag === undefined ? {} : { [Annotation.RefName]: tag }),
    },
  };
}

function indexBytes(entries: readonly Descriptor[]): Buffer {
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [...entries] };
  return Buffer.from(encodeIndex(index));
}

const LAYOUT_BYTES = (): Buffer => Buffer.from(encodeImageLayout({ imageLayoutVersion: OCI_LAYOUT_VERSION }));

/** Writes the layout as a tar to `dest` (a file, replaced atomically, or a stream). */
export async function writeLayoutTar(
  store: ContentStore,
  contents: LayoutContents,
  dest: Destination,
  signal?: AbortSignal,
): Promise<void> {
  await withSink(dest, async (sink: Sink) => {
    const tar = new TarWriter(sink.stream, { end: sink.ownsStream });
    const root = { uid: 0, gid: 0, mtime: { seconds: 0, nanoseconds: 0 } };
    await tar.add({ name: 'blobs/', type: 'dir', mode: 0o755, ...root });
    await tar.add({ name: 'blobs/sha256/', type: 'dir', mode: 0o755, ...root });
    for (const blob of contents.blobs) {
      signal?.throwIfAborted();
      const body = await store.openBlob(blob.digest);
      await tar.add(
        {
          name: `blobs/sha256/${digestEncoded(blob.digest)}`,
          type: 'file',
          mode: 0o444,
          size: blob.size,
          ...root,
        },
        body,
      );
    }
    const files = [
      { name: 'oci-layout', bytes: LAYOUT_BYTES() },
      { name: 'index.json', bytes: indexBytes(contents.entries) },
      ...(contents.extraFiles ?? []),
    ];
    for (const f of files) {
      await tar.add({ name: f.name, type: 'file', mode: 0o444, size: f.bytes.length, ...root }, f.bytes);
    }
    await tar.finish();
  });
}

/** Adds the layout's blobs and entries to the directory `dir` (created when missing). */
export async function writeLayoutDir(
  store: ContentStore,
  contents: LayoutContents,
  dir: string,
  signal?: AbortSignal,
): Promise<void> {
  const blobDir = path.join(dir, 'blobs', 'sha256');
  try {
    await mkdir(blobDir, { recursive: true });
  } catch (err) {
    throw new OutputDestinationError(
      `cannot create the OCI layout directory ${dir}: ${(err as Error).message}`,
      'give a directory you can write with dest=DIR',
      err,
    );
  }
  for (const blob of contents.blobs) {
    signal?.throwIfAborted();
    const file = path.join(blobDir, digestEncoded(blob.digest));
    const present = await stat(file).catch(() => undefined);
    if (present?.isFile() && present.size === blob.size) continue;
    await replaceFile(file, async (tmp) =>
      pipeline(await store.openBlob(blob.digest), createWriteStream(tmp)),
    );
  }
  const layoutFile = path.join(dir, 'oci-layout');
  if (!(await stat(layoutFile).catch(() => undefined))) {
    await replaceFile(layoutFile, (tmp) => writeFile(tmp, LAYOUT_BYTES()));
  }
  const indexFile = path.join(dir, 'index.json');
  const existing = await readExistingIndex(indexFile);
  const merged = mergeEntries(existing, contents.entries);
  await replaceFile(indexFile, (tmp) => writeFile(tmp, indexBytes(merged)));
}

async function readExistingIndex(file: string): Promise<Descriptor[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed = JSON.parse(text) as { manifests?: Descriptor[] };
    return Array.isArray(parsed.manifests) ? parsed.manifests : [];
  } catch (err) {
    throw new OutputDestinationError(
      `${file} is not an OCI index: ${(err as Error).message}`,
      'give an empty directory, or one holding an OCI image layout, with dest=DIR',
      err,
    );
  }
}

/** Existing entries with the new ones in place of those of the same name (or, unnamed, digest). */
export function mergeEntries(existing: readonly Descriptor[], added: readonly Descriptor[]): Descriptor[] {
  const nameOf = (d: Descriptor) => d.annotations?.[Annotation.ContainerdImageName];
  const replaced = (d: Descriptor) =>
    added.some((a) => {
      const n = nameOf(a);
      return n === undefined ? nameOf(d) === undefined && d.digest === a.digest : nameOf(d) === n;
    });
  return [...existing.filter((d) => !replaced(d)), ...added];
}

async function replaceFile(file: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await write(tmp);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * The on-disk OCI image layout: the one module that knows its file names and reads or writes
 * `oci-layout` and `index.json`.
 *
 * ```
 * <root>/oci-layout          {"imageLayoutVersion":"1.0.0"}
 * <root>/index.json          image index; one entry per name (see names.ts)
 * <root>/blobs/<alg>/<hex>   content, named by digest
 * <root>/ingest/             temp files of writes in progress, gc trash (same file system)
 * <root>/leases/             blobs a running process relies on before they are named (lease.ts)
 * <root>/index.json.lock     exclusive lock of index.json updates (lock.ts)
 * ```
 *
 * The extra entries are allowed by the image-layout spec; skopeo and umoci ignore them. Temp
 * files live in `ingest/` rather than under `blobs/` so that tools walking `blobs/<alg>/` only
 * ever see complete blobs.
 *
 * Every file is written to a temp file in `ingest/`, fsynced, then renamed into place (and the
 * directory fsynced), so a reader or a kill -9 never sees half a file. The layout is created on
 * first use; two processes creating it at once agree, because a file that must be created only
 * when absent is hard-linked into place (which fails when another process was first).
 */
import { constants as fsConstants } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  type Digest,
  decodeImageLayout,
  decodeIndex,
  digestAlgorithm,
  digestEncoded,
  encodeImageLayout,
  encodeIndex,
  type ImageIndex,
  isDigest,
  MediaType,
  OCI_LAYOUT_VERSION,
} from '../oci/index.js';
import { StoreCorruptError } from './errors.js';
import { ownedFileName } from './owner.js';

/** File and folder names inside a layout. */
export const LayoutPaths = {
  layoutFile: 'oci-layout',
  indexFile: 'index.json',
  lockFile: 'index.json.lock',
  blobs: 'blobs',
  ingest: 'ingest',
  leases: 'leases',
} as const;

/** A blob found on disk. */
export interface BlobEntry {
  readonly digest: Digest;
  readonly size: number;
}

/** A file found in `ingest/` or `leases/`. */
export interface OwnedEntry {
  readonly name: string;
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

const EMPTY_INDEX: ImageIndex = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };

/** Paths and file formats of one OCI image layout directory. */
export class Layout {
  /** Absolute path of the layout directory. */
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get indexPath(): string {
    return path.join(this.root, LayoutPaths.indexFile);
  }

  get lockPath(): string {
    return path.join(this.root, LayoutPaths.lockFile);
  }

  get ingestDir(): string {
    return path.join(this.root, LayoutPaths.ingest);
  }

  get leasesDir(): string {
    return path.join(this.root, LayoutPaths.leases);
  }

  /** `blobs/<alg>/<hex>` of a digest. */
  blobPath(digest: Digest): string {
    return path.join(this.root, LayoutPaths.blobs, digestAlgorithm(digest), digestEncoded(digest));
  }

  /** A fresh temp path in `ingest/`, its name recording the calling process (owner.ts). */
  tempPath(kind: string): string {
    return path.join(this.ingestDir, ownedFileName(kind));
  }

  /**
   * Creates the directories, `oci-layout` and an empty `index.json` when missing; checks the
   * layout version when present. Safe to call from several processes at once.
   * @throws StoreCorruptError when `oci-layout` exists with another version or is unreadable.
   */
  async init(): Promise<void> {
    for (const dir of [path.join(LayoutPaths.blobs, 'sha256'), LayoutPaths.ingest, LayoutPaths.leases]) {
      await mkdir(path.join(this.root, dir), { recursive: true });
    }
    const layoutFile = path.join(this.root, LayoutPaths.layoutFile);
    await this.createIfAbsent(layoutFile, encodeImageLayout({ imageLayoutVersion: OCI_LAYOUT_VERSION }));
    await this.checkLayoutFile(layoutFile);
    await this.createIfAbsent(this.indexPath, encodeIndex(EMPTY_INDEX));
  }

  private async checkLayoutFile(file: string): Promise<void> {
    let version: string;
    try {
      version = decodeImageLayout(JSON.parse(await readFile(file, 'utf8'))).imageLayoutVersion;
    } catch (err) {
      throw new StoreCorruptError(file, `cannot read it (${(err as Error).message})`, { cause: err });
    }
    if (version !== OCI_LAYOUT_VERSION) {
      throw new StoreCorruptError(
        file,
        `imageLayoutVersion ${JSON.stringify(version)} is not ${OCI_LAYOUT_VERSION}`,
        {
          hint: 'use a directory of its own for the Manifold image store',
        },
      );
    }
  }

  /**
   * Reads `index.json` (an empty index when the file does not exist yet).
   * @throws StoreCorruptError when the file is not an image index.
   */
  async readIndex(): Promise<ImageIndex> {
    let text: string;
    try {
      text = await readFile(this.indexPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_INDEX;
      throw err;
    }
    try {
      return decodeIndex(JSON.parse(text), { digests: 'grammar' });
    } catch (err) {
      throw new StoreCorruptError(this.indexPath, (err as Error).message, { cause: err });
    }
  }

  /** Replaces `index.json` atomically. The caller holds the index lock (lock.ts). */
  async writeIndex(index: ImageIndex): Promise<void> {
    const bytes = encodeIndex({
      ...index,
      schemaVersion: 2,
      mediaType: index.mediaType ?? MediaType.OciIndex,
    });
    const tmp = this.tempPath('index');
    try {
      await writeSynced(tmp, bytes);
      await rename(tmp, this.indexPath);
    } catch (err) {
      await unlinkQuietly(tmp);
      throw err;
    }
    await syncDir(this.root);
  }

  /** Every blob under `blobs/<alg>/` whose name is a well-formed digest, with its size. */
  async listBlobs(): Promise<BlobEntry[]> {
    const out: BlobEntry[] = [];
    const blobsDir = path.join(this.root, LayoutPaths.blobs);
    for (const alg of await readdirOrEmpty(blobsDir)) {
      for (const hex of await readdirOrEmpty(path.join(blobsDir, alg))) {
        const digest = `${alg}:${hex}`;
        if (!isDigest(digest)) continue;
        const st = await stat(path.join(blobsDir, alg, hex)).catch(() => undefined);
        if (st?.isFile()) out.push({ digest, size: st.size });
      }
    }
    return out;
  }

  /** Files in `ingest/` or `leases/` with their size and modification time. */
  async listOwned(which: 'ingest' | 'leases'): Promise<OwnedEntry[]> {
    const dir = which === 'ingest' ? this.ingestDir : this.leasesDir;
    const out: OwnedEntry[] = [];
    for (const name of await readdirOrEmpty(dir)) {
      const p = path.join(dir, name);
      const st = await stat(p).catch(() => undefined);
      if (st?.isFile()) out.push({ name, path: p, size: st.size, mtimeMs: st.mtimeMs });
    }
    return out;
  }

  /** Writes `bytes` to `file` unless it exists; never replaces what another process created. */
  private async createIfAbsent(file: string, bytes: Uint8Array): Promise<void> {
    if (await exists(file)) return;
    const tmp = this.tempPath('init');
    try {
      await writeSynced(tmp, bytes);
      await link(tmp, file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    } finally {
      await unlinkQuietly(tmp);
    }
    await syncDir(path.dirname(file));
  }
}

/** Writes a new file with `wx` (never follows or reuses an existing one), then fsyncs it. */
export async function writeSynced(file: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(file, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Fsyncs a directory so that a rename or unlink in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    // Some file systems (and platforms) refuse fsync on a directory; the rename is still atomic.
    if (!['EINVAL', 'EPERM', 'EISDIR', 'EBADF'].includes((err as NodeJS.ErrnoException).code ?? ''))
      throw err;
  } finally {
    await handle.close();
  }
}

/** Removes a file; a file that is already gone is fine. */
export async function unlinkQuietly(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * The snapshot store: each snapshot is one layer's worth of changes, kept as an overlayfs upper
 * directory (`<root>/<id>/fs`, whiteouts as 0:0 character devices, opaque directories marked
 * with `trusted.overlay.opaque`). A chain of snapshots, bottom first, is a file system; it is
 * mounted by stacking the chain's directories with overlayfs, so a layer is unpacked once and
 * shared by every build that uses it.
 *
 * Snapshots are immutable once committed (`meta.json` written last, atomically); a directory
 * without meta.json is an unfinished one, removed by `prune`. A build step `prepare`s a new
 * snapshot on top of a chain, gets a read-write mount, and `commit`s or `abort`s it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Digest } from '../../oci/index.js';
import { mountOverlay, unmount } from './mount.js';

/** What is known about a committed snapshot. */
export interface SnapshotMeta {
  readonly id: string;
  readonly createdAt: string;
  /** Its layer, once made or pulled: the tar's digest and the compressed blob. */
  readonly layer?: SnapshotLayer;
  /**
   * The snapshot whose directory this one's is a clone of (the same entries, files hard-linked):
   * its layer is that snapshot's layer.
   */
  readonly cloneOf?: string;
  /**
   * Other platforms cloned this snapshot's copy (they name it in `cloneOf`; see
   * `markCloneOrigin`): its equal layers are known, so its own is made in one pass.
   */
  readonly cloneOrigin?: boolean;
}

/** What {@link SnapshotStore.finish} records besides the id and time. */
export type SnapshotFinish = Pick<SnapshotMeta, 'cloneOf'>;

/** A snapshot's layer blob. */
export interface SnapshotLayer {
  readonly diffId: Digest;
  readonly digest: Digest;
  readonly size: number;
  readonly mediaType: string;
  /** True when the snapshot holds no change at all (no layer in the image). */
  readonly empty?: boolean;
  /** True for a layer unpacked from a pulled image: its blob is the image's, never remade. */
  readonly pulled?: boolean;
}

/** A read-write mount of a new snapshot on top of a chain. */
export interface ActiveSnapshot {
  readonly id: string;
  /** The merged file system to change. */
  readonly root: string;
  /** The new snapshot's own directory (its changes). */
  readonly upper: string;
  /** Unmounts and keeps the snapshot. */
  commit(): Promise<string>;
  /** Unmounts and throws the changes away. */
  abort(): Promise<void>;
}

/** A read-only view of a chain. */
export interface SnapshotView {
  readonly root: string;
  release(): Promise<void>;
}

export class SnapshotStore {
  /**
   * Metadata already read or written by this store (one per build). Committed snapshots only
   * gain a layer record, which this store writes through here; one another process adds is
   * seen by the next build. Unknown ids are not remembered: they may be committed later.
   */
  readonly #metas = new Map<string, Promise<SnapshotMeta | undefined>>();

  constructor(readonly root: string) {}

  private dir(id: string): string {
    return path.join(this.root, id);
  }

  /** The directory holding a snapshot's changes. */
  upperDir(id: string): string {
    return path.join(this.dir(id), 'fs');
  }

  private newId(): string {
    return randomBytes(6).toString('hex');
  }

  private async emptyDir(): Promise<string> {
    const dir = path.join(this.root, 'empty');
    await mkdir(dir, { recursive: true });
    return 'empty';
  }

  /** Creates an unfinished snapshot directory and returns its id and `fs` path. */
  async create(): Promise<{ id: string; fs: string }> {
    await mkdir(this.root, { recursive: true });
    const id = this.newId();
    const fs = this.upperDir(id);
    await mkdir(fs, { recursive: true, mode: 0o755 });
    return { id, fs };
  }

  /** Marks a snapshot complete; `layer` when its blob is known, `how` when it shares a copy. */
  async finish(id: string, layer?: SnapshotLayer, how: SnapshotFinish = {}): Promise<void> {
    const meta: SnapshotMeta = {
      id,
      createdAt: new Date().toISOString(),
      ...(layer ? { layer } : {}),
      ...(how.cloneOf ? { cloneOf: how.cloneOf } : {}),
    };
    await this.writeMeta(id, meta);
  }

  private async writeMeta(id: string, meta: SnapshotMeta): Promise<void> {
    // Unique: several writers of one process can record on one snapshot at once.
    const tmp = path.join(this.dir(id), `meta.json.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    await writeFile(tmp, JSON.stringify(meta));
    await rename(tmp, path.join(this.dir(id), 'meta.json'));
    this.#metas.set(id, Promise.resolve(meta));
  }

  /** Reads a committed snapshot's metadata; undefined when it does not exist (or is unfinished). */
  meta(id: string): Promise<SnapshotMeta | undefined> {
    const known = this.#metas.get(id);
    if (known) return known;
    const read = readFile(path.join(this.dir(id), 'meta.json'), 'utf8').then(
      (text) => JSON.parse(text) as SnapshotMeta,
      () => undefined,
    );
    this.#metas.set(id, read);
    void read.then((meta) => {
      if (meta === undefined && this.#metas.get(id) === read) this.#metas.delete(id);
    });
    return read;
  }

  /** Records that other snapshots are clones of this one (see `SnapshotMeta.cloneOrigin`). */
  async markCloneOrigin(id: string): Promise<void> {
    const meta = await this.meta(id);
    if (!meta) throw new Error(`snapshot ${id} is not committed`);
    if (!meta.cloneOrigin) await this.writeMeta(id, { ...meta, cloneOrigin: true });
  }

  /** Records a snapshot's layer blob once it has been made. */
  async setLayer(id: string, layer: SnapshotLayer): Promise<void> {
    const meta = await this.meta(id);
    if (!meta) throw new Error(`snapshot ${id} is not committed`);
    await this.writeMeta(id, { ...meta, layer });
  }

  /** Lower directories for a chain (bottom first), relative to the store root, topmost first. */
  private lowers(chain: readonly string[]): string[] {
    return [...chain].reverse().map((id) => path.join(id, 'fs'));
  }

  /** Mounts a new snapshot on top of `chain` read-write. */
  prepare(chain: readonly string[]): Promise<ActiveSnapshot> {
    return this.prepareOn(async () => (chain.length ? this.lowers(chain) : [await this.emptyDir()]));
  }

  /** Mounts a throwaway writable layer over a host directory (a writable bind of the context). */
  prepareOverDirectory(dir: string): Promise<ActiveSnapshot> {
    return this.prepareOn(async () => [path.resolve(dir)]);
  }

  private async prepareOn(lowerDirs: () => Promise<string[]>): Promise<ActiveSnapshot> {
    const { id, fs } = await this.create();
    const work = path.join(this.dir(id), 'work');
    const merged = path.join(this.dir(id), 'merged');
    await mkdir(work, { recursive: true });
    await mkdir(merged, { recursive: true });
    const lowers = await lowerDirs();
    await mountOverlay(merged, this.root, lowers, {
      upper: path.join(id, 'fs'),
      work: path.join(id, 'work'),
    });
    const cleanup = async () => {
      await unmount(merged);
      await rm(work, { recursive: true, force: true });
      await rm(merged, { recursive: true, force: true });
    };
    return {
      id,
      root: merged,
      upper: fs,
      commit: async () => {
        await cleanup();
        await this.finish(id);
        return id;
      },
      abort: async () => {
        await cleanup();
        await rm(this.dir(id), { recursive: true, force: true });
      },
    };
  }

  /** A read-only view of a chain (the directory itself for a one-snapshot chain). */
  async view(chain: readonly string[]): Promise<SnapshotView> {
    if (chain.length === 0)
      return { root: path.join(this.root, await this.emptyDir()), release: async () => {} };
    if (chain.length === 1) return { root: this.upperDir(chain[0]!), release: async () => {} };
    await mkdir(path.join(this.root, 'views'), { recursive: true });
    const target = path.join(this.root, 'views', this.newId());
    await mkdir(target);
    await mountOverlay(target, this.root, this.lowers(chain));
    return {
      root: target,
      release: async () => {
        await unmount(target);
        await rm(target, { recursive: true, force: true });
      },
    };
  }

  /** Every committed snapshot id. */
  async list(): Promise<string[]> {
    let entries: string[] = [];
    try {
      entries = await readdir(this.root);
    } catch {
      return [];
    }
    const ids: string[] = [];
    for (const e of entries) if (/^[0-9a-f]{12}$/.test(e) && (await this.meta(e))) ids.push(e);
    return ids;
  }

  /** Removes a snapshot. */
  async remove(id: string): Promise<void> {
    this.#metas.delete(id);
    await rm(this.dir(id), { recursive: true, force: true });
  }
}

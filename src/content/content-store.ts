/**
 * The content store: blobs by digest and names → descriptors, in one OCI image layout
 * directory, shared safely by any number of processes.
 *
 * - Blobs (blob-store.ts) need no lock: a verified temp file is renamed into place atomically.
 * - Names live in `index.json` (names.ts). Every change takes the index lock (lock.ts), reads
 *   the current file, changes it and replaces it atomically, so concurrent processes never lose
 *   each other's names and a reader never sees half a file. Reads take no lock.
 * - Blobs this store writes are leased (lease.ts) until `close()`, so another process's gc does
 *   not free them before they are named.
 * - `gc` (gc.ts) frees unreferenced blobs and stale temp files under the index lock.
 *
 * `setName` insists that the named blob exists and `setName(…, { check: 'complete' })` that
 * everything it references does, checked under the lock, so a concurrent gc cannot slip between
 * check and write: nothing half-written ever gets a name.
 */
import type { Readable } from 'node:stream';
import {
  type Descriptor,
  type Digest,
  isIndexMediaType,
  isManifestMediaType,
  isNondistributableLayer,
  parseManifestOrIndex,
} from '../oci/index.js';
import * as blobs from './blob-store.js';
import { BlobNotFoundError, IncompleteImageError } from './errors.js';
import { collectGarbage, type GcOptions, type GcResult } from './gc.js';
import { Layout } from './layout.js';
import { Lease } from './lease.js';
import { type LockOptions, withIndexLock } from './lock.js';
import {
  checkImageName,
  findName,
  indexWithName,
  indexWithoutName,
  type NamedDescriptor,
  namedEntries,
  stripName,
} from './names.js';

/** Options of `openContentStore`. */
export interface ContentStoreOptions {
  /** How long to wait for the index lock, and when a foreign lock is stale. */
  readonly lock?: LockOptions;
}

/** How much of an image must be present before it may be named. */
export type NameCheck =
  /** The named blob itself (the default of `setName`). */
  | 'root'
  /** Every blob reachable from it: manifests, configs, layers. */
  | 'complete'
  /** Like complete, except that an index may lack some of its manifests (a one-platform pull). */
  | 'partial';

/** Options of `setName`. */
export interface SetNameOptions {
  readonly check?: NameCheck;
}

/** Opens (and on first use creates) the content store at `root`. */
export async function openContentStore(
  root: string,
  options: ContentStoreOptions = {},
): Promise<ContentStore> {
  const layout = new Layout(root);
  await layout.init();
  return new ContentStore(layout, options);
}

/** Blobs and names of one OCI image layout. Create with `openContentStore`. */
export class ContentStore {
  readonly #layout: Layout;
  readonly #lease: Lease;
  readonly #lockOptions: LockOptions;

  /** @internal use `openContentStore`, which creates the layout first. */
  constructor(layout: Layout, options: ContentStoreOptions = {}) {
    this.#layout = layout;
    this.#lease = new Lease(layout);
    this.#lockOptions = options.lock ?? {};
  }

  /** Absolute path of the layout directory. */
  get root(): string {
    return this.#layout.root;
  }

  /** True when the blob is in the store. */
  async hasBlob(digest: Digest): Promise<boolean> {
    return (await blobs.statBlob(this.#layout, digest)) !== undefined;
  }

  /** Size of a stored blob. @throws BlobNotFoundError */
  async blobSize(digest: Digest): Promise<number> {
    const size = await blobs.statBlob(this.#layout, digest);
    if (size === undefined) throw new BlobNotFoundError(digest, this.root);
    return size;
  }

  /** A stream of a stored blob (1 MiB chunks); `end` is inclusive. @throws BlobNotFoundError */
  openBlob(digest: Digest, range?: { start?: number; end?: number }): Promise<Readable> {
    return blobs.openBlob(this.#layout, digest, range);
  }

  /** A small blob (manifest, index, config) read whole and verified. @throws BlobTooLargeError */
  readBlobBytes(digest: Digest, maxBytes?: number): Promise<Buffer> {
    return blobs.readBlobBytes(this.#layout, digest, maxBytes);
  }

  /** Re-hashes a stored blob: true when its bytes match its digest. */
  verifyBlob(digest: Digest): Promise<boolean> {
    return blobs.verifyBlob(this.#layout, digest);
  }

  /**
   * Streams content into the store, verified against `expected`; a no-op when the blob exists.
   * @throws DigestMismatchError, SizeMismatchError (nothing is stored).
   */
  writeBlob(
    source: blobs.BlobSource,
    expected?: blobs.BlobExpectation,
    options?: blobs.WriteBlobOptions,
  ): Promise<blobs.WriteBlobResult> {
    return blobs.writeBlob(this.#layout, this.#lease, source, expected, options);
  }

  /**
   * Keeps blobs this process reuses without writing them (found with `hasBlob`) safe from other
   * processes' gc until `close()`. `writeBlob` does this by itself.
   */
  protect(digests: Iterable<Digest>): Promise<void> {
    return this.#lease.protect(digests);
  }

  /** The descriptor named `name`, or undefined. */
  async getName(name: string): Promise<Descriptor | undefined> {
    return findName(await this.#layout.readIndex(), name);
  }

  /** Every name with its descriptor, in index.json order. */
  async listNames(): Promise<NamedDescriptor[]> {
    return namedEntries(await this.#layout.readIndex());
  }

  /**
   * Points `name` at `descriptor`, replacing what it pointed to; returns the previous descriptor.
   * @throws InvalidImageNameError; IncompleteImageError when blobs `check` requires are missing.
   */
  async setName(
    name: string,
    descriptor: Descriptor,
    options: SetNameOptions = {},
  ): Promise<Descriptor | undefined> {
    checkImageName(name);
    // Naming an image again (a rebuild) changes nothing: no lock, no write, no blob walk.
    const current = findName(await this.#layout.readIndex(), name);
    if (sameDescriptor(current, descriptor)) return current;
    return withIndexLock(
      this.#layout,
      async () => {
        await this.#checkPresent(name, descriptor, options.check ?? 'root');
        const index = await this.#layout.readIndex();
        const previous = findName(index, name);
        // A rebuild names the same image again: leave index.json as it is.
        if (!sameDescriptor(previous, descriptor))
          await this.#layout.writeIndex(indexWithName(index, name, descriptor));
        return previous;
      },
      this.#lockOptions,
    );
  }

  /** Removes a name; returns the descriptor it pointed to, or undefined when it did not exist. */
  async removeName(name: string): Promise<Descriptor | undefined> {
    return withIndexLock(
      this.#layout,
      async () => {
        const index = await this.#layout.readIndex();
        const previous = findName(index, name);
        if (previous !== undefined) await this.#layout.writeIndex(indexWithoutName(index, name));
        return previous;
      },
      this.#lockOptions,
    );
  }

  /** Frees unreferenced blobs and stale temp files (see gc.ts). This store's own lease is not a root. */
  gc(options: GcOptions = {}): Promise<GcResult> {
    return withIndexLock(
      this.#layout,
      () => collectGarbage(this.#layout, options, this.#lease.fileName),
      this.#lockOptions,
    );
  }

  /** Ends this store's lease. Blobs written and not named become gc candidates for others. */
  close(): Promise<void> {
    return this.#lease.release();
  }

  async #checkPresent(name: string, root: Descriptor, check: NameCheck): Promise<void> {
    const size = await blobs.statBlob(this.#layout, root.digest);
    if (size === undefined) throw new IncompleteImageError(name, root.digest, [root.digest]);
    if (size !== root.size) {
      throw new IncompleteImageError(
        name,
        root.digest,
        [],
        `the descriptor says ${root.size} bytes, the blob has ${size}`,
      );
    }
    if (check === 'root') return;
    const missing = await this.#missingBlobs(root, check === 'partial');
    if (missing.length > 0) throw new IncompleteImageError(name, root.digest, missing);
  }

  /**
   * Digests under `root` that are absent. Non-distributable (foreign) layers may be absent, as
   * containerd leaves them too. With `partial`, an index's absent manifests are fine as long as
   * at least one of its manifests is complete.
   */
  async #missingBlobs(root: Descriptor, partial: boolean): Promise<Digest[]> {
    const parsed = parseManifestOrIndex(await this.readBlobBytes(root.digest));
    if (parsed.kind === 'manifest') {
      const missing: Digest[] = [];
      for (const d of [parsed.manifest.config, ...parsed.manifest.layers]) {
        if (!isNondistributableLayer(d.mediaType) && !(await this.hasBlob(d.digest))) missing.push(d.digest);
      }
      return missing;
    }
    const incomplete: Digest[] = [];
    const absent: Digest[] = [];
    let complete = 0;
    for (const child of parsed.index.manifests) {
      if (!(await this.hasBlob(child.digest))) {
        absent.push(child.digest);
        continue;
      }
      const document = isIndexMediaType(child.mediaType) || isManifestMediaType(child.mediaType);
      const under = document ? await this.#missingBlobs(child, partial) : [];
      if (under.length === 0) complete += 1;
      incomplete.push(...under);
    }
    if (partial && (complete > 0 || parsed.index.manifests.length === 0)) return incomplete;
    return [...absent, ...incomplete];
  }
}

/** Whether a name's entry (`findName`: without its name annotations) already is `descriptor`. */
function sameDescriptor(entry: Descriptor | undefined, descriptor: Descriptor): boolean {
  return entry !== undefined && JSON.stringify(entry) === JSON.stringify(stripName(descriptor));
}

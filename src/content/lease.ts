/**
 * Leases: the blobs a running process relies on before it has named them.
 *
 * A pull or a build writes blobs first and names the image last. A gc run by another process in
 * between (an `rmi`) would see those blobs as unreferenced. So every store keeps one lease file,
 * `leases/lease.<pid>.<host>.<random>`, created on first use, and appends each digest it writes
 * or reuses *before* the blob becomes visible or is relied on. gc treats the digests of every
 * live lease as roots. The lease ends with `release()` (the store's `close()`) or with the
 * process: a lease whose pid is gone is ignored and removed by the next gc; a lease of another
 * host counts until it is older than the grace period.
 */
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Digest, isDigest } from '../oci/index.js';
import { type Layout, unlinkQuietly } from './layout.js';
import { isStale, ownedFileName, parseOwnedFileName } from './owner.js';

/** One process's lease on the blobs it writes. */
export class Lease {
  readonly #file: string;
  readonly #held = new Set<Digest>();
  /** Digests on their way into the file, with the append that writes them. */
  readonly #pending = new Map<Digest, Promise<void>>();
  /** The append being gathered: callers in the same tick share one write. */
  #batch: { readonly digests: Digest[]; readonly written: Promise<void> } | undefined;
  #released = false;

  constructor(layout: Layout) {
    this.#file = path.join(layout.leasesDir, ownedFileName('lease'));
  }

  /** The lease file's name inside `leases/` (gc leaves its own caller's lease out). */
  get fileName(): string {
    return path.basename(this.#file);
  }

  /**
   * Records digests so that no other process's gc removes them while this lease lives; resolves
   * once they are in the file.
   */
  async protect(digests: Iterable<Digest>): Promise<void> {
    if (this.#released) throw new Error('Lease.protect after release (the store was closed)');
    const waits: Promise<void>[] = [];
    for (const d of new Set(digests)) {
      if (this.#held.has(d)) continue;
      waits.push(this.#pending.get(d) ?? this.#enqueue(d));
    }
    await Promise.all(waits);
  }

  #enqueue(digest: Digest): Promise<void> {
    const batch = this.#batch ?? this.#startBatch();
    batch.digests.push(digest);
    this.#pending.set(digest, batch.written);
    return batch.written;
  }

  /**
   * One append per batch: small O_APPEND writes land whole, so concurrent readers see full lines;
   * the protects of one tick (a Promise.all over blobs) share it.
   */
  #startBatch(): { readonly digests: Digest[]; readonly written: Promise<void> } {
    const digests: Digest[] = [];
    const written = Promise.resolve()
      .then(() => {
        this.#batch = undefined;
        return appendFile(this.#file, digests.map((d) => `${d}\n`).join(''), { mode: 0o644 });
      })
      .then(
        () => {
          for (const d of digests) {
            this.#held.add(d);
            this.#pending.delete(d);
          }
        },
        (err: unknown) => {
          for (const d of digests) this.#pending.delete(d);
          throw err;
        },
      );
    const batch = { digests, written };
    this.#batch = batch;
    return batch;
  }

  /** Ends the lease; digests it protected are ordinary blobs again. */
  async release(): Promise<void> {
    this.#released = true;
    this.#held.clear();
    await unlinkQuietly(this.#file);
  }
}

/** What `readLeases` found. */
export interface LeaseScan {
  /** Digests protected by live leases. */
  readonly digests: Set<Digest>;
  /** Files of leases whose owner is gone or that are older than the grace period. */
  readonly stale: string[];
}

/**
 * Reads every lease in `layout` except the one named `exceptFile`.
 * @param graceMs age after which a lease counts as stale even if its owner cannot be checked.
 */
export async function readLeases(layout: Layout, graceMs: number, exceptFile?: string): Promise<LeaseScan> {
  const digests = new Set<Digest>();
  const stale: string[] = [];
  const now = Date.now();
  for (const entry of await layout.listOwned('leases')) {
    if (entry.name === exceptFile) continue;
    const owned = parseOwnedFileName(entry.name);
    if (isStale(owned?.owner, entry.mtimeMs, now, graceMs)) {
      stale.push(entry.path);
      continue;
    }
    const text = await readFile(entry.path, 'utf8').catch(() => '');
    for (const line of text.split('\n')) if (isDigest(line)) digests.add(line);
  }
  return { digests, stale };
}

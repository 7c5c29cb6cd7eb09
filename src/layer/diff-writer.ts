/**
 * Turns a stream of changes (diff-changes.ts) into tar entries, as containerd's change writer
 * does, so that applying the result onto the lower tree gives the upper tree:
 *
 * - Every entry is preceded by its parent directories not yet written (with the upper tree's
 *   metadata), whiteouts included.
 * - A deletion is a whiteout: an empty regular file `DIR/.wh.NAME`, mode 0600, mtime 0, owned by
 *   0:0 (or by the overlay whiteout device's owner). An opaque overlay directory is followed by
 *   an empty `DIR/.wh..wh..opq` carrying the directory's permission bits, owner and mtime 0.
 * - Hardlinks: the first name of an inode written in walk order carries the content; later
 *   names, and earlier unchanged names of the same inode, become hardlink entries to it.
 * - Sockets are left out. Only recorded xattrs are written, never `trusted.overlay.*`.
 * - With `sourceDateEpoch`, mtimes later than it are clamped to it.
 */

import type { BigIntStats } from 'node:fs';
import { createReadStream, lstatSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Change, XattrIndex } from './diff-changes.js';
import {
  EPOCH,
  OPAQUE_MARKER,
  type TarEntryInput,
  type TarTime,
  tarTimeFromNs,
  WHITEOUT_PREFIX,
} from './tar-types.js';
import type { TarWriter } from './tar-writer.js';

/** Options of {@link ChangeWriter}. */
export interface ChangeWriterOptions {
  /** Clamp mtimes later than this (seconds since the epoch). */
  readonly sourceDateEpoch?: number;
  /** Extended attributes to record, per absolute path (already filtered to what should travel). */
  readonly xattrs: XattrIndex;
  /** Small files already being read (by a read-ahead of the walk). */
  readonly reads?: SmallFileReads;
}

/**
 * Reads of small regular files started ahead of their turn, so the disk works while earlier
 * entries are written. A file is read whole only when it is small (its bytes are then held
 * until written); larger ones are streamed at their turn.
 */
export class SmallFileReads {
  readonly #pending = new Map<string, Promise<Buffer>>();

  /** Starts reading `change`'s file when it is a small regular file. */
  start(change: Change): void {
    const st = change.stat;
    if (change.kind === 'delete' || change.kind === 'unmodified') return;
    if (!st?.isFile() || st.size > BigInt(SMALL_FILE) || st.nlink > 1n) return;
    const read = readFile(change.abs);
    read.catch(() => {}); // Errors surface when the entry is written.
    this.#pending.set(change.abs, read);
  }

  /** The bytes of `abs` if a read was started, else a new read. */
  take(abs: string): Promise<Buffer> {
    const read = this.#pending.get(abs);
    this.#pending.delete(abs);
    return read ?? readFile(abs);
  }

  clear(): void {
    this.#pending.clear();
  }
}

/** Writes changes as entries; feed it every change in walk order. */
export class ChangeWriter {
  readonly #tar: TarWriter;
  readonly #opts: ChangeWriterOptions;
  readonly #upperOf: (rel: string) => string | undefined;
  readonly #writtenDirs = new Set<string>();
  readonly #inodeSource = new Map<string, string>();
  readonly #inodeRefs = new Map<string, Change[]>();
  #entries = 0;

  /**
   * `upperOf` maps a root-relative directory path to its absolute path in the upper tree, or to
   * undefined for a parent that must not be written.
   */
  constructor(tar: TarWriter, upperOf: (rel: string) => string | undefined, options: ChangeWriterOptions) {
    this.#tar = tar;
    this.#upperOf = upperOf;
    this.#opts = options;
  }

  /** Entries written so far. */
  get entries(): number {
    return this.#entries;
  }

  async handle(change: Change): Promise<void> {
    if (change.kind === 'delete') {
      await this.#writeParents(change.rel);
      const st = change.stat;
      await this.#add({
        name: siblingName(change.rel, `${WHITEOUT_PREFIX}${baseName(change.rel)}`),
        type: 'file',
        size: 0,
        mode: 0o600,
        uid: st === undefined ? 0 : Number(st.uid),
        gid: st === undefined ? 0 : Number(st.gid),
        mtime: EPOCH,
      });
      return;
    }
    const st = change.stat!;
    if (st.isSocket()) return;
    if (st.isDirectory()) {
      if (this.#writtenDirs.has(change.rel)) return;
      await this.#writeParents(change.rel);
      await this.#writeNode(change.rel, change.abs, st);
      if (change.opaque) await this.#writeOpaque(change.rel, st);
      return;
    }
    const key = st.nlink > 1n ? `${st.dev}:${st.ino}` : undefined;
    let followers: Change[] = [];
    if (key !== undefined) {
      const source = this.#inodeSource.get(key);
      if (source !== undefined) {
        await this.#writeParents(change.rel);
        await this.#writeHardlink(change.rel, source, st);
        return;
      }
      if (change.kind === 'unmodified') {
        this.#inodeRefs.set(key, [...(this.#inodeRefs.get(key) ?? []), change]);
        return;
      }
      this.#inodeSource.set(key, change.rel);
      followers = this.#inodeRefs.get(key) ?? [];
      this.#inodeRefs.delete(key);
    } else if (change.kind === 'unmodified') {
      return;
    }
    await this.#writeParents(change.rel);
    await this.#writeNode(change.rel, change.abs, st);
    for (const f of followers) {
      await this.#writeParents(f.rel);
      await this.#writeHardlink(f.rel, change.rel, f.stat!);
    }
  }

  async #writeParents(rel: string): Promise<void> {
    const parts = rel.split('/');
    parts.pop();
    let current = '';
    for (const part of parts) {
      current = current === '' ? part : `${current}/${part}`;
      if (this.#writtenDirs.has(current)) continue;
      const abs = this.#upperOf(current);
      if (abs === undefined) continue;
      await this.#writeNode(current, abs, lstatSync(abs, { bigint: true }));
    }
  }

  async #writeNode(rel: string, abs: string, st: BigIntStats): Promise<void> {
    const base = this.#common(rel, abs, st);
    if (st.isDirectory()) {
      this.#writtenDirs.add(rel);
      await this.#add({ ...base, type: 'dir' });
    } else if (st.isFile()) {
      const size = Number(st.size);
      // Small files in one read into a buffer of their size: no stream set-up and no 64 KiB
      // buffer per file (a context of thousands of small files spent its time there and in GC).
      const body =
        size <= SMALL_FILE
          ? oneChunk(await (this.#opts.reads?.take(abs) ?? readFile(abs)))
          : createReadStream(abs, { highWaterMark: 1024 * 1024 });
      await this.#add({ ...base, type: 'file', size }, body);
    } else if (st.isSymbolicLink()) {
      await this.#add({ ...base, type: 'symlink', linkname: readlinkSync(abs) });
    } else if (st.isFIFO()) {
      await this.#add({ ...base, type: 'fifo' });
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      const { major, minor } = splitDev(st.rdev);
      await this.#add({
        ...base,
        type: st.isCharacterDevice() ? 'char' : 'block',
        devmajor: major,
        devminor: minor,
      });
    }
  }

  async #writeHardlink(rel: string, source: string, st: BigIntStats): Promise<void> {
    await this.#add({ ...this.#common(rel, undefined, st), type: 'hardlink', linkname: source });
  }

  async #writeOpaque(rel: string, st: BigIntStats): Promise<void> {
    await this.#add({
      name: `${rel}/${OPAQUE_MARKER}`,
      type: 'file',
      size: 0,
      mode: Number(st.mode & 0o777n),
      uid: Number(st.uid),
      gid: Number(st.gid),
      mtime: EPOCH,
    });
  }

  #common(rel: string, abs: string | undefined, st: BigIntStats): Omit<TarEntryInput, 'type'> {
    const xattrs = abs === undefined ? undefined : this.#opts.xattrs.get(abs);
    return {
      name: rel,
      mode: Number(st.mode & 0o7777n),
      uid: Number(st.uid),
      gid: Number(st.gid),
      mtime: this.#clamp(tarTimeFromNs(st.mtimeNs)),
      ...(xattrs && xattrs.size > 0 ? { xattrs } : {}),
    };
  }

  #clamp(t: TarTime): TarTime {
    const epoch = this.#opts.sourceDateEpoch;
    if (epoch === undefined || t.seconds < epoch) return t;
    return { seconds: epoch, nanoseconds: 0 };
  }

  async #add(entry: TarEntryInput, body?: AsyncIterable<Uint8Array>): Promise<void> {
    await this.#tar.add(entry, body);
    this.#entries++;
  }
}

/** Files up to this size are read whole. */
const SMALL_FILE = 256 * 1024;

async function* oneChunk(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** Splits a Linux dev_t (glibc encoding) into major and minor numbers. */
export function splitDev(rdev: bigint): { major: number; minor: number } {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}

function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

function siblingName(rel: string, name: string): string {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? name : `${rel.slice(0, slash + 1)}${name}`;
}

/**
 * A streaming tar writer: POSIX ustar headers, plus PAX extended headers exactly where ustar
 * cannot hold a value (path over 255 bytes or unsplittable, link target over 100 bytes, user or
 * group name over 32 bytes, uid/gid ≥ 2^21, size ≥ 8 GiB, negative or huge mtime, sub-second
 * mtime when asked, and extended attributes as binary-safe `SCHILY.xattr.NAME` records).
 * Numeric fields that overflow octal also get GNU base-256 values, so readers without PAX see
 * the right numbers. Output is deterministic: equal input gives equal bytes (PAX records sorted
 * by key, no atime/ctime, fixed pseudo-names). Bodies stream from the caller; writes honour the
 * destination's backpressure. The archive ends with two zero blocks and no record padding.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { TarWriteError } from './errors.js';
import { encodePaxRecords, formatPaxTime } from './pax.js';
import { BLOCK_SIZE, encodeHeaderBlock, fitsOctal } from './tar-header.js';
import { EPOCH, type TarEntryInput } from './tar-types.js';

/** Options of {@link TarWriter}. */
export interface TarWriterOptions {
  /** Keep the fractional part of mtimes (as a PAX `mtime` record). Default false: whole seconds. */
  subSecondTimes?: boolean;
  /** Call `end()` on the destination in {@link TarWriter.finish} and wait for it. Default true. */
  end?: boolean;
}

/** A body: a stream, any async iterable of bytes, or bytes in memory. */
export type TarBody = AsyncIterable<Uint8Array> | Uint8Array;

const TYPEFLAG: Record<TarEntryInput['type'], string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

const DEFAULT_MODE: Record<TarEntryInput['type'], number> = {
  file: 0o644,
  hardlink: 0o644,
  symlink: 0o777,
  char: 0o644,
  block: 0o644,
  dir: 0o755,
  fifo: 0o644,
};

/** Writes entries one at a time to a Writable; call {@link finish} at the end. */
export class TarWriter {
  readonly #out: Writable;
  readonly #subSecond: boolean;
  readonly #end: boolean;
  #busy = false;
  #finished = false;
  #bytes = 0;

  constructor(out: Writable, options: TarWriterOptions = {}) {
    this.#out = out;
    this.#subSecond = options.subSecondTimes ?? false;
    this.#end = options.end ?? true;
  }

  /** Bytes written so far. */
  get bytesWritten(): number {
    return this.#bytes;
  }

  /**
   * Writes one entry. A `file` entry needs `size` and a body delivering exactly that many bytes;
   * other types take no body. Calls must not overlap.
   */
  async add(entry: TarEntryInput, body?: TarBody): Promise<void> {
    if (this.#finished) throw new TarWriteError(entry.name, 'the archive is already finished');
    if (this.#busy)
      throw new TarWriteError(entry.name, 'another entry is still being written; await each add()');
    this.#busy = true;
    try {
      const size =
        entry.type === 'file' ? (entry.size ?? (body instanceof Uint8Array ? body.length : -1)) : 0;
      if (!Number.isSafeInteger(size) || size < 0) {
        throw new TarWriteError(entry.name, 'a file entry needs a non-negative integer size');
      }
      if (entry.type !== 'file' && body !== undefined) {
        throw new TarWriteError(entry.name, `a ${entry.type} entry has no body`);
      }
      for (const block of encodeEntryHeaders(entry, size, this.#subSecond)) await this.#write(block);
      if (entry.type === 'file') await this.#writeBody(entry.name, size, body ?? new Uint8Array(0));
    } finally {
      this.#busy = false;
    }
  }

  /** Writes the end-of-archive marker (two zero blocks) and, unless told not to, ends the destination. */
  async finish(): Promise<void> {
    if (this.#finished) return;
    if (this.#busy) throw new TarWriteError('', 'finish() called while an entry is being written');
    this.#finished = true;
    await this.#write(Buffer.alloc(BLOCK_SIZE * 2));
    if (this.#end) {
      const done = once(this.#out, 'finish');
      this.#out.end();
      await done;
    }
  }

  async #writeBody(name: string, size: number, body: TarBody): Promise<void> {
    let written = 0;
    const chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> =
      body instanceof Uint8Array ? [body] : body;
    for await (const chunk of chunks) {
      if (chunk.length === 0) continue;
      written += chunk.length;
      if (written > size)
        throw new TarWriteError(name, `the body delivered more than the declared ${size} bytes`);
      await this.#write(chunk);
    }
    if (written !== size)
      throw new TarWriteError(name, `the body delivered ${written} bytes, ${size} declared`);
    const pad = (BLOCK_SIZE - (size % BLOCK_SIZE)) % BLOCK_SIZE;
    if (pad > 0) await this.#write(Buffer.alloc(pad));
  }

  async #write(chunk: Uint8Array): Promise<void> {
    const out = this.#out;
    if (out.destroyed || out.errored) {
      throw new TarWriteError('', 'the destination stream is closed', { cause: out.errored ?? undefined });
    }
    this.#bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
}

/** The header blocks (PAX header and data first, when needed, then the ustar block) of one entry. */
export function encodeEntryHeaders(entry: TarEntryInput, size: number, subSecond: boolean): Buffer[] {
  const pax = new Map<string, Uint8Array>();
  const name = entry.type === 'dir' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
  const nameBytes = Buffer.from(name, 'utf8');
  let split = splitUstarName(nameBytes);
  if (split === undefined) {
    pax.set('path', nameBytes);
    split = { prefix: Buffer.alloc(0), name: truncateUtf8(nameBytes, 100) };
  }
  const linkBytes = Buffer.from(entry.linkname ?? '', 'utf8');
  if (linkBytes.length > 100) pax.set('linkpath', linkBytes);
  const uname = textField(pax, 'uname', entry.uname ?? '', 32);
  const gname = textField(pax, 'gname', entry.gname ?? '', 32);
  const uid = idField(pax, 'uid', entry.uid ?? 0, entry.name);
  const gid = idField(pax, 'gid', entry.gid ?? 0, entry.name);
  if (!fitsOctal(size, 12)) pax.set('size', Buffer.from(String(size)));
  const mtime = entry.mtime ?? EPOCH;
  const wantFraction = subSecond && mtime.nanoseconds !== 0;
  if (wantFraction || !fitsOctal(mtime.seconds, 12)) {
    pax.set(
      'mtime',
      Buffer.from(formatPaxTime(wantFraction ? mtime : { seconds: mtime.seconds, nanoseconds: 0 })),
    );
  }
  for (const [key, value] of xattrEntries(entry.xattrs)) pax.set(`SCHILY.xattr.${key}`, value);
  for (const [key, value] of Object.entries(entry.pax ?? {})) {
    pax.set(key, typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
  }
  const devmajor = deviceField(entry.devmajor ?? 0, entry.name, 'devmajor');
  const devminor = deviceField(entry.devminor ?? 0, entry.name, 'devminor');
  const mode = (entry.mode ?? DEFAULT_MODE[entry.type]) & 0o7777;
  const headerSeconds = fitsOctal(mtime.seconds, 12) ? mtime.seconds : 0;
  const blocks: Buffer[] = [];
  if (pax.size > 0) blocks.push(...encodePaxHeader(pax, nameBytes, headerSeconds));
  blocks.push(
    encodeHeaderBlock({
      name: split.name,
      prefix: split.prefix,
      mode,
      uid,
      gid,
      size,
      mtime: headerSeconds,
      typeflag: TYPEFLAG[entry.type],
      linkname: linkBytes.length > 100 ? truncateUtf8(linkBytes, 100) : linkBytes,
      uname,
      gname,
      devmajor,
      devminor,
    }),
  );
  return blocks;
}

function encodePaxHeader(pax: Map<string, Uint8Array>, entryName: Buffer, mtime: number): Buffer[] {
  const records = [...pax.entries()].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const data = encodePaxRecords(records);
  const trimmed = entryName.toString('utf8').replace(/\/+$/, '');
  const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  const header = encodeHeaderBlock({
    name: truncateUtf8(Buffer.from(`PaxHeaders/${base}`, 'utf8'), 100),
    prefix: Buffer.alloc(0),
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: data.length,
    mtime,
    typeflag: 'x',
    linkname: Buffer.alloc(0),
    uname: Buffer.alloc(0),
    gname: Buffer.alloc(0),
    devmajor: 0,
    devminor: 0,
  });
  const pad = (BLOCK_SIZE - (data.length % BLOCK_SIZE)) % BLOCK_SIZE;
  return [header, data, Buffer.alloc(pad)];
}

/** Splits a path into ustar `prefix` (≤ 155 bytes) and `name` (≤ 100 bytes) at a slash, or undefined. */
function splitUstarName(path: Buffer): { prefix: Buffer; name: Buffer } | undefined {
  if (path.length <= 100) return { prefix: Buffer.alloc(0), name: path };
  // The longest prefix that fits keeps the choice deterministic.
  for (let i = Math.min(155, path.length - 2); i > 0; i--) {
    if (path[i] !== 0x2f) continue;
    const name = path.subarray(i + 1);
    if (name.length === 0 || name.length > 100) return undefined;
    return { prefix: path.subarray(0, i), name };
  }
  return undefined;
}

function textField(pax: Map<string, Uint8Array>, key: string, value: string, width: number): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length <= width) return bytes;
  pax.set(key, bytes);
  return truncateUtf8(bytes, width);
}

function idField(pax: Map<string, Uint8Array>, key: string, value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new TarWriteError(name, `${key} ${value} is not a non-negative integer`);
  if (!fitsOctal(value, 8)) pax.set(key, Buffer.from(String(value)));
  return value;
}

function deviceField(value: number, name: string, key: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffffffff) {
    throw new TarWriteError(name, `${key} ${value} is outside 0 … 2^32-1`);
  }
  return value;
}

function xattrEntries(xattrs: TarEntryInput['xattrs']): Array<[string, Uint8Array]> {
  if (xattrs === undefined) return [];
  const list: Array<[string, Uint8Array]> =
    xattrs instanceof Map ? [...xattrs.entries()] : Object.entries(xattrs as Record<string, Uint8Array>);
  return list;
}

/** Cuts `bytes` to at most `max` bytes without splitting a UTF-8 sequence. */
function truncateUtf8(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

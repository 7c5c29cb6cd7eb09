/**
 * A streaming tar reader: an async iterator of entries, each with a body stream that is read
 * from the source as the consumer reads it (nothing is buffered beyond one chunk).
 *
 * Reads POSIX ustar (name joined with the `prefix` field), old V7 headers, GNU headers with
 * `L`/`K` long-name and long-link records, PAX extended headers (`x` per entry, `g` global: a
 * global record applies to every later entry unless a local record overrides it; global `path`,
 * `linkpath` and `size` are ignored), and GNU base-256 numeric fields in any format. Every header
 * checksum is verified. Errors: `E_TAR_CORRUPT` (bad checksum or field, a PAX header or long name
 * over the cap, default 1 MiB like Go's archive/tar since CVE-2022-2879), `E_TAR_TRUNCATED` (the
 * stream ends inside a header or an entry's data; a stream that ends cleanly between entries
 * without the zero blocks is accepted, as Go's reader does). Header-only types (links,
 * directories, devices, fifos) carry no data whatever their size field says. After the two zero
 * blocks the rest of the stream is read and discarded, so a hash computed upstream covers every
 * byte (a layer's diffID).
 *
 * Contract: finish with an entry's body (read it to the end, or call `skip()`, or just ask for
 * the next entry, which skips the rest) before using the next entry.
 */
import { Readable } from 'node:stream';
import { ByteSource, type ByteStream } from './byte-source.js';
import { TarFormatError, TarTruncatedError } from './errors.js';
import { parsePaxRecords, parsePaxTime } from './pax.js';
import { BLOCK_SIZE, decodeHeaderBlock, isZeroBlock, type RawHeader } from './tar-header.js';
import type { TarEntryType, TarHeader, TarTime } from './tar-types.js';

/** Options of {@link readTar}. */
export interface TarReaderOptions {
  /** Largest PAX header or GNU long name/link record accepted, in bytes. Default 1 MiB. */
  maxMetadataBytes?: number;
  /** Read (and discard) whatever follows the end-of-archive marker. Default true. */
  drainTrailing?: boolean;
}

/** One entry of the archive. */
export interface TarEntry {
  readonly header: TarHeader;
  /** The entry's data (`header.size` bytes for files; empty for header-only types). */
  readonly body: Readable;
  /** Discards the rest of the body. */
  skip(): Promise<void>;
}

const DEFAULT_MAX_METADATA = 1024 * 1024;
const BODY_CHUNK = 64 * 1024;
const HEADER_ONLY = new Set<TarEntryType>(['hardlink', 'symlink', 'char', 'block', 'dir', 'fifo']);

/** Reads a tar stream entry by entry. */
export async function* readTar(
  source: ByteStream,
  options: TarReaderOptions = {},
): AsyncGenerator<TarEntry, void, undefined> {
  const src = new ByteSource(source);
  const maxMeta = options.maxMetadataBytes ?? DEFAULT_MAX_METADATA;
  const globals = new Map<string, Buffer>();
  let body: EntryBody | undefined;
  try {
    for (;;) {
      if (body) await body.finish();
      const next = await readNextHeader(src, globals, maxMeta);
      if (next === undefined) break;
      const size = HEADER_ONLY.has(next.header.type) ? 0 : next.header.size;
      const current = new EntryBody(src, size);
      body = current;
      yield { header: next.header, body: current, skip: () => current.finish() };
    }
    if (options.drainTrailing ?? true) await src.drain();
  } finally {
    body?.destroy();
    await src.close();
  }
}

interface PendingMeta {
  local: Map<string, Buffer> | undefined;
  longName: Buffer | undefined;
  longLink: Buffer | undefined;
}

async function readNextHeader(
  src: ByteSource,
  globals: Map<string, Buffer>,
  maxMeta: number,
): Promise<{ header: TarHeader; offset: number } | undefined> {
  const meta: PendingMeta = { local: undefined, longName: undefined, longLink: undefined };
  for (;;) {
    const offset = src.offset;
    const block = await src.readExact(BLOCK_SIZE);
    const pending = meta.local !== undefined || meta.longName !== undefined || meta.longLink !== undefined;
    if (block.length === 0) {
      if (pending) throw new TarTruncatedError(offset, 'an extended header is not followed by its entry');
      return undefined;
    }
    if (block.length < BLOCK_SIZE) throw new TarTruncatedError(src.offset, 'inside a header block');
    if (isZeroBlock(block)) {
      const second = await src.readExact(BLOCK_SIZE);
      if (second.length > 0 && second.length < BLOCK_SIZE)
        throw new TarTruncatedError(src.offset, 'inside the end marker');
      if (second.length === BLOCK_SIZE && !isZeroBlock(second)) {
        throw new TarFormatError(offset, 'a zero block is followed by data (expected a second zero block)');
      }
      if (pending)
        throw new TarFormatError(offset, 'an extended header is followed by the end of the archive');
      return undefined;
    }
    const raw = decodeHeaderBlock(block, offset);
    switch (raw.typeflag) {
      case 'x':
        meta.local = new Map([
          ...(meta.local ?? []),
          ...parsePaxRecords(await readMeta(src, raw, offset, maxMeta), offset),
        ]);
        continue;
      case 'g':
        for (const [k, v] of parsePaxRecords(await readMeta(src, raw, offset, maxMeta), offset)) {
          if (v.length === 0) globals.delete(k);
          else globals.set(k, v);
        }
        continue;
      case 'L':
        meta.longName = cString(await readMeta(src, raw, offset, maxMeta));
        continue;
      case 'K':
        meta.longLink = cString(await readMeta(src, raw, offset, maxMeta));
        continue;
      default:
        return { header: buildHeader(raw, globals, meta, offset), offset };
    }
  }
}

async function readMeta(src: ByteSource, raw: RawHeader, offset: number, maxMeta: number): Promise<Buffer> {
  if (raw.size > BigInt(maxMeta)) {
    throw new TarFormatError(
      offset,
      `extended header '${raw.typeflag}' of ${raw.size} bytes exceeds the ${maxMeta}-byte limit`,
    );
  }
  const size = Number(raw.size);
  const data = await src.readExact(size);
  if (data.length < size)
    throw new TarTruncatedError(src.offset, `inside an extended header '${raw.typeflag}'`);
  const pad = padding(size);
  if ((await src.skip(pad)) < pad)
    throw new TarTruncatedError(src.offset, 'inside the padding of an extended header');
  return data;
}

function buildHeader(
  raw: RawHeader,
  globals: Map<string, Buffer>,
  meta: PendingMeta,
  offset: number,
): TarHeader {
  const pax = new Map<string, Buffer>();
  for (const [k, v] of globals) if (k !== 'path' && k !== 'linkpath' && k !== 'size') pax.set(k, v);
  for (const [k, v] of meta.local ?? []) {
    if (v.length === 0) pax.delete(k);
    else pax.set(k, v);
  }
  const text = new TextState();
  const name = text.decode(pax.get('path') ?? meta.longName ?? raw.path);
  const linkname = text.decode(pax.get('linkpath') ?? meta.longLink ?? raw.linkname);
  const uname = text.decode(pax.get('uname') ?? raw.uname);
  const gname = text.decode(pax.get('gname') ?? raw.gname);
  let type = entryType(raw.typeflag);
  if (raw.typeflag === '\0' && name.endsWith('/')) type = 'dir';
  const mtime = paxTime(pax, 'mtime', offset) ?? {
    seconds: safeNumber(raw.mtime, 'mtime', offset, true),
    nanoseconds: 0,
  };
  const atime = paxTime(pax, 'atime', offset);
  return {
    name,
    type,
    typeflag: raw.typeflag,
    mode: Number(raw.mode & 0o7777n),
    uid: paxNumber(pax, 'uid', offset) ?? safeNumber(raw.uid, 'uid', offset, false),
    gid: paxNumber(pax, 'gid', offset) ?? safeNumber(raw.gid, 'gid', offset, false),
    uname,
    gname,
    size: paxNumber(pax, 'size', offset) ?? safeNumber(raw.size, 'size', offset, false),
    mtime,
    ...(atime ? { atime } : {}),
    linkname,
    devmajor: Number(raw.devmajor),
    devminor: Number(raw.devminor),
    xattrs: xattrsOf(pax),
    pax,
    lossyText: text.lossy,
  };
}

function entryType(typeflag: string): TarEntryType {
  switch (typeflag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char';
    case '4':
      return 'block';
    case '5':
      return 'dir';
    case '6':
      return 'fifo';
    default:
      return 'other';
  }
}

function xattrsOf(pax: Map<string, Buffer>): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [key, value] of pax) {
    if (key.startsWith('LIBARCHIVE.xattr.')) {
      const name = decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length));
      if (!out.has(name)) out.set(name, Buffer.from(value.toString('latin1'), 'base64'));
    } else if (key.startsWith('SCHILY.xattr.')) {
      out.set(key.slice('SCHILY.xattr.'.length), value);
    }
  }
  return out;
}

function paxNumber(pax: Map<string, Buffer>, key: string, offset: number): number | undefined {
  const v = pax.get(key);
  if (v === undefined) return undefined;
  const text = v.toString('latin1');
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new TarFormatError(
      offset,
      `PAX record ${key}=${JSON.stringify(text)} is not a non-negative integer`,
    );
  }
  return n;
}

function paxTime(pax: Map<string, Buffer>, key: string, offset: number): TarTime | undefined {
  const v = pax.get(key);
  if (v === undefined) return undefined;
  const t = parsePaxTime(v.toString('latin1'));
  if (t === undefined)
    throw new TarFormatError(
      offset,
      `PAX record ${key}=${JSON.stringify(v.toString('latin1'))} is not a time`,
    );
  return t;
}

function safeNumber(value: bigint, field: string, offset: number, allowNegative: boolean): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || (!allowNegative && n < 0)) {
    throw new TarFormatError(offset, `header field ${field} is ${value}, out of range`);
  }
  return n;
}

function cString(bytes: Buffer): Buffer {
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.subarray(0, nul);
}

function padding(size: number): number {
  return (BLOCK_SIZE - (size % BLOCK_SIZE)) % BLOCK_SIZE;
}

/** Decodes UTF-8 text fields, remembering whether any was invalid. */
class TextState {
  lossy = false;
  readonly #strict = new TextDecoder('utf-8', { fatal: true });
  decode(bytes: Buffer): string {
    try {
      return this.#strict.decode(bytes);
    } catch {
      this.lossy = true;
      return bytes.toString('utf8');
    }
  }
}

/** The body of one entry: pulls from the shared source on demand; `finish()` skips the rest. */
class EntryBody extends Readable {
  readonly #src: ByteSource;
  readonly #padding: number;
  #remaining: number;
  #want = false;
  #pump: Promise<void> | undefined;
  #finished = false;
  #error: Error | undefined;

  constructor(src: ByteSource, size: number) {
    super({ highWaterMark: BODY_CHUNK });
    this.#src = src;
    this.#remaining = size;
    this.#padding = padding(size);
  }

  override _read(): void {
    this.#want = true;
    this.#kick();
  }

  /** Skips whatever the consumer did not read, and the padding. Idempotent. */
  async finish(): Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#finished) return;
    this.#finished = true;
    await this.#pump;
    const skip = this.#remaining + this.#padding;
    this.#remaining = 0;
    const skipped = await this.#src.skip(skip);
    if (!this.readableEnded && !this.destroyed) this.destroy();
    if (skipped < skip) throw new TarTruncatedError(this.#src.offset, 'inside an entry’s data');
  }

  #kick(): void {
    if (this.#pump !== undefined || this.#finished) return;
    this.#pump = this.#run().finally(() => {
      this.#pump = undefined;
      if (this.#want && !this.#finished && !this.destroyed && !this.readableEnded) this.#kick();
    });
  }

  async #run(): Promise<void> {
    try {
      while (this.#want && !this.destroyed) {
        if (this.#remaining === 0) {
          this.#want = false;
          this.push(null);
          return;
        }
        const chunk = await this.#src.readSome(Math.min(this.#remaining, BODY_CHUNK));
        if (chunk.length === 0) throw new TarTruncatedError(this.#src.offset, 'inside an entry’s data');
        this.#remaining -= chunk.length;
        this.#want = this.push(chunk);
      }
    } catch (err) {
      this.#finished = true;
      this.#error = err as Error;
      this.destroy(err as Error);
    }
  }
}

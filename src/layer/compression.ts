/**
 * Layer compression: gzip through node:zlib at a chosen level, zstd through zstd.ts (the `zstd`
 * program on Node 20), or none; and decompression chosen by the stream's magic bytes, never by
 * a media type or a file name: gzip (`1f 8b`), zstd (`28 b5 2f fd`), or none (the stream is
 * passed through untouched). bzip2 and xz are recognised only to refuse them clearly (OCI
 * layers are tar, tar+gzip or tar+zstd). Everything streams; nothing is buffered beyond the few
 * bytes peeked.
 *
 * gzip output is deterministic for a given Node (zlib writes mtime 0 in the gzip header), but it
 * depends on the zlib inside Node, so pin diffIDs, not compressed digests, in tests. gzip runs
 * on libuv's thread pool and zstd in its own process, so layers compressed at the same time
 * use several cores.
 */
import { type Duplex, Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import type { ByteStream } from './byte-source.js';
import { CompressionError } from './errors.js';
import { ParallelGzip } from './parallel-gzip.js';
import {
  createZstdCompress,
  createZstdDecompress,
  type ZstdOptions,
  zlibHasZstd,
  zstdLevel,
} from './zstd.js';

/** Compression formats recognised by magic bytes. */
export type Compression = 'none' | 'gzip' | 'zstd' | 'bzip2' | 'xz';

const MAGIC: ReadonlyArray<readonly [Compression, readonly number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
];

/** Bytes needed to tell every format apart. */
export const MAGIC_BYTES = 6;

/** Tells the compression of a stream from its first bytes (give at least {@link MAGIC_BYTES}). */
export function detectCompression(head: Uint8Array): Compression {
  for (const [kind, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return kind;
  }
  return 'none';
}

/** True when this Node's zlib decompresses zstd (22.15 and later); else the `zstd` program does. */
export function zstdAvailable(): boolean {
  return zlibHasZstd();
}

/** How a layer blob is written. */
export type LayerCompressionType = 'gzip' | 'zstd' | 'uncompressed';

/** Default level of each compression (gzip: zlib's 6; zstd: 3, as BuildKit). */
export function defaultCompressionLevel(type: LayerCompressionType): number | undefined {
  return type === 'gzip' ? 6 : type === 'zstd' ? 3 : undefined;
}

/**
 * Checks a level for a compression type (gzip 0–9, zstd 0–22, none for uncompressed).
 * @throws CompressionError with the valid range.
 */
export function checkCompressionLevel(type: LayerCompressionType, level: number | undefined): void {
  if (level === undefined) return;
  if (type === 'gzip') createGzipLevel(level);
  else if (type === 'zstd') zstdLevel(level);
}

/** A compressor for `type`, or undefined for `uncompressed` (the tar is the blob). */
export function createCompressor(
  type: LayerCompressionType,
  options: { readonly level?: number } = {},
): Transform | Duplex | undefined {
  switch (type) {
    case 'gzip':
      return createGzip(options.level === undefined ? {} : { level: options.level });
    case 'zstd':
      return createZstdCompress(options.level === undefined ? {} : { level: options.level });
    case 'uncompressed':
      return undefined;
  }
}

/** Options of {@link createGzip}. */
export interface GzipOptions {
  /** zlib level 0–9. Default 6 (zlib's default, ≈ 35 MB/s per core). */
  level?: number;
}

/** A gzip compressor stream at the given level, on several cores (parallel-gzip.ts). */
export function createGzip(options: GzipOptions = {}): Transform {
  return new ParallelGzip(createGzipLevel(options.level ?? 6));
}

function createGzipLevel(level: number): number {
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new CompressionError(`gzip level ${level} is not an integer from 0 to 9`, {
      hint: 'use compression-level=6 (the default); 1 is fastest, 9 smallest',
    });
  }
  return level;
}

/** Result of {@link decompress}: the uncompressed stream and what it was. */
export interface Decompressed {
  readonly compression: Compression;
  readonly stream: Readable;
}

/** Options of {@link decompress}. */
export interface DecompressOptions {
  /** How zstd is decompressed (the program, or node:zlib where it has zstd). */
  readonly zstd?: ZstdOptions;
}

/**
 * Peeks at the first bytes of `input` (a stream, any async iterable of bytes, or an array of
 * buffers) and returns a stream of its uncompressed bytes; errors surface on the result.
 */
export async function decompress(input: ByteStream, options: DecompressOptions = {}): Promise<Decompressed> {
  const iter = (Symbol.asyncIterator in input ? input : Readable.from(input, { objectMode: false }))[
    Symbol.asyncIterator
  ]();
  const head: Buffer[] = [];
  let headLength = 0;
  let done = false;
  while (headLength < MAGIC_BYTES) {
    const next = await iter.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(Buffer.from(next.value));
    headLength += next.value.length;
  }
  const first = Buffer.concat(head);
  const compression = detectCompression(first);
  let decoder: Transform | Duplex | undefined;
  try {
    decoder = compression === 'none' ? undefined : decompressor(compression, options);
  } catch (err) {
    await iter.return?.();
    throw err;
  }
  const rest = Readable.from(replay(first, iter, done), { objectMode: false });
  if (decoder === undefined) return { compression, stream: rest };
  rest.on('error', (err) => decoder.destroy(err));
  decoder.on('close', () => rest.destroy());
  return { compression, stream: rest.pipe(decoder) };
}

function decompressor(
  compression: Exclude<Compression, 'none'>,
  options: DecompressOptions,
): Transform | Duplex {
  switch (compression) {
    case 'gzip':
      return zlib.createGunzip();
    case 'zstd':
      return createZstdDecompress(options.zstd);
    default:
      throw new CompressionError(
        `the layer is ${compression}-compressed; OCI layers are tar, tar+gzip or tar+zstd`,
        {
          hint: 'recompress the layer with gzip or zstd',
        },
      );
  }
}

async function* replay(
  first: Buffer,
  iter: AsyncIterator<Uint8Array>,
  done: boolean,
): AsyncGenerator<Uint8Array> {
  if (first.length > 0) yield first;
  if (done) return;
  for (;;) {
    const next = await iter.next();
    if (next.done) return;
    yield next.value;
  }
}

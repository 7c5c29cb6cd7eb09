/**
 * zstd for layers. Node 20's zlib has no zstd (it arrived in 22.15), so compression runs
 * Debian's `zstd` program as a streaming child process (`zstd -q -c -T0 -LEVEL`): it streams
 * both ways, uses every core, needs no native addon and downloads nothing at install time.
 * Its output depends only on the input, the level and the zstd version, not on the thread
 * count, so a layer compresses to the same bytes on any machine with the same zstd.
 * Decompression uses node:zlib where it has zstd, else `zstd -d -c`.
 *
 * Levels are zstd's: 1 (fastest) to 19, and 20–22 (`--ultra`, much more memory); 0 means
 * zstd's default, 3, which is also BuildKit's default.
 */
import type { Duplex, Transform } from 'node:stream';
import zlib from 'node:zlib';
import { CompressionError } from './errors.js';
import { ProgramStream } from './program-stream.js';

/** zstd's default level (and BuildKit's). */
export const ZSTD_DEFAULT_LEVEL = 3;
/** The highest level zstd accepts (20 and up need `--ultra`). */
export const ZSTD_MAX_LEVEL = 22;

/** Options of {@link createZstdCompress} and {@link createZstdDecompress}. */
export interface ZstdOptions {
  /** Compression level, 0–22 (0 = default 3). Ignored when decompressing. */
  readonly level?: number;
  /** The zstd program; default `zstd` on PATH. */
  readonly program?: string;
  /** Decompress with the program even when node:zlib could (tests). */
  readonly preferProgram?: boolean;
}

/** Checks a zstd level; returns the level to use. */
export function zstdLevel(level: number | undefined): number {
  const value = level ?? ZSTD_DEFAULT_LEVEL;
  if (!Number.isInteger(value) || value < 0 || value > ZSTD_MAX_LEVEL) {
    throw new CompressionError(`zstd level ${level} is not an integer from 0 to ${ZSTD_MAX_LEVEL}`, {
      hint: 'use compression-level=3 (the default) up to 19; 20–22 trade much memory for a little size',
    });
  }
  return value === 0 ? ZSTD_DEFAULT_LEVEL : value;
}

/** A zstd compressor stream (the `zstd` program, every core). */
export function createZstdCompress(options: ZstdOptions = {}): Duplex {
  const level = zstdLevel(options.level);
  const args = ['-q', '-c', '-T0', ...(level > 19 ? ['--ultra'] : []), `-${level}`];
  return new ProgramStream(options.program ?? 'zstd', args, {
    purpose: 'zstd compression',
    debianPackage: 'zstd',
  });
}

/** True when this Node's zlib has zstd (22.15 and later). */
export function zlibHasZstd(): boolean {
  return typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';
}

/** A zstd decompressor stream: node:zlib where it can, else the `zstd` program. */
export function createZstdDecompress(options: ZstdOptions = {}): Duplex | Transform {
  const make = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;
  if (make !== undefined && !options.preferProgram) return make();
  return new ProgramStream(options.program ?? 'zstd', ['-q', '-d', '-c'], {
    purpose: 'zstd decompression',
    debianPackage: 'zstd',
  });
}

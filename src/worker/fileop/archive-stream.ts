/**
 * Reading a local file as an archive for ADD, as BuildKit's `archiveutil.DecompressStream` does:
 * the compression is told by magic bytes, never by the file name: gzip (node:zlib), bzip2
 * (`bzip2 -dc`), xz (`xz -dc`), zstd (node:zlib from Node 22.15, else `zstd -dc`), or none.
 * A file "is an archive" when its decompressed bytes start with a valid tar header (what Go's
 * `tar.Reader.Next` accepts first: a non-zero 512-byte block whose checksum is right), so a
 * corrupt or non-tar `.tar.gz` is copied as a plain file.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { type Compression, detectCompression, MAGIC_BYTES } from '../../layer/index.js';
import { ArchiveError } from './errors.js';

const BLOCK = 512;
const TOOL_PACKAGE: Record<string, string> = { bzip2: 'bzip2', xz: 'xz-utils', zstd: 'zstd' };

/** The compression of the file at `abs`, from its first bytes. */
export async function fileCompression(abs: string): Promise<Compression> {
  const fh = await open(abs, 'r');
  try {
    const head = Buffer.alloc(MAGIC_BYTES);
    const { bytesRead } = await fh.read(head, 0, MAGIC_BYTES, 0);
    return detectCompression(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** The decompressed bytes of the file at `abs`. Errors surface on the stream. */
export function decompressedStream(abs: string, compression: Compression): Readable {
  switch (compression) {
    case 'none':
      return createReadStream(abs);
    case 'gzip':
      return pipeThrough(createReadStream(abs), zlib.createGunzip());
    case 'zstd': {
      const make = (zlib as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
      if (make !== undefined) return pipeThrough(createReadStream(abs), make() as unknown as PassThrough);
      return toolStream('zstd', abs);
    }
    default:
      return toolStream(compression, abs);
  }
}

/** True when the file at `abs` decompresses to something starting with a valid tar header. */
export async function looksLikeTar(abs: string): Promise<boolean> {
  let stream: Readable | undefined;
  try {
    stream = decompressedStream(abs, await fileCompression(abs));
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      n += (chunk as Buffer).length;
      if (n >= BLOCK) break;
    }
    return n >= BLOCK && validTarHeader(Buffer.concat(chunks).subarray(0, BLOCK));
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    return false;
  } finally {
    stream?.destroy();
  }
}

/** A 512-byte block that is a tar header: not all zeros, checksum (unsigned or signed sum) right. */
export function validTarHeader(block: Buffer): boolean {
  if (block.length < BLOCK || block.every((b) => b === 0)) return false;
  const field = block
    .subarray(148, 156)
    .toString('latin1')
    .replace(/[\0 ]+/g, ' ')
    .trim();
  if (!/^[0-7]+$/.test(field)) return false;
  const stored = Number.parseInt(field, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

function pipeThrough(source: Readable, decoder: NodeJS.ReadWriteStream & Readable): Readable {
  source.on('error', (err) => decoder.destroy(err));
  decoder.on('close', () => source.destroy());
  return source.pipe(decoder);
}

function toolStream(tool: string, abs: string): Readable {
  const out = new PassThrough();
  const child = spawn(tool, ['-dc', '--', abs], { stdio: ['ignore', 'pipe', 'pipe'] });
  const err: Buffer[] = [];
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.on('error', (e: NodeJS.ErrnoException) => {
    out.destroy(
      new ArchiveError(
        `cannot decompress ${tool} archive: ${e.code === 'ENOENT' ? `${tool} is not on PATH` : e.message}`,
        { hint: `install Debian's ${TOOL_PACKAGE[tool] ?? tool} package`, cause: e },
      ),
    );
  });
  child.stdout.pipe(out, { end: false });
  child.on('close', (code, signal) => {
    if (code === 0) out.end();
    else if (signal === null) {
      const text = Buffer.concat(err).toString('utf8').trim();
      out.destroy(new Error(`${tool} exited with code ${code}: ${text}`));
    }
  });
  out.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  return out;
}

/**
 * Blobs: content named by its digest under `blobs/<alg>/<hex>`.
 *
 * A write streams its input into a temp file in `ingest/` (same file system), hashing and
 * counting on the way; nothing is held in memory beyond one chunk. At the end the digest (and
 * the size, when given) is checked: a mismatch deletes the temp file and throws
 * `E_DIGEST_MISMATCH` (or `E_SIZE_MISMATCH`, raised as soon as the input runs past the size).
 * A match is fsynced and renamed into place, which is atomic: readers see the whole blob or
 * none, and two processes writing the same content race harmlessly to the same name. No lock
 * is needed. Writing a blob that exists is a no-op that cancels the input (a Readable is
 * destroyed, an async iterator returned) without reading it.
 *
 * Reads open the file with 1 MiB chunks (node:crypto hashes twice as fast as with the 64 KiB
 * default). `readBlobBytes` is for small JSON blobs and refuses anything over its cap.
 */
import { constants as fsConstants } from 'node:fs';
import { type FileHandle, mkdir, open, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  createDigester,
  type Digest,
  DigestMismatchError,
  digestAlgorithm,
  digestReadable,
  SizeMismatchError,
} from '../oci/index.js';
import { BlobNotFoundError, BlobTooLargeError } from './errors.js';
import { type Layout, syncDir, unlinkQuietly } from './layout.js';
import type { Lease } from './lease.js';

/** Read size for blob files. */
export const BLOB_CHUNK_SIZE = 1024 * 1024;

/** Default cap of `readBlobBytes`: manifests and configs are far smaller. */
export const DEFAULT_MAX_BLOB_BYTES = 16 * 1024 * 1024;

/** What a blob write reads: bytes in memory, or any stream of bytes (a Readable, a response body). */
export type BlobSource = Uint8Array | AsyncIterable<Uint8Array>;

/** What the written content must be; both optional. */
export interface BlobExpectation {
  /** The digest the content must have; also picks the hash algorithm (default sha256). */
  readonly digest?: Digest;
  /** The exact size in bytes, when known. */
  readonly size?: number;
}

/** Options of a blob write. */
export interface WriteBlobOptions {
  readonly signal?: AbortSignal;
  /** Called with the byte count after each chunk is written. */
  readonly onProgress?: (bytesWritten: number) => void;
}

/** The outcome of a blob write. */
export interface WriteBlobResult {
  readonly digest: Digest;
  readonly size: number;
  /** False when the blob was already in the store and nothing was written. */
  readonly written: boolean;
}

/** Size of a blob on disk, or undefined when it is absent. */
export async function statBlob(layout: Layout, digest: Digest): Promise<number | undefined> {
  try {
    const st = await stat(layout.blobPath(digest));
    return st.isFile() ? st.size : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Opens a blob for streaming, 1 MiB at a time. `end` is inclusive, as in `createReadStream`. */
export async function openBlob(
  layout: Layout,
  digest: Digest,
  range: { start?: number; end?: number } = {},
): Promise<Readable> {
  let handle: FileHandle;
  try {
    handle = await open(layout.blobPath(digest), 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(digest, layout.root);
    throw err;
  }
  return handle.createReadStream({ highWaterMark: BLOB_CHUNK_SIZE, start: range.start, end: range.end });
}

/**
 * Reads a small blob whole and checks its digest.
 * @throws BlobTooLargeError over `maxBytes`; BlobNotFoundError; DigestMismatchError when the
 *   file on disk was corrupted.
 */
export async function readBlobBytes(
  layout: Layout,
  digest: Digest,
  maxBytes = DEFAULT_MAX_BLOB_BYTES,
): Promise<Buffer> {
  const size = await statBlob(layout, digest);
  if (size === undefined) throw new BlobNotFoundError(digest, layout.root);
  if (size > maxBytes) throw new BlobTooLargeError(digest, size, maxBytes);
  const handle = await open(layout.blobPath(digest), 'r');
  let bytes: Buffer;
  try {
    bytes = await handle.readFile();
  } finally {
    await handle.close();
  }
  const actual = createDigester(digestAlgorithm(digest)).update(bytes).digest();
  if (actual !== digest)
    throw new DigestMismatchError(`${layout.blobPath(digest)} (store corrupted)`, digest, actual);
  return bytes;
}

/** Re-hashes a blob on disk; true when its content matches its name. */
export async function verifyBlob(layout: Layout, digest: Digest): Promise<boolean> {
  const stream = await openBlob(layout, digest);
  const { digest: actual } = await digestReadable(stream, digestAlgorithm(digest));
  return actual === digest;
}

/**
 * Streams `source` into the store (see the module comment).
 * @throws DigestMismatchError, SizeMismatchError (nothing is left behind), AbortError.
 */
export async function writeBlob(
  layout: Layout,
  lease: Lease,
  source: BlobSource,
  expected: BlobExpectation = {},
  options: WriteBlobOptions = {},
): Promise<WriteBlobResult> {
  if (expected.digest === undefined && source instanceof Uint8Array) {
    // Bytes in memory (a config, a manifest): hashing them first finds an existing blob without
    // writing and syncing a temporary copy (a rebuild writes the same JSON blobs again).
    expected = { ...expected, digest: createDigester('sha256').update(source).digest() };
  }
  if (expected.digest !== undefined) {
    await lease.protect([expected.digest]);
    const existing = await statBlob(layout, expected.digest);
    if (existing !== undefined) {
      await cancelSource(source);
      if (expected.size !== undefined && existing !== expected.size) {
        throw new SizeMismatchError(`existing blob ${expected.digest}`, expected.size, existing, {
          hint: 'the descriptor that announced this size is wrong, or the stored blob is corrupt',
        });
      }
      return { digest: expected.digest, size: existing, written: false };
    }
  }
  const tmp = layout.tempPath('blob');
  try {
    const { digest, size } = await streamToTemp(tmp, source, expected, options);
    await lease.protect([digest]);
    if ((await statBlob(layout, digest)) !== undefined) {
      await unlinkQuietly(tmp);
      return { digest, size, written: false };
    }
    const target = layout.blobPath(digest);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(tmp, target);
    await syncDir(path.dirname(target));
    return { digest, size, written: true };
  } catch (err) {
    await unlinkQuietly(tmp);
    throw err;
  }
}

async function streamToTemp(
  tmp: string,
  source: BlobSource,
  expected: BlobExpectation,
  options: WriteBlobOptions,
): Promise<{ digest: Digest; size: number }> {
  const digester = createDigester(
    expected.digest === undefined ? 'sha256' : digestAlgorithm(expected.digest),
  );
  const where = expected.digest === undefined ? 'blob' : `blob ${expected.digest}`;
  const handle = await open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o644);
  try {
    const chunks: AsyncIterable<Uint8Array> | Uint8Array[] = source instanceof Uint8Array ? [source] : source;
    for await (const chunk of chunks) {
      options.signal?.throwIfAborted();
      digester.update(chunk);
      if (expected.size !== undefined && digester.size > expected.size) {
        throw new SizeMismatchError(where, expected.size, digester.size);
      }
      await writeAll(handle, chunk);
      options.onProgress?.(digester.size);
    }
    options.signal?.throwIfAborted();
    const digest = digester.digest();
    if (expected.size !== undefined && digester.size !== expected.size) {
      throw new SizeMismatchError(where, expected.size, digester.size);
    }
    if (expected.digest !== undefined && digest !== expected.digest) {
      throw new DigestMismatchError(where, expected.digest, digest);
    }
    await handle.sync();
    return { digest, size: digester.size };
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/** Stops a source that will not be read: destroys a stream, returns an iterator. */
async function cancelSource(source: BlobSource): Promise<void> {
  if (source instanceof Uint8Array) return;
  const destroyable = source as { destroy?: (err?: Error) => void };
  if (typeof destroyable.destroy === 'function') {
    destroyable.destroy();
    return;
  }
  await source[Symbol.asyncIterator]().return?.();
}

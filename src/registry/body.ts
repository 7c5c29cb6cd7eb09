/**
 * Reading small response bodies (manifests, tag lists) with a hard cap: a declared
 * Content-Length over the cap is refused before reading, and at most cap + 1 bytes are ever
 * read, so a server that lies about (or omits) the length cannot make the client buffer more.
 */
import { parseContentLength } from './content-headers.js';

/** A response body we can iterate and drop. */
export interface DisposableBody extends AsyncIterable<Uint8Array | string> {
  destroy(error?: Error): unknown;
  on?(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * Drops a body without reading it. undici reports a body destroyed before its end as an
 * 'error' (RequestAbortedError); nobody waits for that one, so it is swallowed here.
 */
export function discardBody(body: DisposableBody): void {
  body.on?.('error', () => undefined);
  body.destroy();
}

/** A body chunk as a Buffer over the same memory (a string chunk is encoded as UTF-8). */
export function chunkBuffer(chunk: Uint8Array | string): Buffer {
  return typeof chunk === 'string'
    ? Buffer.from(chunk)
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Why a capped read stopped. */
export class BodyTooLargeError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`body larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
    this.limit = limit;
  }
}

/**
 * Reads a whole body of at most `limit` bytes.
 * @throws BodyTooLargeError when the declared or actual length is larger.
 */
export async function readCapped(
  body: DisposableBody,
  headers: { readonly 'content-length'?: string | string[] | undefined },
  limit: number,
): Promise<Buffer> {
  const declared = parseContentLength(headers['content-length']);
  if (declared !== undefined && declared > limit) {
    discardBody(body);
    throw new BodyTooLargeError(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = chunkBuffer(chunk);
      size += buf.length;
      if (size > limit) throw new BodyTooLargeError(limit);
      chunks.push(buf);
    }
  } finally {
    discardBody(body);
  }
  return Buffer.concat(chunks, size);
}

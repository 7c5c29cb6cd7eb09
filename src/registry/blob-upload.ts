/**
 * Sending a blob's bytes into an upload session the registry has opened (see `blob-push.ts`
 * for the whole push).
 *
 * - Monolithic: one PUT `<Location>&digest=<d>` streaming the source with Content-Length.
 * - Chunked: PATCH chunks of `chunkSize` bytes with Content-Range `start-end` (each answer's
 *   Location is the next URL), then an empty PUT with the digest.
 * The bytes are hashed and counted on the way. A source that does not match its digest or size
 * fails with `DigestMismatchError` / `SizeMismatchError`; a chunked upload is then cancelled
 * (DELETE) instead of committed. A Docker-Content-Digest in the final answer must be the
 * digest. Upload requests are never replayed by the transport: the registry may have kept part
 * of a broken body, so the caller restarts from a new session instead.
 */
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { createDigester, type Digest, type Digester, digestAlgorithm, isDigest } from '../oci/index.js';
import { registryDigestMismatch, registrySizeMismatch } from './errors.js';
import type { RegistryEndpoint } from './hosts.js';
import type { RepositoryRef } from './manifests.js';
import { repositoryScope } from './scope.js';
import { header, type RegistryResponse, type RegistryTransport } from './transport.js';
import { nextLocation } from './upload-location.js';

/** Bytes per PATCH unless told otherwise. */
export const DEFAULT_CHUNK_SIZE = 8 << 20;
const COMMIT_OK = [200, 201, 202, 204];

/** An open upload session and the blob to send into it. */
export interface Upload {
  readonly transport: RegistryTransport;
  readonly endpoint: RegistryEndpoint;
  readonly repo: RepositoryRef;
  readonly digest: Digest;
  readonly size: number | undefined;
  readonly open: () => Readable;
  readonly location: URL;
  readonly chunkSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (bytes: number) => void;
}

function what(repo: RepositoryRef, digest: Digest): string {
  return `blob ${digest} of ${repo.registry}/${repo.repository}`;
}

/** A pass-through that hashes and counts what the upload sends. */
class Meter extends Transform {
  readonly digester: Digester;
  constructor(
    digest: Digest,
    private readonly onProgress?: (bytes: number) => void,
  ) {
    super();
    this.digester = createDigester(digestAlgorithm(digest) as 'sha256');
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.digester.update(chunk);
    this.onProgress?.(this.digester.size);
    cb(null, chunk);
  }
}

/** Sends the whole blob in one PUT and commits it. */
export async function monolithicUpload(up: Upload): Promise<void> {
  const size = up.size as number;
  const url = new URL(up.location);
  url.searchParams.set('digest', up.digest);
  let meter: Meter | undefined;
  const body = (): Readable => {
    const source = up.open();
    meter = new Meter(up.digest, up.onProgress);
    source.on('error', (err) => meter?.destroy(err));
    return source.pipe(meter);
  };
  let res: RegistryResponse;
  try {
    res = await send(
      up,
      'PUT',
      url,
      { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body,
      COMMIT_OK,
    );
  } catch (err) {
    throw contentProblem(up, meter) ?? err;
  }
  await res.body.dump();
  const problem = contentProblem(up, meter);
  if (problem !== undefined) throw problem;
  checkCommitted(up, res);
}

/** Sends the blob in PATCH chunks, then commits it with an empty PUT. */
export async function chunkedUpload(up: Upload): Promise<void> {
  const chunkSize = up.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const digester = createDigester(digestAlgorithm(up.digest) as 'sha256');
  let location = up.location;
  let offset = 0;
  const source = up.open();
  try {
    for await (const chunk of chunksOf(source, chunkSize)) {
      digester.update(chunk);
      if (up.size !== undefined && digester.size > up.size) break;
      const headers = {
        'content-type': 'application/octet-stream',
        'content-length': String(chunk.length),
        'content-range': `${offset}-${offset + chunk.length - 1}`,
      };
      const res = await send(up, 'PATCH', location, headers, () => chunk, [202, 204]);
      await res.body.dump();
      if (header(res.headers.location) !== undefined) location = nextLocation(up.endpoint, res);
      offset += chunk.length;
      up.onProgress?.(offset);
    }
  } finally {
    source.destroy();
  }
  const actual = digester.digest();
  const label = what(up.repo, up.digest);
  if (up.size !== undefined && digester.size !== up.size) {
    await cancel(up, location);
    throw registrySizeMismatch(`${label} (source)`, up.size, digester.size > up.size ? -1 : digester.size);
  }
  if (actual !== up.digest) {
    await cancel(up, location);
    throw registryDigestMismatch(`${label} (source)`, up.digest, actual, {
      hint: 'the bytes to push do not hash to the digest they were pushed under; nothing was committed',
    });
  }
  const commit = new URL(location);
  commit.searchParams.set('digest', up.digest);
  const res = await send(up, 'PUT', commit, { 'content-length': '0' }, () => Buffer.alloc(0), COMMIT_OK);
  await res.body.dump();
  checkCommitted(up, res);
}

function send(
  up: Upload,
  method: 'PUT' | 'PATCH' | 'DELETE',
  url: URL,
  headers: Record<string, string>,
  body: (() => Readable | Buffer) | undefined,
  expect: readonly number[],
): Promise<RegistryResponse> {
  return up.transport.send({
    endpoint: up.endpoint,
    method,
    url,
    headers,
    ...(body === undefined ? {} : { body }),
    scopes: [repositoryScope(up.repo.repository, 'push')],
    expect,
    what: `upload of ${what(up.repo, up.digest)}`,
    retry: false,
    ...(up.signal === undefined ? {} : { signal: up.signal }),
  });
}

async function cancel(up: Upload, location: URL): Promise<void> {
  try {
    const res = await send(up, 'DELETE', location, {}, undefined, [200, 202, 204, 404]);
    await res.body.dump();
  } catch {
    // Best effort: the registry expires abandoned uploads anyway.
  }
}

/** The source's own fault, if the bytes sent do not match the digest or size. */
function contentProblem(up: Upload, meter: Meter | undefined): Error | undefined {
  if (meter === undefined) return undefined;
  const label = `${what(up.repo, up.digest)} (source)`;
  const sent = meter.digester.size;
  if (meter.readableEnded || meter.writableFinished) {
    if (up.size !== undefined && sent !== up.size) return registrySizeMismatch(label, up.size, sent);
    const actual = meter.digester.digest();
    if (actual !== up.digest) {
      return registryDigestMismatch(label, up.digest, actual, {
        hint: 'the bytes to push do not hash to the digest they were pushed under; the registry refused them',
      });
    }
  } else if (up.size !== undefined && sent > up.size) {
    return registrySizeMismatch(label, up.size, -1);
  }
  return undefined;
}

function checkCommitted(up: Upload, res: RegistryResponse): void {
  const claimed = header(res.headers['docker-content-digest']);
  if (claimed !== undefined && isDigest(claimed) && claimed !== up.digest) {
    throw registryDigestMismatch(
      `${what(up.repo, up.digest)} as stored by ${up.endpoint.host}`,
      up.digest,
      claimed,
    );
  }
}

/** Re-cuts a stream into chunks of exactly `size` bytes (the last may be shorter). */
export async function* chunksOf(
  source: AsyncIterable<Buffer | string>,
  size: number,
): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const piece of source) {
    let buf = typeof piece === 'string' ? Buffer.from(piece) : piece;
    while (held + buf.length >= size) {
      const take = size - held;
      parts.push(buf.subarray(0, take));
      yield Buffer.concat(parts, size);
      parts = [];
      held = 0;
      buf = buf.subarray(take);
    }
    if (buf.length > 0) {
      parts.push(buf);
      held += buf.length;
    }
  }
  if (held > 0) yield Buffer.concat(parts, held);
}

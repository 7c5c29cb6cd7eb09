/**
 * Downloading a blob as a stream that verifies itself and survives dropped connections.
 *
 * The stream hashes every byte it passes on. At the end the digest (and the size, when known)
 * must match, or the stream fails with `DigestMismatchError` / `SizeMismatchError` instead of
 * ending: a caller that writes to a temp file and renames only after 'end' never keeps bad
 * data. More bytes than the expected size fail at once, without reading on. Content-Encoding
 * (gzip, deflate, br) is undone first, in reverse order; the digest is over the decoded bytes.
 *
 * When the connection drops mid-body, the download resumes with `Range: bytes=<offset>-` (never
 * for offset 0): a 206 whose Content-Range starts at the offset continues the stream, a 200
 * (Range ignored) is read from the start with the first <offset> bytes discarded, any other
 * range is an error ("unhandled content range"). It reconnects when this is the first resume,
 * or when at least 1 MiB arrived or 60 s passed since the previous one (containers/image's
 * rule); otherwise the failure stands. Encoded answers are not resumed. The stream emits
 * 'close' once it has ended, failed or been destroyed; the connection is released then.
 */
import { pipeline, Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { createDigester, type Digest, digestAlgorithm, isDigestAlgorithm } from '../oci/index.js';
import { type DisposableBody, discardBody } from './body.js';
import { connectionError } from './connection-errors.js';
import { parseContentLength, parseContentRange } from './content-headers.js';
import { RegistryError, registryDigestMismatch, registrySizeMismatch } from './errors.js';
import type { RegistryEndpoint } from './hosts.js';
import type { RepositoryRef } from './manifests.js';
import { isTransientNetworkError } from './retry.js';
import { repositoryScope } from './scope.js';
import { header, type RegistryResponse, type RegistryTransport } from './transport.js';

/** Options of a blob download. */
export interface BlobFetchOptions {
  /** Expected size; more or fewer bytes fail the stream. */
  readonly size?: number;
  readonly signal?: AbortSignal;
  /** Bytes delivered so far, after each chunk. */
  readonly onProgress?: (bytes: number) => void;
  /** Retry temporary failures of the first request (false on mirrors). */
  readonly retry?: boolean;
}

/** Reconnection thresholds (containers/image's body reader). */
export const RESUME_MIN_PROGRESS_BYTES = 1 << 20;
export const RESUME_MIN_INTERVAL_MS = 60_000;

/** Whether a broken download should reconnect (see the module comment). */
export function shouldResume(
  previousResume: boolean,
  bytesSinceResume: number,
  msSinceResume: number,
): boolean {
  return (
    !previousResume ||
    bytesSinceResume >= RESUME_MIN_PROGRESS_BYTES ||
    msSinceResume >= RESUME_MIN_INTERVAL_MS
  );
}

type Body = AsyncIterable<Buffer> & DisposableBody;

/** One download in progress: what it is, how to ask again, and the body being read. */
interface Download {
  readonly what: string;
  readonly digest: Digest;
  readonly ep: RegistryEndpoint;
  readonly opts: BlobFetchOptions;
  readonly encodings: readonly string[];
  readonly configFile: string | undefined;
  readonly firstUrl: URL;
  readonly request: (offset: number) => Promise<RegistryResponse>;
  body: Body;
}

/**
 * Starts downloading `digest` from `repo` on one endpoint. Resolves once the registry has
 * answered 200 (so a missing blob rejects here); the bytes then flow through the stream.
 */
export async function openBlob(
  t: RegistryTransport,
  ep: RegistryEndpoint,
  repo: RepositoryRef,
  digest: Digest,
  opts: BlobFetchOptions,
): Promise<Readable> {
  if (!isDigestAlgorithm(digestAlgorithm(digest)))
    throw new RangeError(`cannot verify the algorithm of ${digest}`);
  const what = `blob ${digest} of ${repo.registry}/${repo.repository}`;
  const request = (range: number): Promise<RegistryResponse> =>
    t.send({
      endpoint: ep,
      method: 'GET',
      url: t.apiUrl(ep, `${repo.repository}/blobs/${digest}`),
      headers: range > 0 ? { range: `bytes=${range}-` } : {},
      scopes: [repositoryScope(repo.repository, 'pull')],
      expect: range > 0 ? [200, 206] : [200],
      what,
      ...(opts.retry === undefined || range > 0 ? {} : { retry: opts.retry }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
  const first = await request(0);
  const declared = parseContentLength(first.headers['content-length']);
  const encodings = contentEncodings(header(first.headers['content-encoding']));
  if (opts.size !== undefined && declared !== undefined && encodings.length === 0 && declared !== opts.size) {
    discardBody(first.body);
    throw registrySizeMismatch(what, opts.size, declared);
  }
  let body: Body;
  try {
    body = decode(first.body as Body, encodings, ep.host);
  } catch (err) {
    discardBody(first.body);
    throw err;
  }
  const dl: Download = {
    what,
    digest,
    ep,
    opts,
    encodings,
    configFile: t.configFile,
    firstUrl: first.url,
    request,
    body,
  };
  const out = Readable.from(verifiedChunks(dl), { objectMode: false, highWaterMark: 1 << 20 });
  // Destroyed before the first read, the generator never runs its cleanup: drop the body here.
  out.once('close', () => discardBody(dl.body));
  return out;
}

/** A ranged request from `offset` on, as a body positioned at `offset`. */
async function reopenAt(dl: Download, offset: number): Promise<Body> {
  const res = await dl.request(offset);
  if (res.status === 200) return skipBytes(res.body as Body, offset);
  const range = parseContentRange(res.headers['content-range']);
  if (range === undefined || range.first !== offset) {
    discardBody(res.body);
    const got = JSON.stringify(res.headers['content-range']);
    throw new RegistryError(
      'E_REGISTRY_PROTOCOL',
      `unhandled content range ${got} when resuming ${dl.what} at byte ${offset}`,
      {
        registry: dl.ep.host,
        status: res.status,
        temporary: false,
      },
    );
  }
  return res.body as Body;
}

/** The bytes of a download, hashed, counted, resumed after resets and verified at the end. */
async function* verifiedChunks(dl: Download): AsyncGenerator<Buffer> {
  const { opts, what } = dl;
  const digester = createDigester(digestAlgorithm(dl.digest) as 'sha256');
  let received = 0;
  let resumed = false;
  let lastResumeAt = Date.now();
  let lastResumeOffset = 0;
  try {
    for (;;) {
      try {
        for await (const chunk of dl.body) {
          received += chunk.length;
          if (opts.size !== undefined && received > opts.size)
            throw registrySizeMismatch(what, opts.size, -1);
          digester.update(chunk);
          opts.onProgress?.(received);
          yield chunk;
        }
        break;
      } catch (err) {
        const transient = isTransientNetworkError(err);
        if (opts.size !== undefined && received === opts.size && transient) break;
        const resumable =
          dl.encodings.length === 0 &&
          transient &&
          !opts.signal?.aborted &&
          shouldResume(resumed, received - lastResumeOffset, Date.now() - lastResumeAt);
        if (!resumable) {
          const ctx = { endpoint: dl.ep, method: 'GET', url: dl.firstUrl, configFile: dl.configFile, what };
          throw connectionError(err, ctx);
        }
        discardBody(dl.body);
        dl.body = await reopenAt(dl, received);
        resumed = true;
        lastResumeAt = Date.now();
        lastResumeOffset = received;
      }
    }
    if (opts.size !== undefined && received !== opts.size)
      throw registrySizeMismatch(what, opts.size, received);
    const actual = digester.digest();
    if (actual !== dl.digest) throw registryDigestMismatch(`${what} from ${dl.ep.host}`, dl.digest, actual);
  } finally {
    discardBody(dl.body);
  }
}

/** The Content-Encoding list, without `identity`. */
function contentEncodings(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '' && e !== 'identity');
}

/** Undoes the encodings, last applied first. */
function decode(body: Body, encodings: readonly string[], registry: string): Body {
  if (encodings.length === 0) return body;
  const stages = [...encodings].reverse().map((e) => {
    if (e === 'gzip' || e === 'x-gzip') return createGunzip();
    if (e === 'deflate') return createInflate();
    if (e === 'br') return createBrotliDecompress();
    throw new RegistryError(
      'E_REGISTRY_PROTOCOL',
      `the registry sent the blob with Content-Encoding ${JSON.stringify(e)}, which this Node version cannot decode`,
      { registry, temporary: false },
    );
  });
  return pipeline([body as unknown as Readable, ...stages], () => undefined) as unknown as Body;
}

/** Drops the first `n` bytes of a body. */
function skipBytes(body: Body, n: number): Body {
  let left = n;
  const gen = async function* (): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of body) {
        if (left >= chunk.length) {
          left -= chunk.length;
          continue;
        }
        const rest = left > 0 ? chunk.subarray(left) : chunk;
        left = 0;
        yield rest;
      }
    } finally {
      discardBody(body);
    }
  };
  const readable = Readable.from(gen(), { objectMode: false });
  return readable as unknown as Body;
}

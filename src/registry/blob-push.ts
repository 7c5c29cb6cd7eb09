/**
 * Uploading a blob to a repository, streaming, with the least work the registry allows.
 *
 * 1. HEAD `/blobs/<digest>`: 200 means it is there already (nothing is read from the source).
 *    A refusal (401/403) on the HEAD is not fatal: the push goes on and meets its own answer.
 * 2. With `mountFrom` (a repository of the same registry), POST
 *    `/blobs/uploads/?mount=<digest>&from=<repo>`, asking for `pull` on the source too: 201
 *    means mounted; 202 starts a normal upload at the Location; a refusal repeats the POST
 *    without mount.
 * 3. Otherwise POST `/blobs/uploads/` → 202 with a Location (relative or absolute; resolved
 *    against the request URL, query kept; a Location on another host gets no credentials and
 *    must not be an internal address).
 * 4. The bytes go in monolithic (known size, the default) or chunked (unknown size, or
 *    `chunked: true`), see `blob-upload.ts`, verified against the digest on the way.
 * A temporary failure anywhere in 2–4 restarts the upload from the POST with a fresh source,
 * within the retry policy's attempts (upload requests themselves are never replayed: the
 * registry may have kept part of a broken body).
 */
import type { Readable } from 'node:stream';
import { type Digest, digestAlgorithm, isDigestAlgorithm } from '../oci/index.js';
import { chunkedUpload, monolithicUpload, type Upload } from './blob-upload.js';
import { isRegistryError } from './errors.js';
import type { RegistryEndpoint } from './hosts.js';
import type { RepositoryRef } from './manifests.js';
import { type RetryPolicy, retryDelay, sleep } from './retry.js';
import { repositoryScope } from './scope.js';
import type { RegistryTransport } from './transport.js';
import { nextLocation } from './upload-location.js';

/** Options of a blob push. */
export interface PushBlobOptions {
  /** A repository of the same registry that has the blob: try a cross-repository mount. */
  readonly mountFrom?: string;
  /** Use PATCH chunks even when the size is known. */
  readonly chunked?: boolean;
  /** Bytes per PATCH; default 8 MiB. */
  readonly chunkSize?: number;
  readonly signal?: AbortSignal;
  /** Bytes sent so far in the current attempt. */
  readonly onProgress?: (bytes: number) => void;
}

/** What a push did. */
export interface PushBlobResult {
  readonly status: 'exists' | 'mounted' | 'uploaded';
}

/** Everything a push needs besides the blob. */
export interface PushContext {
  readonly transport: RegistryTransport;
  readonly endpoint: RegistryEndpoint;
  readonly retry: RetryPolicy;
  readonly random?: () => number;
}

/** Pushes one blob (see the module comment). `size` undefined means unknown. */
export async function pushBlobTo(
  ctx: PushContext,
  repo: RepositoryRef,
  digest: Digest,
  size: number | undefined,
  open: () => Readable,
  opts: PushBlobOptions = {},
): Promise<PushBlobResult> {
  if (!isDigestAlgorithm(digestAlgorithm(digest)))
    throw new RangeError(`cannot verify digest algorithm of ${digest}`);
  if (await exists(ctx, repo, digest, opts.signal)) return { status: 'exists' };
  for (let attempt = 1; ; attempt++) {
    try {
      const start = await startUpload(ctx, repo, digest, opts);
      if (start === 'mounted') return { status: 'mounted' };
      const up: Upload = {
        transport: ctx.transport,
        endpoint: ctx.endpoint,
        repo,
        digest,
        size,
        open,
        location: start,
        ...(opts.chunkSize === undefined ? {} : { chunkSize: opts.chunkSize }),
        ...(opts.signal === undefined ? {} : { signal: opts.signal }),
        ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
      };
      if (opts.chunked === true || size === undefined) await chunkedUpload(up);
      else await monolithicUpload(up);
      return { status: 'uploaded' };
    } catch (err) {
      const again =
        isRegistryError(err) && err.temporary && attempt < ctx.retry.maxAttempts && !opts.signal?.aborted;
      if (!again) throw err;
      await sleep(retryDelay(attempt, ctx.retry, undefined, ctx.random), opts.signal);
    }
  }
}

function what(repo: RepositoryRef, digest: Digest): string {
  return `blob ${digest} of ${repo.registry}/${repo.repository}`;
}

/** True when the repository has the blob. */
export async function blobExistsAt(
  t: RegistryTransport,
  ep: RegistryEndpoint,
  repo: RepositoryRef,
  digest: Digest,
  signal?: AbortSignal,
  access: 'pull' | 'push' = 'pull',
): Promise<boolean> {
  const res = await t.send({
    endpoint: ep,
    method: 'HEAD',
    url: t.apiUrl(ep, `${repo.repository}/blobs/${digest}`),
    scopes: [repositoryScope(repo.repository, access)],
    expect: [200, 404],
    what: what(repo, digest),
    ...(signal === undefined ? {} : { signal }),
  });
  await res.body.dump();
  return res.status === 200;
}

async function exists(
  ctx: PushContext,
  repo: RepositoryRef,
  digest: Digest,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    return await blobExistsAt(ctx.transport, ctx.endpoint, repo, digest, signal, 'push');
  } catch (err) {
    if (isRegistryError(err) && (err.status === 401 || err.status === 403)) return false;
    throw err;
  }
}

async function startUpload(
  ctx: PushContext,
  repo: RepositoryRef,
  digest: Digest,
  opts: PushBlobOptions,
): Promise<URL | 'mounted'> {
  const { transport: t, endpoint: ep } = ctx;
  const push = repositoryScope(repo.repository, 'push');
  const base = {
    endpoint: ep,
    method: 'POST' as const,
    headers: { 'content-length': '0' },
    what: `upload of ${what(repo, digest)}`,
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  };
  if (opts.mountFrom !== undefined && opts.mountFrom !== repo.repository) {
    try {
      const res = await t.send({
        ...base,
        url: t.apiUrl(ep, `${repo.repository}/blobs/uploads/`, { mount: digest, from: opts.mountFrom }),
        scopes: [push, repositoryScope(opts.mountFrom, 'pull')],
        expect: [201, 202],
      });
      await res.body.dump();
      if (res.status === 201) return 'mounted';
      return nextLocation(ep, res);
    } catch (err) {
      if (
        !(
          isRegistryError(err) &&
          (err.status === 401 || err.status === 403 || err.code === 'E_REGISTRY_UNAUTHORIZED')
        )
      ) {
        throw err;
      }
    }
  }
  const res = await t.send({
    ...base,
    url: t.apiUrl(ep, `${repo.repository}/blobs/uploads/`),
    scopes: [push],
    expect: [202],
  });
  await res.body.dump();
  return nextLocation(ep, res);
}

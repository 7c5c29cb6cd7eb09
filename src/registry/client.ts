/**
 * `RegistryClient`: the OCI distribution client Manifold pulls and pushes with.
 *
 * It is built from a hosts configuration (buildkitd.toml's registry tables), a credential
 * source, an undici dispatcher the caller owns (normally `createRegistryAgent(hosts)`) and a few
 * limits. Pulls (manifests, blobs) try the endpoints of `resolveHosts` in order: every mirror
 * first, then the origin; a mirror that fails or does not have the content falls through to the
 * next without retrying (retries happen on the last endpoint), and the origin's answer decides.
 * Pushes, existence checks and tag lists go to the origin only. At most `maxConcurrency`
 * operations run at once (a blob download holds its slot until its stream is done), which
 * together with streaming and the 4 MiB manifest cap bounds memory: no blob is ever buffered.
 * The client keeps auth state (challenges, tokens) per instance; there is no global state.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Digest } from '../oci/index.js';
import { manifoldVersion } from '../version.js';
import { type BlobFetchOptions, openBlob } from './blob-fetch.js';
import { blobExistsAt, type PushBlobOptions, type PushBlobResult, pushBlobTo } from './blob-push.js';
import { type CredentialSource, noCredentials } from './credentials.js';
import { pushEndpoint, type RegistryEndpoint, resolveHosts } from './hosts.js';
import { emptyHostsConfig, type HostsConfig } from './hosts-config.js';
import { Limiter } from './limiter.js';
import {
  type FetchedManifest,
  fetchManifest,
  headManifestAt,
  type ManifestDescriptor,
  type ManifestRef,
  putManifestAt,
  type RepositoryRef,
} from './manifests.js';
import { type RetryPolicy, resolveRetryPolicy } from './retry.js';
import { listTagsAt } from './tags.js';
import { RegistryTransport } from './transport.js';

/** Options of a `RegistryClient`. */
export interface RegistryClientOptions {
  /** The undici dispatcher to send through (the caller creates and closes it). */
  readonly dispatcher: Dispatcher;
  /** Registry host tables; default: none (BuildKit's defaults). */
  readonly hosts?: HostsConfig;
  /** Where credentials come from; default: none (anonymous). */
  readonly credentials?: CredentialSource;
  /** Operations in flight at once; default 4. */
  readonly maxConcurrency?: number;
  /** Retry policy overrides. */
  readonly retry?: Partial<RetryPolicy>;
  /** Largest manifest accepted; default 4 MiB (containers/image's cap). */
  readonly maxManifestBytes?: number;
  /** Bytes per PATCH of a chunked upload; default 8 MiB. */
  readonly chunkSize?: number;
  readonly userAgent?: string;
  /** For tests: randomness of the backoff jitter, and the clock. */
  readonly random?: () => number;
  readonly now?: () => number;
}

/** Options of calls that may be cancelled. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** Options of manifest reads. */
export interface GetManifestOptions extends CallOptions {
  /** Media types to accept; default every OCI and Docker manifest and index type. */
  readonly accept?: readonly string[];
}

const DEFAULT_MAX_MANIFEST = 4 << 20;

/** The distribution client (see the module comment). */
export class RegistryClient {
  readonly #hosts: HostsConfig;
  readonly #transport: RegistryTransport;
  readonly #limiter: Limiter;
  readonly #retry: RetryPolicy;
  readonly #maxManifest: number;
  readonly #chunkSize: number | undefined;
  readonly #random: (() => number) | undefined;

  constructor(options: RegistryClientOptions) {
    this.#hosts = options.hosts ?? emptyHostsConfig();
    this.#retry = resolveRetryPolicy(options.retry);
    this.#limiter = new Limiter(options.maxConcurrency ?? 4);
    this.#maxManifest = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST;
    this.#chunkSize = options.chunkSize;
    this.#random = options.random;
    this.#transport = new RegistryTransport({
      dispatcher: options.dispatcher,
      credentials: options.credentials ?? noCredentials(),
      retry: this.#retry,
      configFile: this.#hosts.file,
      userAgent: options.userAgent ?? `manifold/${manifoldVersion()}`,
      ...(options.random === undefined ? {} : { random: options.random }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  }

  /** The endpoints a pull of `registry` tries, in order. */
  endpoints(registry: string): RegistryEndpoint[] {
    return resolveHosts(registry, this.#hosts);
  }

  /** Fetches a manifest or index: exact bytes, media type and verified digest. */
  getManifest(ref: ManifestRef, options: GetManifestOptions = {}): Promise<FetchedManifest> {
    return this.#limiter.run(() =>
      this.#pull(ref.registry, (ep, last) =>
        fetchManifest(this.#transport, ep, ref, this.#manifestOpts(options, last)),
      ),
    );
  }

  /** Digest, size and media type of a manifest, or undefined when no endpoint has it. */
  headManifest(ref: ManifestRef, options: GetManifestOptions = {}): Promise<ManifestDescriptor | undefined> {
    return this.#limiter.run(() =>
      this.#pull(ref.registry, async (ep, last) => {
        const found = await headManifestAt(this.#transport, ep, ref, this.#manifestOpts(options, last));
        if (found === undefined && !last)
          throw new Error(
            `mirror ${ep.host} does not have ${ref.repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`}`,
          );
        return found;
      }),
    );
  }

  /**
   * Digest, size and media type of a manifest at the origin registry only (never a mirror):
   * what a push would overwrite. Undefined when the origin has no such tag or digest.
   */
  headManifestAtOrigin(
    ref: ManifestRef,
    options: GetManifestOptions = {},
  ): Promise<ManifestDescriptor | undefined> {
    const ep = pushEndpoint(ref.registry, this.#hosts);
    return this.#limiter.run(() =>
      headManifestAt(this.#transport, ep, ref, this.#manifestOpts(options, true)),
    );
  }

  /** Stores a manifest under a tag or a digest; returns its digest. */
  putManifest(
    repo: RepositoryRef,
    tagOrDigest: string,
    bytes: Uint8Array,
    mediaType: string,
    options: CallOptions = {},
  ): Promise<Digest> {
    const ep = pushEndpoint(repo.registry, this.#hosts);
    return this.#limiter.run(() =>
      putManifestAt(this.#transport, ep, repo, tagOrDigest, bytes, mediaType, {
        maxBytes: this.#maxManifest,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      }),
    );
  }

  /** True when the origin registry has the blob in the repository. */
  blobExists(repo: RepositoryRef, digest: Digest, options: CallOptions = {}): Promise<boolean> {
    const ep = pushEndpoint(repo.registry, this.#hosts);
    return this.#limiter.run(() => blobExistsAt(this.#transport, ep, repo, digest, options.signal));
  }

  /**
   * Opens a blob as a verified stream (see `blob-fetch.ts`). Resolves once an endpoint has
   * answered; the stream fails instead of ending when the bytes do not match the digest.
   * Consume or destroy the stream: it holds one of the `maxConcurrency` slots until it closes.
   */
  async fetchBlob(
    repo: RepositoryRef,
    digest: Digest,
    options: Omit<BlobFetchOptions, 'retry'> = {},
  ): Promise<Readable> {
    const release = await this.#limiter.acquire();
    try {
      const stream = await this.#pull(repo.registry, (ep, last) =>
        openBlob(this.#transport, ep, repo, digest, { ...options, retry: last }),
      );
      stream.once('close', release);
      return stream;
    } catch (err) {
      release();
      throw err;
    }
  }

  /**
   * Uploads a blob unless the repository has it (see `blob-push.ts`). `open` is called for
   * every upload attempt and must give the same bytes each time; `size` undefined = unknown.
   */
  pushBlob(
    repo: RepositoryRef,
    digest: Digest,
    size: number | undefined,
    open: () => Readable,
    options: PushBlobOptions = {},
  ): Promise<PushBlobResult> {
    const ctx = {
      transport: this.#transport,
      endpoint: pushEndpoint(repo.registry, this.#hosts),
      retry: this.#retry,
      ...(this.#random === undefined ? {} : { random: this.#random }),
    };
    const opts =
      this.#chunkSize === undefined || options.chunkSize !== undefined
        ? options
        : { ...options, chunkSize: this.#chunkSize };
    return this.#limiter.run(() => pushBlobTo(ctx, repo, digest, size, open, opts));
  }

  /** Every tag of a repository (origin only). */
  listTags(repo: RepositoryRef, options: CallOptions = {}): Promise<string[]> {
    const ep = pushEndpoint(repo.registry, this.#hosts);
    return this.#limiter.run(() => listTagsAt(this.#transport, ep, repo, options.signal));
  }

  #manifestOpts(options: GetManifestOptions, last: boolean) {
    return {
      maxBytes: this.#maxManifest,
      retry: last,
      ...(options.accept === undefined ? {} : { accept: options.accept }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
  }

  /**
   * Tries `op` on each pull endpoint in order; the last endpoint's outcome stands. When it is a
   * failure, what the mirrors before it answered is added to its message: why the origin was
   * asked at all (a mirror without the image, or a broken one).
   */
  async #pull<T>(registry: string, op: (ep: RegistryEndpoint, last: boolean) => Promise<T>): Promise<T> {
    const endpoints = this.endpoints(registry);
    const mirrorFailures: string[] = [];
    for (let i = 0; ; i++) {
      const ep = endpoints[i] as RegistryEndpoint;
      const last = i === endpoints.length - 1;
      try {
        return await op(ep, last);
      } catch (err) {
        if (err instanceof Error && err.name === 'AbortError') throw err;
        if (last) {
          if (err instanceof Error && mirrorFailures.length > 0)
            err.message = `${err.message} (mirrors tried first: ${mirrorFailures.join('; ')})`;
          throw err;
        }
        // The messages name the mirror they came from.
        mirrorFailures.push(err instanceof Error ? err.message : String(err));
      }
    }
  }
}

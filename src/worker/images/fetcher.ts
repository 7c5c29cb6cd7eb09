/**
 * What the worker needs from a registry to use a base image: a manifest by tag or digest, and
 * blobs. The registry client implements it (through mirrors and credentials); the worker never
 * talks HTTP itself.
 */
import type { Readable } from 'node:stream';
import type { Digest } from '../../oci/index.js';
import type { Reference } from '../../registry/reference/index.js';

/** A manifest or index as a registry served it. */
export interface FetchedManifest {
  readonly bytes: Buffer;
  readonly mediaType: string;
  readonly digest: Digest;
}

/** Read access to registries. */
export interface ImageFetcher {
  /** The manifest or index `ref` names (its digest when it has one, else its tag). */
  fetchManifest(ref: Reference, signal?: AbortSignal): Promise<FetchedManifest>;
  /** A blob of `ref`'s repository, verified against `digest` as it streams. */
  fetchBlob(ref: Reference, digest: Digest, signal?: AbortSignal): Promise<Readable>;
}

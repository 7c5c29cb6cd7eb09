/**
 * The content store and image store: an OCI image layout on disk (`oci-layout`, `index.json`,
 * `blobs/sha256/<hex>`) that skopeo (`oci:DIR:NAME`) and umoci (`--image DIR:NAME`) read as is.
 *
 * Semantics:
 * - Blobs are content-addressed and immutable. A write streams into `ingest/`, is verified
 *   against its digest (and size), fsynced and renamed into place; a mismatch stores nothing
 *   (`E_DIGEST_MISMATCH`, `E_SIZE_MISMATCH`); writing a blob that exists is a no-op.
 * - Names are full references (`docker.io/library/alpine:latest`) held in index.json entries
 *   under both `org.opencontainers.image.ref.name` and `io.containerd.image.name` (names.ts
 *   says why). Every index.json change takes an exclusive lock file and replaces the file
 *   atomically; readers never lock. An image is named only once all its blobs are present.
 * - Any number of processes may share a store; a kill -9 at any point leaves it consistent:
 *   what a dead writer left in `ingest/` is removed by the next gc, a dead holder's lock is
 *   broken by the next writer.
 * - gc frees blobs unreachable from every name, from the caller's extra roots (build cache) and
 *   from other live processes' leases (blobs written but not yet named).
 * Where the store lives (under MANIFOLD_HOME) is the caller's choice: pass the directory.
 */
export {
  BLOB_CHUNK_SIZE,
  type BlobExpectation,
  type BlobSource,
  DEFAULT_MAX_BLOB_BYTES,
  type WriteBlobOptions,
  type WriteBlobResult,
} from './blob-store.js';
export {
  ContentStore,
  type ContentStoreOptions,
  type NameCheck,
  openContentStore,
  type SetNameOptions,
} from './content-store.js';
export {
  BlobNotFoundError,
  BlobTooLargeError,
  DigestMismatchError,
  ImageNotFoundError,
  IncompleteImageError,
  InvalidImageNameError,
  SizeMismatchError,
  StoreCorruptError,
  StoreLockedError,
} from './errors.js';
export { GC_DEFAULTS, type GcOptions, type GcResult } from './gc.js';
export {
  ImageStore,
  type ImageSummary,
  openImageStore,
  type PutImageOptions,
  type RemoveImageOptions,
  type RemoveImageResult,
} from './image-store.js';
export type { LockOptions } from './lock.js';
export { checkImageName, type NamedDescriptor } from './names.js';

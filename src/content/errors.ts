/**
 * Errors of the content store and image store. Each has a stable code; messages quote the
 * digest, name or path involved, state the rule, and say what to do.
 */
import { ManifoldError, type ManifoldErrorOptions } from '../errors/index.js';

/**
 * Content that does not match its digest (`E_DIGEST_MISMATCH`) or size (`E_SIZE_MISMATCH`): one
 * definition for the store and the registry client, in the OCI model both depend on.
 */
export { DigestMismatchError, SizeMismatchError } from '../oci/index.js';

/** A blob that is not in the store (`E_BLOB_NOT_FOUND`). */
export class BlobNotFoundError extends ManifoldError {
  /** The digest that was looked up. */
  readonly digest: string;
  constructor(digest: string, root: string, options: ManifoldErrorOptions = {}) {
    super('E_BLOB_NOT_FOUND', `blob ${digest} is not in the content store at ${root}`, {
      hint: options.hint ?? 'pull or build the image that contains it again',
      cause: options.cause,
    });
    this.name = 'BlobNotFoundError';
    this.digest = digest;
  }
}

/** A blob read into memory that is larger than the caller's cap (`E_BLOB_TOO_LARGE`). */
export class BlobTooLargeError extends ManifoldError {
  readonly digest: string;
  readonly size: number;
  readonly limit: number;
  constructor(digest: string, size: number, limit: number) {
    super(
      'E_BLOB_TOO_LARGE',
      `blob ${digest} is ${size} bytes, more than the ${limit} bytes allowed in memory`,
      {
        hint: 'only manifests, indexes and configs are read whole; stream larger blobs with openBlob',
      },
    );
    this.name = 'BlobTooLargeError';
    this.digest = digest;
    this.size = size;
    this.limit = limit;
  }
}

/** An image name the store cannot hold (`E_IMAGE_NAME_INVALID`). */
export class InvalidImageNameError extends ManifoldError {
  /** The name as given. */
  readonly input: string;
  constructor(input: string, rule: string) {
    super('E_IMAGE_NAME_INVALID', `invalid image name ${JSON.stringify(input)}: ${rule}`, {
      hint: 'pass a full reference such as docker.io/library/alpine:latest',
    });
    this.name = 'InvalidImageNameError';
    this.input = input;
  }
}

/** A name that no image in the store has (`E_IMAGE_NOT_FOUND`). */
export class ImageNotFoundError extends ManifoldError {
  /** The name that was looked up. */
  readonly imageName: string;
  constructor(imageName: string, known: readonly string[]) {
    const some = known.slice(0, 5).join(', ');
    super('E_IMAGE_NOT_FOUND', `no image named ${JSON.stringify(imageName)} in the image store`, {
      hint:
        known.length === 0
          ? 'the store is empty: pull or build the image first'
          : `names in the store include ${some}${known.length > 5 ? ', …' : ''}; pull or build it first`,
    });
    this.name = 'ImageNotFoundError';
    this.imageName = imageName;
  }
}

/** An image that cannot be named because some of its blobs are missing (`E_IMAGE_INCOMPLETE`). */
export class IncompleteImageError extends ManifoldError {
  readonly imageName: string;
  /** Digests referenced by the image and absent from the store. */
  readonly missing: readonly string[];
  constructor(imageName: string, root: string, missing: readonly string[], rule = '') {
    const list =
      missing.slice(0, 5).join(', ') + (missing.length > 5 ? `, … (${missing.length} in all)` : '');
    super(
      'E_IMAGE_INCOMPLETE',
      `refusing to name ${root} as ${JSON.stringify(imageName)}: ${rule || `missing blob(s) ${list}`}`,
      { hint: 'write every config, layer and manifest blob of the image before naming it' },
    );
    this.name = 'IncompleteImageError';
    this.imageName = imageName;
    this.missing = missing;
  }
}

/** The index lock could not be taken in time (`E_STORE_LOCKED`). */
export class StoreLockedError extends ManifoldError {
  readonly lockPath: string;
  constructor(lockPath: string, holder: string, waitedMs: number) {
    super('E_STORE_LOCKED', `the image store is locked by ${holder}; gave up after ${waitedMs} ms`, {
      hint: `wait for the other Manifold process to finish; if none runs, remove ${lockPath}`,
    });
    this.name = 'StoreLockedError';
    this.lockPath = lockPath;
  }
}

/** A store whose files are not a readable OCI image layout (`E_STORE_CORRUPT`). */
export class StoreCorruptError extends ManifoldError {
  /** The file that could not be read. */
  readonly path: string;
  constructor(path: string, rule: string, options: ManifoldErrorOptions = {}) {
    super('E_STORE_CORRUPT', `${path} is not a valid OCI image layout file: ${rule}`, {
      hint: options.hint ?? 'repair or remove the file; Manifold never writes it half-way',
      cause: options.cause,
    });
    this.name = 'StoreCorruptError';
    this.path = path;
  }
}

/**
 * Content digests: `algorithm:encoded`, as the OCI image spec and go-digest define them.
 *
 * Manifold produces and accepts the three algorithms go-digest registers: `sha256` (64 lower-case
 * hex digits), `sha384` (96) and `sha512` (128). Upper-case hex is rejected: digests are compared
 * as strings everywhere, so one value must have one spelling. `parseDigest` is the only way to
 * turn a string into a `Digest`; everything past it passes the branded type.
 *
 * Hashing uses node:crypto: `sha256Digest` for bytes in memory, `createDigester` for chunks you
 * feed yourself, `hashingStream` for a pass-through Transform that reports digest and size once
 * the stream has ended, and `digestReadable` to drain any async iterable of bytes.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { InvalidDigestError } from './errors.js';

/** A validated `algorithm:encoded` digest string. Create with `parseDigest` or by hashing. */
export type Digest = string & { readonly __brand: 'Digest' };

/** Digest algorithms Manifold can compute and verify. */
export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

/** Length of the hex-encoded part for each supported algorithm. */
export const DIGEST_HEX_LENGTH: Readonly<Record<DigestAlgorithm, number>> = {
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

/** The general grammar of the OCI spec: `algorithm` components joined by `+._-`, then `:encoded`. */
export const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** True when `name` is an algorithm Manifold can compute. */
export function isDigestAlgorithm(name: string): name is DigestAlgorithm {
  return Object.hasOwn(DIGEST_HEX_LENGTH, name);
}

/**
 * Parses and checks a digest string.
 * @throws InvalidDigestError (`E_DIGEST_INVALID`) quoting the input and the rule it breaks.
 */
export function parseDigest(s: string): Digest {
  const problem = digestProblem(s);
  if (problem !== undefined) throw new InvalidDigestError(s, problem);
  return s as Digest;
}

/** True when `s` is a digest `parseDigest` accepts. */
export function isDigest(s: unknown): s is Digest {
  return typeof s === 'string' && digestProblem(s) === undefined;
}

/** The rule `s` breaks as a Manifold digest, or undefined when it is fine. */
function digestProblem(s: string): string | undefined {
  const colon = s.indexOf(':');
  if (colon < 0) return 'expected algorithm:hex, such as sha256:<64 hex digits>, but there is no ":"';
  const algorithm = s.slice(0, colon);
  const encoded = s.slice(colon + 1);
  if (!isDigestAlgorithm(algorithm)) {
    return `unsupported algorithm ${JSON.stringify(algorithm)}: use sha256, sha384 or sha512`;
  }
  return encodedProblem(algorithm, encoded);
}

/**
 * The rule the encoded part breaks for a known algorithm, or undefined. Shared with the OCI
 * validator, which applies it to known algorithms and only the general grammar to others.
 */
export function encodedProblem(algorithm: DigestAlgorithm, encoded: string): string | undefined {
  const want = DIGEST_HEX_LENGTH[algorithm];
  if (!/^[0-9a-f]*$/.test(encoded)) {
    return /^[0-9a-fA-F]*$/.test(encoded)
      ? `${algorithm} hex must be lower-case`
      : `${algorithm} digest must be hex digits 0-9a-f only`;
  }
  if (encoded.length !== want) {
    return `${algorithm} needs exactly ${want} hex digits, got ${encoded.length}`;
  }
  return undefined;
}

/** The algorithm part of a digest. */
export function digestAlgorithm(d: Digest): DigestAlgorithm {
  return d.slice(0, d.indexOf(':')) as DigestAlgorithm;
}

/** The encoded (hex) part of a digest, as used for `blobs/<alg>/<hex>` paths. */
export function digestEncoded(d: Digest): string {
  return d.slice(d.indexOf(':') + 1);
}

/** The sha256 digest of bytes held in memory. */
export function sha256Digest(bytes: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}` as Digest;
}

/** Digest and byte count of some content. */
export interface DigestResult {
  readonly digest: Digest;
  readonly size: number;
}

/** An incremental hasher: feed chunks with `update`, then read `digest()` once. */
export interface Digester {
  /** Adds bytes; returns the digester so calls chain. */
  update(chunk: Uint8Array | string): Digester;
  /** Bytes fed so far. */
  readonly size: number;
  /** Finishes hashing; a second call returns the same value. */
  digest(): Digest;
}

/** Creates an incremental hasher for `algorithm` (default sha256). */
export function createDigester(algorithm: DigestAlgorithm = 'sha256'): Digester {
  const hash: Hash = createHash(algorithm);
  let size = 0;
  let done: Digest | undefined;
  const digester: Digester = {
    update(chunk) {
      if (done !== undefined) throw new Error('createDigester: update() after digest()');
      size += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      hash.update(chunk);
      return digester;
    },
    get size() {
      return size;
    },
    digest() {
      done ??= `${algorithm}:${hash.digest('hex')}` as Digest;
      return done;
    },
  };
  return digester;
}

/**
 * A pass-through Transform that hashes and counts every byte written to it. The digest is known
 * once the writable side has finished: read `result` then, or await `finished()`.
 */
export class HashingStream extends Transform {
  readonly #digester: Digester;
  #result: DigestResult | undefined;

  constructor(algorithm: DigestAlgorithm = 'sha256') {
    super();
    this.#digester = createDigester(algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#digester.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#result = { digest: this.#digester.digest(), size: this.#digester.size };
    callback();
  }

  /** Bytes seen so far. */
  get bytesHashed(): number {
    return this.#digester.size;
  }

  /** Digest and size, or undefined while data is still coming. */
  get result(): DigestResult | undefined {
    return this.#result;
  }

  /** Resolves with digest and size when the input has ended; rejects if the stream errors first. */
  finished(): Promise<DigestResult> {
    const ready = this.#result;
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.once('error', onError);
      this.once('finish', () => {
        this.off('error', onError);
        const result = this.#result;
        if (result === undefined) reject(new Error('HashingStream finished without flushing'));
        else resolve(result);
      });
    });
  }
}

/** Creates a pass-through hashing Transform (see `HashingStream`). */
export function hashingStream(algorithm: DigestAlgorithm = 'sha256'): HashingStream {
  return new HashingStream(algorithm);
}

/** Hashes everything an async iterable (a file stream, a response body) yields. */
export async function digestReadable(
  source: AsyncIterable<Uint8Array | string>,
  algorithm: DigestAlgorithm = 'sha256',
): Promise<DigestResult> {
  const digester = createDigester(algorithm);
  for await (const chunk of source) digester.update(chunk);
  return { digest: digester.digest(), size: digester.size };
}

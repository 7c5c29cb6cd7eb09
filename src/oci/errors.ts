/**
 * Errors of the OCI image model: bad digests, unknown media types, documents that cannot be
 * decoded, encoded or that break the OCI rules, and content whose digest or size is not the one
 * its descriptor announced (one class each, which the content store and the registry client
 * both throw and re-export). Each has a stable code; messages quote the input.
 */
import { ManifoldError, type ManifoldErrorOptions } from '../errors/index.js';

/** A digest string that is not `algorithm:encoded` with a supported algorithm (`E_DIGEST_INVALID`). */
export class InvalidDigestError extends ManifoldError {
  /** The text that was rejected. */
  readonly input: string;
  constructor(input: string, rule: string, options: ManifoldErrorOptions = {}) {
    super('E_DIGEST_INVALID', `invalid digest ${JSON.stringify(input)}: ${rule}`, {
      hint: options.hint ?? 'a digest looks like sha256: followed by 64 lower-case hex digits',
      cause: options.cause,
    });
    this.name = 'InvalidDigestError';
    this.input = input;
  }
}

/** A media type Manifold does not handle where a known one is required (`E_MEDIA_TYPE_UNSUPPORTED`). */
export class UnsupportedMediaTypeError extends ManifoldError {
  /** The media type that was rejected. */
  readonly mediaType: string;
  constructor(mediaType: string, rule: string, options: ManifoldErrorOptions = {}) {
    super(
      'E_MEDIA_TYPE_UNSUPPORTED',
      `unsupported media type ${JSON.stringify(mediaType)}: ${rule}`,
      options,
    );
    this.name = 'UnsupportedMediaTypeError';
    this.mediaType = mediaType;
  }
}

/** A manifest, index, config or descriptor whose JSON cannot be read as one (`E_OCI_DECODE`). */
export class OciDecodeError extends ManifoldError {
  /** JSON path of the offending value, such as `layers[2].size` (empty for the document). */
  readonly path: string;
  constructor(what: string, path: string, rule: string, options: ManifoldErrorOptions = {}) {
    super('E_OCI_DECODE', `invalid ${what}${path === '' ? '' : ` at ${path}`}: ${rule}`, options);
    this.name = 'OciDecodeError';
    this.path = path;
  }
}

/** A value that cannot be written in the canonical encoding (`E_OCI_ENCODE`). */
export class OciEncodeError extends ManifoldError {
  constructor(path: string, rule: string, options: ManifoldErrorOptions = {}) {
    super('E_OCI_ENCODE', `cannot encode ${path}: ${rule}`, options);
    this.name = 'OciEncodeError';
  }
}

/** One broken rule found by a validator. */
export interface ValidationProblem {
  /** JSON path of the offending value (`/layers/0/digest`), `` for the document itself. */
  readonly path: string;
  /** What is wrong, quoting the value where that helps. */
  readonly message: string;
}

/** A document that fails OCI validation (`E_OCI_INVALID`); lists every problem found. */
export class OciValidationError extends ManifoldError {
  /** Every problem, in the order found. */
  readonly problems: readonly ValidationProblem[];
  constructor(what: string, problems: readonly ValidationProblem[], options: ManifoldErrorOptions = {}) {
    const lines = problems.map((p) => `  ${p.path === '' ? '(document)' : p.path}: ${p.message}`);
    super('E_OCI_INVALID', `invalid ${what}: ${problems.length} problem(s)\n${lines.join('\n')}`, {
      hint: options.hint ?? 'see the OCI image specification for the rules of this document',
      cause: options.cause,
    });
    this.name = 'OciValidationError';
    this.problems = problems;
  }
}

/**
 * Options of the content-check errors below: the layer that checked may give its own stable
 * code (the distribution client uses `E_REGISTRY_DIGEST_MISMATCH` and `E_REGISTRY_SIZE_MISMATCH`)
 * and hint.
 */
export interface ContentCheckOptions extends ManifoldErrorOptions {
  /** Stable code; `E_DIGEST_MISMATCH` or `E_SIZE_MISMATCH` when omitted. */
  readonly code?: string;
}

/** Bytes whose digest is not the one they were announced with (`E_DIGEST_MISMATCH`). */
export class DigestMismatchError extends ManifoldError {
  /** The digest the content was expected to have. */
  readonly expected: string;
  /** The digest of the bytes actually seen. */
  readonly actual: string;
  /** `what` names the content, such as `blob sha256:… of host/repo`. */
  constructor(what: string, expected: string, actual: string, options: ContentCheckOptions = {}) {
    super(
      options.code ?? 'E_DIGEST_MISMATCH',
      `digest mismatch for ${what}: expected ${expected}, got ${actual}`,
      {
        hint:
          options.hint ??
          'the content was corrupted or is not what its descriptor says; nothing was stored, fetch it again',
        cause: options.cause,
      },
    );
    this.name = 'DigestMismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}

/** Bytes whose length is not the size they were announced with (`E_SIZE_MISMATCH`). */
export class SizeMismatchError extends ManifoldError {
  /** The size the descriptor announced. */
  readonly expected: number;
  /**
   * The size seen: -1 when more came than expected and the reader stopped without counting (the
   * message then says `more`), else a lower bound when the input was cut short on overflow.
   */
  readonly actual: number;
  /** `what` names the content, such as `blob sha256:…`. */
  constructor(what: string, expected: number, actual: number, options: ContentCheckOptions = {}) {
    super(
      options.code ?? 'E_SIZE_MISMATCH',
      `size mismatch for ${what}: expected ${expected} bytes, got ${actual === -1 ? 'more' : actual}`,
      {
        hint:
          options.hint ?? 'the content was truncated or is not what its descriptor says; nothing was stored',
        cause: options.cause,
      },
    );
    this.name = 'SizeMismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}

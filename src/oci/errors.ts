/**
 * Errors of the OCI image model: bad digests, unknown media types, documents that cannot be
 * decoded, encoded or that break the OCI rules. Each has a stable code; messages quote the input.
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

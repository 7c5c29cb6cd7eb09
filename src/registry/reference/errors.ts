/** Errors of image reference parsing. */
import { ManifoldError, type ManifoldErrorOptions } from '../../errors/index.js';

/** An image reference that breaks the Docker reference grammar (`E_REFERENCE_INVALID`). */
export class InvalidReferenceError extends ManifoldError {
  /** The reference text that was rejected. */
  readonly input: string;
  /** The rule it breaks, without the input. */
  readonly rule: string;
  constructor(input: string, rule: string, options: ManifoldErrorOptions = {}) {
    super('E_REFERENCE_INVALID', `invalid image reference ${JSON.stringify(input)}: ${rule}`, {
      hint:
        options.hint ??
        'a reference looks like [registry[:port]/]repository[:tag][@sha256:<hex>], e.g. alpine:3.20',
      cause: options.cause,
    });
    this.name = 'InvalidReferenceError';
    this.input = input;
    this.rule = rule;
  }
}

/** Errors of the build outputs: a malformed `-o` attribute, an unusable destination. */
import { ManifoldError } from '../../errors/index.js';

/** An output attribute Manifold cannot accept (`E_OUTPUT_ATTR`). */
export class OutputAttributeError extends ManifoldError {
  constructor(message: string, hint: string) {
    super('E_OUTPUT_ATTR', message, { hint });
    this.name = 'OutputAttributeError';
  }
}

/** An output whose destination is missing or cannot be written (`E_OUTPUT_DEST`). */
export class OutputDestinationError extends ManifoldError {
  constructor(message: string, hint: string, cause?: unknown) {
    super('E_OUTPUT_DEST', message, cause === undefined ? { hint } : { hint, cause });
    this.name = 'OutputDestinationError';
  }
}

/**
 * The one error base of Manifold.
 *
 * Every error a user can meet is a `ManifoldError` with a stable `code` (`E_…`), a message that
 * quotes the input, states the rule and, where it can, says what to do, and an optional `hint`.
 * Only `src/cli/` turns an error into text and an exit code; it prints a stack only with `--debug`.
 */

/** Options every Manifold error accepts. */
export interface ManifoldErrorOptions {
  /** What to do about it, printed on its own line after the message. */
  hint?: string;
  /** The error this one wraps (ES2022 cause chain). */
  cause?: unknown;
}

/** Base class of every error Manifold throws on purpose. */
export class ManifoldError extends Error {
  /** Stable machine-readable code, such as `E_PLATFORM_INVALID`. */
  readonly code: string;
  /** What to do about it, if known. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: ManifoldErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ManifoldError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** True for any Manifold error, also across two copies of the package. */
export function isManifoldError(err: unknown): err is ManifoldError {
  return (
    err instanceof ManifoldError ||
    (typeof err === 'object' &&
      err !== null &&
      typeof (err as { code?: unknown }).code === 'string' &&
      String((err as { code: string }).code).startsWith('E_') &&
      err instanceof Error)
  );
}

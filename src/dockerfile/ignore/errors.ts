/**
 * Errors of `.dockerignore` reading, pattern matching and context walking.
 *
 * `DockerignorePatternError` is moby/patternmatcher's `filepath.ErrBadPattern` (and its "illegal
 * exclusion pattern" error): it quotes the pattern as the user wrote it.
 */
import { ManifoldError } from '../../errors/index.js';

/** Why a pattern was rejected. `bad-pattern` is Go's `filepath.ErrBadPattern`. */
export type PatternProblem = 'bad-pattern' | 'lone-exclusion';

/** A `.dockerignore` (or include/exclude filter) pattern that cannot be used. */
export class DockerignorePatternError extends ManifoldError {
  /** The pattern as given (for `lone-exclusion`, the `!`; otherwise without a leading `!`). */
  readonly pattern: string;
  /** `bad-pattern` for a syntax error, `lone-exclusion` for a `!` with nothing after it. */
  readonly problem: PatternProblem;

  constructor(pattern: string, problem: PatternProblem, detail?: string) {
    const message =
      problem === 'lone-exclusion'
        ? `invalid .dockerignore pattern "${pattern}": "!" must be followed by the pattern to re-include`
        : `invalid .dockerignore pattern "${pattern}": syntax error in pattern${detail ? ` (${detail})` : ''}`;
    const hint =
      problem === 'lone-exclusion'
        ? 'write !path to re-include path, or remove the line'
        : 'patterns follow Go filepath.Match syntax plus "**": close every "[" with "]", do not start a ' +
          'range with "-" or end it early, and escape a literal "[", "*", "?" or "\\" with a backslash';
    super('E_DOCKERIGNORE_PATTERN', message, { hint });
    this.name = 'DockerignorePatternError';
    this.pattern = pattern;
    this.problem = problem;
  }
}

/** True for the `ErrBadPattern` case (a syntax error), as `errors.Is(err, filepath.ErrBadPattern)`. */
export function isBadPatternError(err: unknown): err is DockerignorePatternError {
  return err instanceof DockerignorePatternError && err.problem === 'bad-pattern';
}

/** A `.dockerignore` file that exists but cannot be read or scanned. */
export class DockerignoreReadError extends ManifoldError {
  /** The file, when reading from disk. */
  readonly file: string | undefined;

  constructor(message: string, options: { file?: string; cause?: unknown; hint?: string } = {}) {
    super('E_DOCKERIGNORE_READ', message, { cause: options.cause, hint: options.hint });
    this.name = 'DockerignoreReadError';
    this.file = options.file;
  }
}

/** A `MatchInfo` that was not produced by the same matcher (its length differs). */
export class MatchInfoMismatchError extends ManifoldError {
  constructor(expected: number, got: number) {
    super(
      'E_DOCKERIGNORE_MATCH_INFO',
      `parent match info has ${got} values but the matcher has ${expected} patterns`,
      { hint: 'pass the MatchInfo returned by the same matcher for the parent directory, or an empty one' },
    );
    this.name = 'MatchInfoMismatchError';
  }
}

/** The build context directory cannot be walked. */
export class ContextWalkError extends ManifoldError {
  /** The path that failed. */
  readonly path: string;

  constructor(path: string, message: string, cause?: unknown) {
    super('E_CONTEXT_WALK', message, {
      cause,
      hint: 'check that the build context is a readable directory',
    });
    this.name = 'ContextWalkError';
    this.path = path;
  }
}

/**
 * Reading a Dockerfile into stages with BuildKit's error texts and no checks: what
 * `--call=targets` needs. The same reader as the check's (parse, then every instruction), so a
 * Dockerfile fails the same way under every `--call`.
 */
import { type DockerfileStages, readStages } from '../instructions/index.js';
import { type DockerfileAst, DockerfileParseError, parseDockerfile } from '../parser/index.js';
import { DEFAULT_CHECK_CONFIG } from './check-config.js';
import type { LintBuildError } from './lint.js';
import { Linter, lines } from './linter.js';
import { checkInstructions } from './parse-checks.js';
import { WalkStop } from './walk-state.js';

/** A Dockerfile read into stages, or the error BuildKit would stop with. */
export type ReadDockerfile =
  | { readonly ast: DockerfileAst; readonly stages: DockerfileStages; readonly error?: undefined }
  | { readonly error: LintBuildError };

/** Parses `source` and reads its stages, without running any check. */
export function readDockerfile(source: string | Uint8Array, file = 'Dockerfile'): ReadDockerfile {
  try {
    const ast = parseDockerfile(source, { file });
    checkInstructions(ast, new Linter(DEFAULT_CHECK_CONFIG, false));
    return { ast, stages: readStages(ast) };
  } catch (err) {
    if (err instanceof WalkStop) return { error: { message: err.message, location: err.location } };
    if (err instanceof DockerfileParseError) {
      return { error: { message: err.reason, location: lines(err.line, err.endLine) } };
    }
    throw err;
  }
}

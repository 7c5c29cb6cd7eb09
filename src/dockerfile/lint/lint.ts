/**
 * `--call=check`: BuildKit's build checks over one Dockerfile, without a registry.
 *
 * The rules are configured by the `# check=` directive, or by the `BUILDKIT_DOCKERFILE_CHECK`
 * build argument when it is given (check-config.ts). Without `--target` every stage is checked;
 * with it, the target and the stages it needs. A problem that would stop the build (a parse
 * error, a missing target, `error=true` with warnings…) becomes the result's `buildError`,
 * after the warnings found before it, as BuildKit reports it.
 */
import { parseDirective } from '../parser/index.js';
import { type CheckConfig, parseCheckConfig } from './check-config.js';
import { type LineRange, Linter, type LintWarning } from './linter.js';
import { type WalkOptions, walkDockerfile } from './walk.js';

/** Options of {@link lintDockerfile}. */
export type LintOptions = WalkOptions;

/** A problem that stops the check, as BuildKit's `lint.BuildError`. */
export interface LintBuildError {
  readonly message: string;
  /** Lines of the offending instruction; empty when the problem has no place in the file. */
  readonly location: readonly LineRange[];
}

/** The outcome of a check (BuildKit's `lint.LintResults`, one source). */
export interface LintResult {
  /** The Dockerfile's name as the frontend knows it, e.g. `Dockerfile`. */
  readonly file: string;
  /** The Dockerfile's bytes (the result's `sources`). */
  readonly data: Uint8Array;
  /** Warnings in the order the checks found them. */
  readonly warnings: readonly LintWarning[];
  readonly buildError?: LintBuildError;
}

/** The `BUILDKIT_DOCKERFILE_CHECK` build argument if given, else the `# check=` directive. */
function checkConfig(source: string | Uint8Array, options: LintOptions): CheckConfig | { problem: string } {
  const fromArg = options.buildArgs?.BUILDKIT_DOCKERFILE_CHECK;
  return parseCheckConfig(fromArg ?? parseDirective('check', source)?.cmdline ?? '');
}

/** Sorts and joins overlapping ranges (BuildKit's `mergeLocations`). */
function mergeRanges(ranges: readonly LineRange[]): LineRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: LineRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end)
      out[out.length - 1] = { start: last.start, end: Math.max(last.end, r.end) };
    else out.push({ ...r });
  }
  return out;
}

/** Runs the build checks on a Dockerfile. Never throws for a problem in the Dockerfile. */
export function lintDockerfile(source: string | Uint8Array, options: LintOptions): LintResult {
  const file = options.file ?? 'Dockerfile';
  const data = typeof source === 'string' ? new TextEncoder().encode(source) : source;
  const config = checkConfig(source, options);
  if ('problem' in config) {
    return {
      file,
      data,
      warnings: [],
      buildError: { message: `failed to parse check options: ${config.problem}`, location: [] },
    };
  }
  const linter = new Linter(config);
  const walk = walkDockerfile(source, options, linter, options.target === undefined);
  const result: LintResult = { file, data, warnings: linter.warnings() };
  if (!walk.error) return result;
  return {
    ...result,
    buildError: { message: walk.error.message, location: mergeRanges(walk.error.location) },
  };
}

/** The exit status BuildKit gives a check: 1 when it found warnings or an error, else 0. */
export function lintStatus(result: LintResult): number {
  return result.warnings.length > 0 || result.buildError ? 1 : 0;
}

/**
 * Build checks: BuildKit's Dockerfile lint rules as `docker buildx build --call=check` runs
 * them. Start with {@link lintDockerfile}, then {@link formatLintText} or {@link formatLintJson}.
 * The walk behind it ({@link walkDockerfile}) is also what `--call=outline` reads.
 */
export { type CheckConfig, DEFAULT_CHECK_CONFIG, parseCheckConfig } from './check-config.js';
export { DockerfileCheckError } from './errors.js';
export {
  type LintBuildError,
  type LintOptions,
  type LintResult,
  lintDockerfile,
  lintStatus,
} from './lint.js';
export {
  formatLintError,
  formatLintJson,
  formatLintText,
  locationJson,
  sourceSnippet,
} from './lint-output.js';
export { type LineRange, Linter, type LintWarning } from './linter.js';
export { type ReadDockerfile, readDockerfile } from './read.js';
export { type LintRule, MESSAGES, RULES, type RuleName } from './rules.js';
export { levenshtein, suggest } from './suggest.js';
export { type Walk, type WalkOptions, walkDockerfile } from './walk.js';
export type { ArgInfo, MountUse, OutlineCapture, StageState } from './walk-state.js';

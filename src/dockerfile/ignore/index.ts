/**
 * `.dockerignore` and build-context filters with moby/patternmatcher's semantics (what BuildKit
 * uses): read the file that applies ({@link loadDockerignore}), compile patterns
 * ({@link PatternMatcher}), and walk a context through them ({@link walkContext}).
 *
 * Internal pieces (the Go regexp translator, the `filepath.Match` syntax check, the pattern
 * classifier) are not exported: they exist to reproduce upstream behaviour, not as API.
 */
export {
  ContextWalkError,
  DockerignorePatternError,
  DockerignoreReadError,
  isBadPatternError,
  MatchInfoMismatchError,
  type PatternProblem,
} from './errors.js';
export { readIgnoreFile } from './ignore-file.js';
export { DOCKERIGNORE_NAME, type FoundIgnoreFile, findDockerignore, loadDockerignore } from './locate.js';
export type { PatternKind } from './pattern-compile.js';
export {
  EMPTY_MATCH_INFO,
  type IgnorePattern,
  legacyMatches,
  type MatchInfo,
  type MatchWithInfo,
  matchesOrParentMatches,
  PatternMatcher,
} from './pattern-matcher.js';
export { type ContextEntry, type ContextWalkOptions, walkContext } from './walk.js';

/**
 * Dockerfile word expansion, as BuildKit's `frontend/dockerfile/shell` does it: quote removal,
 * escapes, `$V` / `${V…}` expansion (defaults, alternatives, required values, pattern removal and
 * substitution), word splitting, and the sets of variables a word read.
 *
 * Start with `new ShellLexer(escapeToken)` and a {@link ShellEnv} (a `ReadonlyMap`, or one of
 * `envFromRecord`, `envFromList`, `layeredEnv`), then call `processWord`, `processWords` or
 * `processWordWithMatches`. `EXPANDING_INSTRUCTIONS` says which instructions to call it for.
 */
export { EMPTY_ENV, envFromList, envFromRecord, layeredEnv, type ShellEnv } from './env.js';
export {
  BadSubstitutionError,
  E_DOCKERFILE_EXPAND,
  InvalidEscapeTokenError,
  RequiredVariableError,
  ShellExpansionError,
  type ShellExpansionErrorKind,
  UnterminatedQuoteError,
} from './errors.js';
export {
  EXPANDING_INSTRUCTIONS,
  type ExpansionMode,
  expandsVariables,
  INSTRUCTION_EXPANSION,
  type InstructionExpansion,
  type InstructionName,
} from './instructions.js';
export { type EscapeToken, type ExpansionResult, ShellLexer, type ShellLexerOptions } from './lexer.js';

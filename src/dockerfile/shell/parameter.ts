/**
 * Parameter expansion: everything that starts with `$`, with BuildKit's rules.
 *
 * - `$NAME` takes the longest run of letters, digits and `_` (Unicode letters and decimal digits
 *   count, as in Go's `unicode.IsLetter`/`IsDigit`). A name that starts with a digit is a
 *   positional parameter and takes only digits (`$001aaa` is `$001` then `aaa`). One of
 *   `@ * # ? - $ !` is a special parameter of one character. Positional and special parameters
 *   are looked up like any name, so they are empty unless the scope defines them.
 * - `$` followed by anything else (or by nothing) is a literal `$`.
 * - `${NAME}` and the modifiers `-` `+` `?` `#` `%` (`##`/`%%` via the word) and `/` `//`;
 *   with `:` before `-` `+` `?`, an empty value counts as unset. `${:…}`, `${{…}`, `${}` are bad
 *   substitutions; `:#`, `:%`, `=` and every other modifier are unsupported.
 * - The word after a modifier is itself processed (quotes, escapes, nested `$`) up to the closing
 *   `}` (or `/` for the pattern of `/`); for `#`, `%` and `/` escapes are kept so that they reach
 *   the pattern. If the word runs to the end of the input, the error is "missing '}'" (or "missing
 *   '/'"), whatever failed inside it.
 * - With `skipUnsetEnv`, an unset variable leaves its expression in the output, rebuilt from the
 *   processed word.
 */
import { BadSubstitutionError, RequiredVariableError, ShellExpansionError } from './errors.js';
import { type PatternOutcome, replacePattern, trimPrefix, trimSuffix } from './pattern.js';

/** What parameter expansion needs from the word being processed. */
export interface ExpansionContext {
  /** The whole word being expanded, for error messages. */
  readonly source: string;
  /** Leave unset variables as written instead of expanding them to `''`. */
  readonly skipUnsetEnv: boolean;
  /** The next character, or `undefined` at the end of the word. */
  peek(): string | undefined;
  /** Consumes and returns the next character (`undefined` at the end). */
  next(): string | undefined;
  /** Looks `name` up and records it as matched (set) or unmatched (unset). */
  lookup(name: string): string | undefined;
  /** Processes a nested word up to and including `stop`; throws at the end of the input. */
  processUntil(stop: string, rawEscapes: boolean): string;
}

const DIGIT = /^\p{Nd}$/u;
const NAME_CHAR = /^[\p{L}\p{Nd}_]$/u;
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);
const SIMPLE_MODIFIERS = new Set(['+', '-', '?', '#', '%']);
const MISSING_BRACE = "syntax error: missing '}'";

/** Expands the `$…` at the cursor (which is on the `$`) and returns its value. */
export function expandDollar(ctx: ExpansionContext): string {
  ctx.next();
  if (ctx.peek() !== '{') return expandBare(ctx);
  ctx.next();
  const first = ctx.peek();
  if (first === undefined) throw new BadSubstitutionError(ctx.source, MISSING_BRACE);
  if (first === '{' || first === '}' || first === ':') {
    throw new BadSubstitutionError(ctx.source, 'syntax error: bad substitution');
  }
  const name = readName(ctx);
  const op = ctx.next();
  if (op === '}') return expandPlain(ctx, name);
  if (op === '/') return expandReplace(ctx, name);
  if (op === ':') return expandModifier(ctx, name, ctx.next(), true);
  if (op !== undefined && SIMPLE_MODIFIERS.has(op)) return expandModifier(ctx, name, op, false);
  if (op === undefined) throw new BadSubstitutionError(ctx.source, MISSING_BRACE);
  throw unsupportedModifier(ctx, op);
}

/** Reads a parameter name at the cursor; `''` when there is none. */
function readName(ctx: ExpansionContext): string {
  const first = ctx.peek();
  if (first === undefined) return '';
  if (DIGIT.test(first)) {
    let digits = '';
    for (let ch = ctx.peek(); ch !== undefined && DIGIT.test(ch); ch = ctx.peek()) digits += ctx.next();
    return digits;
  }
  if (SPECIAL_PARAMS.has(first)) return ctx.next()!;
  let name = '';
  for (let ch = ctx.peek(); ch !== undefined && NAME_CHAR.test(ch); ch = ctx.peek()) name += ctx.next();
  return name;
}

/** `$NAME`, or a literal `$`. */
function expandBare(ctx: ExpansionContext): string {
  const name = readName(ctx);
  if (name === '') return '$';
  const value = ctx.lookup(name);
  if (value === undefined && ctx.skipUnsetEnv) return `$${name}`;
  return value ?? '';
}

/** `${NAME}`. */
function expandPlain(ctx: ExpansionContext, name: string): string {
  const value = ctx.lookup(name);
  if (value === undefined && ctx.skipUnsetEnv) return `\${${name}}`;
  return value ?? '';
}

/** Processes a nested word; an error that ran into the end of the input becomes `eofReason`. */
function readNested(ctx: ExpansionContext, stop: string, rawEscapes: boolean, eofReason: string): string {
  try {
    return ctx.processUntil(stop, rawEscapes);
  } catch (err) {
    if (err instanceof ShellExpansionError && ctx.peek() === undefined) {
      throw new BadSubstitutionError(ctx.source, eofReason);
    }
    throw err;
  }
}

function unsupportedModifier(ctx: ExpansionContext, modifier: string): BadSubstitutionError {
  return new BadSubstitutionError(ctx.source, `unsupported modifier (${modifier}) in substitution`);
}

/** `${NAME-w}` `${NAME:-w}` `${NAME+w}` `${NAME:+w}` `${NAME?w}` `${NAME:?w}` `${NAME#p}` `${NAME%p}`. */
function expandModifier(ctx: ExpansionContext, name: string, op: string | undefined, colon: boolean): string {
  const modifier = (colon ? ':' : '') + (op ?? '');
  const isPattern = op === '#' || op === '%';
  if (colon && isPattern) throw unsupportedModifier(ctx, modifier);
  const word = readNested(ctx, '}', isPattern, MISSING_BRACE);
  const value = ctx.lookup(name);
  if (value === undefined && ctx.skipUnsetEnv) return `\${${name}${modifier}${word}}`;
  const unset = value === undefined || (colon && value === '');
  switch (op) {
    case '-':
      return unset ? word : value!;
    case '+':
      return unset ? '' : word;
    case '?':
      if (value === undefined)
        throw new RequiredVariableError(ctx.source, name, word || 'is not allowed to be unset');
      if (unset) throw new RequiredVariableError(ctx.source, name, word || 'is not allowed to be empty');
      return value;
    case '#':
    case '%': {
      const greedy = word.startsWith(op);
      const pattern = greedy ? word.slice(1) : word;
      const trimmed =
        op === '#' ? trimPrefix(pattern, value ?? '', greedy) : trimSuffix(pattern, value ?? '', greedy);
      return patternResult(ctx, pattern, trimmed);
    }
    default:
      throw unsupportedModifier(ctx, modifier);
  }
}

/** `${NAME/p/r}` and `${NAME//p/r}` (the cursor is after the first `/`). */
function expandReplace(ctx: ExpansionContext, name: string): string {
  const all = ctx.peek() === '/';
  if (all) ctx.next();
  const pattern = readNested(ctx, '/', true, `syntax error: missing '/' in \${}`);
  const replacement = readNested(ctx, '}', true, MISSING_BRACE);
  const value = ctx.lookup(name);
  if (value === undefined && ctx.skipUnsetEnv)
    return `\${${name}${all ? '//' : '/'}${pattern}/${replacement}}`;
  return patternResult(ctx, pattern, replacePattern(pattern, value ?? '', replacement, all));
}

function patternResult(ctx: ExpansionContext, pattern: string, result: PatternOutcome): string {
  if (result.ok) return result.value;
  throw new BadSubstitutionError(
    ctx.source,
    `invalid pattern (${pattern}) in substitution: ${result.reason}`,
    'in a pattern, \\ may escape only *, ? and \\ (and } or / to keep them from ending the expression)',
  );
}

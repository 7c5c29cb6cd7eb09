/**
 * Shell patterns in `${V#p}`, `${V##p}`, `${V%p}`, `${V%%p}`, `${V/p/r}` and `${V//p/r}`, with
 * BuildKit's semantics (which are Go `regexp` semantics underneath):
 *
 * - `*` matches any run of characters other than a newline, `?` exactly one such character;
 *   every other character, `[` and `]` included, matches itself. BuildKit has no bracket
 *   expressions, so `[ab]` matches the four characters `[ab]` literally.
 * - `\` escapes `*`, `?` and `\`. Before `}` or `/` it is dropped (it only kept the character
 *   from ending the `${…}` or the pattern). Any other escape is an error.
 * - `#` removes the shortest matching prefix, `##` the longest; `%`/`%%` do the same for a suffix
 *   (by matching the reversed pattern against the reversed value, as BuildKit does).
 * - `/` replaces the first match (Go's leftmost-first search, `*` greedy) and `//`
 *   replaces every match, with Go's rules: an empty match right after a previous match is not
 *   replaced, and the replacement of `//` is a Go template (`$0`/`${0}` is the match, `$$` is `$`,
 *   any other `$name` is empty, a `$` that starts no name stays `$`). `/` inserts the replacement
 *   as it is.
 *
 * Characters are Unicode code points throughout, as Go works on runes.
 */

/** Why a pattern could not be compiled. */
export interface PatternFailure {
  ok: false;
  reason: string;
}

/** A compiled pattern, or why it could not be compiled. */
export type CompiledPattern = { ok: true; regex: RegExp } | PatternFailure;

/** The value after a pattern operation, or why the pattern was invalid. */
export type PatternOutcome = { ok: true; value: string } | PatternFailure;

/** Characters that are literal in a shell pattern but special in a regular expression. */
const REGEX_SPECIAL = new Set(['[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$']);
const ESCAPABLE = new Set(['*', '?', '\\']);
const ANY_CHAR = '[^\\n]';

/** Turns a shell pattern into a regular expression (`u` flag; `g` when `global`). */
export function compileShellPattern(
  pattern: string,
  opts: { greedy: boolean; anchored: boolean; global?: boolean },
): CompiledPattern {
  const chars = Array.from(pattern);
  let out = opts.anchored ? '^' : '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') {
      out += opts.greedy ? `${ANY_CHAR}*` : `${ANY_CHAR}*?`;
    } else if (ch === '?') {
      out += ANY_CHAR;
    } else if (ch === '\\') {
      const next = chars[i + 1];
      if (next === '}' || next === '/') continue;
      if (next === undefined || !ESCAPABLE.has(next)) {
        return { ok: false, reason: `invalid escape '\\${next ?? ''}'` };
      }
      out += `\\${next}`;
      i++;
    } else {
      out += REGEX_SPECIAL.has(ch) ? `\\${ch}` : ch;
    }
  }
  return { ok: true, regex: new RegExp(out, opts.global ? 'gu' : 'u') };
}

/** Reverses a pattern by characters, keeping each `\x` pair in its order (`a\*c` → `c\*a`). */
export function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const tokens: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '\\' && i + 1 < chars.length) {
      tokens.push(ch + chars[i + 1]!);
      i++;
    } else {
      tokens.push(ch);
    }
  }
  return tokens.reverse().join('');
}

function reverseChars(text: string): string {
  return Array.from(text).reverse().join('');
}

/** `${V#p}` (`greedy` false) and `${V##p}` (`greedy` true). */
export function trimPrefix(pattern: string, value: string, greedy: boolean): PatternOutcome {
  const compiled = compileShellPattern(pattern, { greedy, anchored: true });
  if (!compiled.ok) return compiled;
  const match = compiled.regex.exec(value);
  return { ok: true, value: match ? value.slice(match[0].length) : value };
}

/** `${V%p}` (`greedy` false) and `${V%%p}` (`greedy` true). */
export function trimSuffix(pattern: string, value: string, greedy: boolean): PatternOutcome {
  const trimmed = trimPrefix(reversePattern(pattern), reverseChars(value), greedy);
  return trimmed.ok ? { ok: true, value: reverseChars(trimmed.value) } : trimmed;
}

/** `${V/p/r}` (`all` false) and `${V//p/r}` (`all` true). */
export function replacePattern(
  pattern: string,
  value: string,
  replacement: string,
  all: boolean,
): PatternOutcome {
  const compiled = compileShellPattern(pattern, { greedy: true, anchored: false, global: all });
  if (!compiled.ok) return compiled;
  if (all) return { ok: true, value: replaceAllGo(compiled.regex, value, replacement) };
  const match = compiled.regex.exec(value);
  if (!match) return { ok: true, value };
  const end = match.index + match[0].length;
  return { ok: true, value: value.slice(0, match.index) + replacement + value.slice(end) };
}

/** Width in UTF-16 units of the code point at `pos` (0 at the end). */
function widthAt(text: string, pos: number): number {
  const cp = text.codePointAt(pos);
  if (cp === undefined) return 0;
  return cp > 0xffff ? 2 : 1;
}

/** Go's `Regexp.ReplaceAllString` loop, with `template` expanded per match. */
function replaceAllGo(regex: RegExp, src: string, template: string): string {
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    regex.lastIndex = searchPos;
    const match = regex.exec(src);
    if (!match) break;
    const start = match.index;
    const end = start + match[0].length;
    out += src.slice(lastMatchEnd, start);
    if (end > lastMatchEnd || start === 0) out += expandGoTemplate(template, match[0]);
    lastMatchEnd = end;
    const width = widthAt(src, searchPos);
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + src.slice(lastMatchEnd);
}

const NAME_CHAR = /^[\p{L}\p{Nd}_]$/u;

/** Reads a `name` or `{name}` at the start of `text` (after a `$`), as Go's `regexp` does. */
function extractTemplateName(text: string): { name: string; rest: string } | undefined {
  const chars = Array.from(text);
  const brace = chars[0] === '{';
  let i = brace ? 1 : 0;
  let name = '';
  while (i < chars.length && NAME_CHAR.test(chars[i]!)) name += chars[i++]!;
  if (name === '') return undefined;
  if (brace) {
    if (chars[i] !== '}') return undefined;
    i++;
  }
  return { name, rest: chars.slice(i).join('') };
}

/**
 * Expands a Go regexp replacement template for a pattern without capture groups: only group 0
 * (the whole match) exists, so `$0`/`${0}` give the match and every other name gives `''`.
 */
export function expandGoTemplate(template: string, match: string): string {
  let out = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) return out + rest;
    out += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ref = extractTemplateName(rest);
    if (!ref) {
      out += '$';
      continue;
    }
    rest = ref.rest;
    if (ref.name === '0') out += match;
  }
}

/**
 * How moby/patternmatcher turns one cleaned pattern into a matcher. The classification is part of
 * the semantics, not only an optimisation: a `suffix` pattern such as `**file` matches `dir/xfile`,
 * which its regular expression would not.
 *
 * The pattern is read character by character (Unicode code points; a leading U+FEFF is skipped, as
 * Go's `text/scanner` does), building a Go regular expression that starts with `^`:
 *
 * - `**` (eating one `/` after it): at the end of the pattern it turns a so-far literal pattern
 *   into a `prefix` match, or else adds `.*`; elsewhere it adds an optional "anything, then `/`"
 *   group. At the very start of the pattern it makes the pattern a `suffix` match, until a later
 *   wildcard makes it a regexp.
 * - `*` adds `[^/]*`, `?` adds `[^/]`; both make it a regexp.
 * - `. + ( ) | { } $` are escaped (literal, type unchanged).
 * - `\` followed by a character adds `\` and that character (a Go regexp escape: `\*` is a literal
 *   star, but `\d` is a digit class and `\q` an error); a trailing `\` adds `\`.
 * - `[` and `]` are copied and make it a regexp; anything else is copied.
 *
 * A regexp ends with `$`. The result is `exact` (compare with the pattern), `prefix` (the pattern
 * without its trailing `**`), `suffix` (the pattern without its leading `**`; a suffix starting
 * with `/` also matches the path that equals the rest) or `regexp`. With a `\` separator (Windows)
 * the separator is `\\` in the regexp and `\` is a separator, not an escape: that form exists for
 * the upstream compile cases only.
 */

/** How one pattern is matched, in moby/patternmatcher's terms. */
export type PatternKind = 'exact' | 'prefix' | 'suffix' | 'regexp';

/** The classification of a cleaned pattern, with its Go regexp source when it is a regexp. */
export interface PatternClassification {
  readonly kind: PatternKind;
  /** Go regular expression source (only for `regexp`). */
  readonly goRegexp?: string;
}

const ESCAPED = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

/** Classifies a cleaned pattern (without its `!`) as moby/patternmatcher's `compile` does. */
export function classifyPattern(cleaned: string, separator: '/' | '\\' = '/'): PatternClassification {
  const chars = Array.from(cleaned);
  let pos = chars[0] === '\uFEFF' ? 1 : 0;
  const escSep = separator === '\\' ? '\\\\' : '/';
  let re = '^';
  let kind: PatternKind = 'exact';
  for (let i = 0; pos < chars.length; i++) {
    const ch = chars[pos++] as string;
    if (ch === '*') {
      if (chars[pos] === '*') {
        pos++;
        if (chars[pos] === separator) pos++;
        if (pos >= chars.length) {
          if (kind === 'exact') {
            kind = 'prefix';
          } else {
            re += '.*';
            kind = 'regexp';
          }
        } else {
          re += `(.*${escSep})?`;
          kind = 'regexp';
        }
        if (i === 0) kind = 'suffix';
      } else {
        re += `[^${escSep}]*`;
        kind = 'regexp';
      }
    } else if (ch === '?') {
      re += `[^${escSep}]`;
      kind = 'regexp';
    } else if (ESCAPED.has(ch)) {
      re += `\\${ch}`;
    } else if (ch === '\\') {
      if (separator === '\\') {
        re += escSep;
      } else if (pos < chars.length) {
        re += `\\${chars[pos++]}`;
        kind = 'regexp';
      } else {
        re += '\\';
      }
    } else if (ch === '[' || ch === ']') {
      re += ch;
      kind = 'regexp';
    } else {
      re += ch;
    }
  }
  return kind === 'regexp' ? { kind, goRegexp: `${re}$` } : { kind };
}

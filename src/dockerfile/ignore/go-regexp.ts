/**
 * Translates a Go regular expression (RE2 syntax as `regexp.Compile` reads it: Perl flags,
 * `^`/`$` at the ends of the text only, `.` not matching `\n`) into an equivalent JavaScript
 * `RegExp` (`u` flag), or reports the syntax error Go would report.
 *
 * It covers what moby/patternmatcher's pattern compiler can produce, and the escapes a user can
 * smuggle in with a backslash: literals, `.`, `^`, `$`, groups `( )` (non-capturing here: only
 * the match matters), `|`, the repetitions `* + ? {n} {n,} {n,m}` (lazy or not; stacked
 * repetitions such as `a**` are an error, as in Go), bracket classes, `\A \z \b \B`, `\Q…\E`
 * (literal text up to `\E` or the end, which can swallow the final `$`), Perl, POSIX and Unicode
 * classes and the character escapes of `go-regexp-class.ts`. Flag groups `(?…)` are not produced
 * by the compiler and are reported as unsupported.
 *
 * Every literal is written as `\u{…}` unless it is a word character, so nothing in the input can
 * change the meaning of the JavaScript text.
 */
import {
  type Cursor,
  GoRegexpSyntax,
  literal,
  parseClass,
  parseEscape,
  parsePerlClass,
  parseUnicodeClass,
} from './go-regexp-class.js';

/** A translated Go regexp, or the syntax problem Go reports. */
export type GoRegexpTranslation = { ok: true; regexp: RegExp } | { ok: false; problem: string };

/** Translates Go regexp `source`; never throws. */
export function translateGoRegexp(source: string): GoRegexpTranslation {
  const cur: Cursor = { cs: Array.from(source), pos: 0 };
  try {
    const js = collapseAnyDirs(parseAlternation(cur, 0));
    return { ok: true, regexp: new RegExp(js, 'u') };
  } catch (err) {
    if (err instanceof GoRegexpSyntax) return { ok: false, problem: err.message };
    if (err instanceof SyntaxError) return { ok: false, problem: `not translatable: ${err.message}` };
    throw err;
  }
}

// `(.*/)?` as this translator writes it.
const ANY_DIRS = '(?:(?:(?:[^\\n])*\\u{2f}))?';

// Two `**/` in a row give `(.*/)?(.*/)?`, which means the same as one `(.*/)?` (a run of
// directories followed by a run of directories is a run of directories). Go's engine does not
// care; a backtracking one tries every way to split the directories between the copies, which
// grows as the path length to the power of the number of copies. Keep one copy.
function collapseAnyDirs(js: string): string {
  let out = js;
  while (out.includes(ANY_DIRS + ANY_DIRS)) out = out.replace(ANY_DIRS + ANY_DIRS, ANY_DIRS);
  return out;
}

function parseAlternation(cur: Cursor, depth: number): string {
  const branches = [parseSequence(cur, depth)];
  while (cur.cs[cur.pos] === '|') {
    cur.pos++;
    branches.push(parseSequence(cur, depth));
  }
  return branches.join('|');
}

function parseSequence(cur: Cursor, depth: number): string {
  const items: string[] = [];
  let lastWasRepeat = false;
  for (;;) {
    const c = cur.cs[cur.pos];
    if (c === undefined || c === '|') break;
    if (c === ')') {
      if (depth === 0) throw new GoRegexpSyntax('unexpected ): `' + cur.cs.join('') + '`');
      break;
    }
    const repeatStart = cur.pos;
    const repeat = readRepeat(cur);
    if (repeat !== undefined) {
      const op = cur.cs.slice(repeatStart, cur.pos).join('');
      if (lastWasRepeat) throw new GoRegexpSyntax(`invalid nested repetition operator: \`${op}\``);
      const last = items.pop();
      if (last === undefined) throw new GoRegexpSyntax(`missing argument to repetition operator: \`${op}\``);
      items.push(`(?:${last})${repeat}`);
      lastWasRepeat = true;
      continue;
    }
    lastWasRepeat = false;
    items.push(...parseAtom(cur, depth));
  }
  return items.join('');
}

/** A repetition operator at the cursor (consumed), as JavaScript text; `undefined` if none. */
function readRepeat(cur: Cursor): string | undefined {
  const c = cur.cs[cur.pos];
  let op: string | undefined;
  if (c === '*' || c === '+' || c === '?') {
    op = c;
    cur.pos++;
  } else if (c === '{') {
    op = readCount(cur);
  }
  if (op === undefined) return undefined;
  if (cur.cs[cur.pos] === '?') {
    cur.pos++;
    op += '?';
  }
  return op;
}

/** `{n}`, `{n,}` or `{n,m}` at the cursor (consumed); `undefined` (nothing consumed) if not one. */
function readCount(cur: Cursor): string | undefined {
  const rest = cur.cs.slice(cur.pos, cur.pos + 16).join('');
  const m = /^\{(\d+)(,(\d*))?\}/.exec(rest);
  if (!m) return undefined;
  const [whole, minText = '', comma, maxText = ''] = m;
  const leadingZero = (s: string) => s.length >= 2 && s.startsWith('0');
  if (leadingZero(minText) || leadingZero(maxText)) return undefined;
  const min = Number(minText);
  const max = comma === undefined ? min : maxText === '' ? -1 : Number(maxText);
  if (min > 1000 || max > 1000 || (max >= 0 && min > max)) {
    throw new GoRegexpSyntax(`invalid repeat count: \`${whole}\``);
  }
  cur.pos += whole.length;
  return whole;
}

/** One atom (or several literals, for `\Q…\E`) at the cursor, as JavaScript text. */
function parseAtom(cur: Cursor, depth: number): string[] {
  const c = cur.cs[cur.pos] as string;
  switch (c) {
    case '(': {
      if (cur.cs[cur.pos + 1] === '?') throw new GoRegexpSyntax('unsupported group syntax: `(?`');
      cur.pos++;
      const inner = parseAlternation(cur, depth + 1);
      if (cur.cs[cur.pos] !== ')') throw new GoRegexpSyntax('missing closing ): `' + cur.cs.join('') + '`');
      cur.pos++;
      return [`(?:${inner})`];
    }
    case '[':
      return [parseClass(cur)];
    case '.':
      cur.pos++;
      return ['[^\\n]'];
    case '^':
    case '$':
      cur.pos++;
      return [c];
    case '\\':
      return parseTopEscape(cur);
    default:
      cur.pos++;
      return [literal(c.codePointAt(0) ?? 0)];
  }
}

function parseTopEscape(cur: Cursor): string[] {
  const next = cur.cs[cur.pos + 1];
  const assertions: Readonly<Record<string, string>> = { A: '^', z: '$', b: '\\b', B: '\\B' };
  const assertion = next === undefined ? undefined : assertions[next];
  if (assertion !== undefined) {
    cur.pos += 2;
    return [assertion];
  }
  if (next === 'C') throw new GoRegexpSyntax('invalid escape sequence: `\\C`');
  if (next === 'Q') {
    cur.pos += 2;
    let end = cur.pos;
    while (end < cur.cs.length && !(cur.cs[end] === '\\' && cur.cs[end + 1] === 'E')) end++;
    const text = cur.cs.slice(cur.pos, end);
    cur.pos = Math.min(end + 2, cur.cs.length);
    return text.map((ch) => literal(ch.codePointAt(0) ?? 0));
  }
  const group = parseUnicodeClass(cur) ?? parsePerlClass(cur);
  if (group !== undefined) return [`[${group}]`];
  return [literal(parseEscape(cur))];
}

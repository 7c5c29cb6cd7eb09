/**
 * The pieces of Go's RE2 syntax (`regexp.Compile`, Perl flags) that stand for one character:
 * escapes and character classes, translated to JavaScript `u`-mode regexp text.
 *
 * - Escapes: `\` + ASCII punctuation is that character; `\a \f \n \r \t \v`; octal `\0`…`\777`
 *   (`\1`…`\7` need a second octal digit: back-references do not exist); `\xHH` and `\x{H…}`.
 *   Anything else (`\q`, `\8`, `\é`, a trailing `\`) is an error.
 * - Perl classes `\d \s \w` (ASCII; `\s` is `[\t\n\f\r ]`, without `\v`) and their negations.
 * - POSIX classes `[:alpha:]` … inside brackets (ASCII), also negated as `[:^alpha:]`; an unknown
 *   name is an error. Go looks for the closing `:]` anywhere further on.
 * - Unicode classes `\pL`, `\p{Greek}`, `\PL`, `\p{^Greek}`: `Any`, the general categories Go
 *   knows (`C` is `Cc|Cf|Co|Cs`, without unassigned code points) and scripts.
 * - A bracket class: `]` right after `[` or `[^` is literal, `-` is literal where it cannot make a
 *   range, a range whose end is below its start is an error, a missing `]` is an error.
 *   A negated class also matches `\n` (Go's `ClassNL`).
 */

/** A syntax error in a Go regular expression; caught by the translator, never seen by callers. */
export class GoRegexpSyntax extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'GoRegexpSyntax';
  }
}

/** A position in the code points of a Go regexp source. */
export interface Cursor {
  readonly cs: readonly string[];
  pos: number;
}

type Range = readonly [number, number];

const MAX_RUNE = 0x10ffff;

const PERL: Readonly<Record<string, readonly Range[]>> = {
  d: [[0x30, 0x39]],
  s: [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20],
  ],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
};

const POSIX: Readonly<Record<string, readonly Range[]>> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

/** General categories in Go's `unicode.Categories` (besides `C`, handled apart). */
const CATEGORIES = new Set(
  'Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(
    ' ',
  ),
);

/** One code point as JavaScript regexp text that is literal everywhere (`u` mode). */
export function literal(cp: number): string {
  const c = String.fromCodePoint(cp);
  return /^[A-Za-z0-9_]$/.test(c) ? c : `\\u{${cp.toString(16)}}`;
}

function rangesText(ranges: readonly Range[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? literal(lo) : `${literal(lo)}-${literal(hi)}`)).join('');
}

function complement(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}

function codePoint(c: string): number {
  return c.codePointAt(0) ?? 0;
}

function isOctal(c: string | undefined): c is string {
  return c !== undefined && c >= '0' && c <= '7';
}

function hexValue(c: string | undefined): number {
  if (c === undefined || !/^[0-9A-Fa-f]$/.test(c)) return -1;
  return Number.parseInt(c, 16);
}

/** Go's `parseEscape`, at a `\`: the code point it stands for. */
export function parseEscape(cur: Cursor): number {
  const start = cur.pos;
  cur.pos++;
  const c = cur.cs[cur.pos++];
  if (c === undefined) throw new GoRegexpSyntax('trailing backslash at end of expression');
  const cp = codePoint(c);
  const invalid = () =>
    new GoRegexpSyntax(`invalid escape sequence: \`${cur.cs.slice(start, cur.pos).join('')}\``);
  if (cp < 0x80 && !/^[0-9A-Za-z]$/.test(c)) return cp;
  if (c >= '1' && c <= '7' && !isOctal(cur.cs[cur.pos])) throw invalid();
  if (isOctal(c)) {
    let r = cp - 0x30;
    for (let i = 1; i < 3 && isOctal(cur.cs[cur.pos]); i++)
      r = r * 8 + codePoint(cur.cs[cur.pos++] as string) - 0x30;
    return r;
  }
  if (c === 'x') return parseHexEscape(cur, invalid);
  const simple: Readonly<Record<string, number>> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
  const r = simple[c];
  if (r === undefined) throw invalid();
  return r;
}

function parseHexEscape(cur: Cursor, invalid: () => GoRegexpSyntax): number {
  const first = cur.cs[cur.pos++];
  if (first === undefined) throw invalid();
  if (first !== '{') {
    const x = hexValue(first);
    const y = hexValue(cur.cs[cur.pos++]);
    if (x < 0 || y < 0) throw invalid();
    return x * 16 + y;
  }
  let r = 0;
  let digits = 0;
  for (;;) {
    const d = cur.cs[cur.pos++];
    if (d === undefined) throw invalid();
    if (d === '}') break;
    const v = hexValue(d);
    if (v < 0) throw invalid();
    r = r * 16 + v;
    if (r > MAX_RUNE) throw invalid();
    digits++;
  }
  if (digits === 0) throw invalid();
  return r;
}

/** `\d \D \s \S \w \W` at the cursor, as class text (without brackets); `undefined` if not one. */
export function parsePerlClass(cur: Cursor): string | undefined {
  if (cur.cs[cur.pos] !== '\\') return undefined;
  const letter = cur.cs[cur.pos + 1];
  const ranges = letter === undefined ? undefined : PERL[letter.toLowerCase()];
  if (letter === undefined || ranges === undefined || !/^[dDsSwW]$/.test(letter)) return undefined;
  cur.pos += 2;
  return rangesText(letter === letter.toLowerCase() ? ranges : complement(ranges));
}

/** `\p…`/`\P…` at the cursor, as class text (without brackets); `undefined` if not one. */
export function parseUnicodeClass(cur: Cursor): string | undefined {
  const p = cur.cs[cur.pos + 1];
  if (cur.cs[cur.pos] !== '\\' || (p !== 'p' && p !== 'P')) return undefined;
  const start = cur.pos;
  let negated = p === 'P';
  cur.pos += 2;
  const c = cur.cs[cur.pos];
  let name: string;
  if (c !== '{') {
    name = c ?? '';
    cur.pos++;
  } else {
    const end = cur.cs.indexOf('}', cur.pos);
    if (end < 0)
      throw new GoRegexpSyntax(`invalid character class range: \`${cur.cs.slice(start).join('')}\``);
    name = cur.cs.slice(cur.pos + 1, end).join('');
    cur.pos = end + 1;
  }
  if (name.startsWith('^')) {
    negated = !negated;
    name = name.slice(1);
  }
  const text = unicodeClassText(name, negated);
  if (text === undefined) {
    throw new GoRegexpSyntax(`invalid character class range: \`${cur.cs.slice(start, cur.pos).join('')}\``);
  }
  return text;
}

function unicodeClassText(name: string, negated: boolean): string | undefined {
  const sign = negated ? 'P' : 'p';
  if (name === 'Any') return negated ? '' : rangesText([[0, MAX_RUNE]]);
  if (name === 'C') return negated ? '\\P{C}\\p{Cn}' : '\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}';
  if (CATEGORIES.has(name)) return `\\${sign}{${name}}`;
  const text = `\\${sign}{Script=${name}}`;
  try {
    new RegExp(`[${text}]`, 'u');
    return text;
  } catch {
    return undefined;
  }
}

/** `[:name:]` at the cursor inside a class, as class text; `undefined` if not one. */
function parseNamedClass(cur: Cursor): string | undefined {
  const { cs, pos } = cur;
  if (cs[pos] !== '[' || cs[pos + 1] !== ':' || cs[pos + 2] === undefined) return undefined;
  let end = -1;
  for (let j = pos + 2; j + 1 < cs.length; j++) {
    if (cs[j] === ':' && cs[j + 1] === ']') {
      end = j;
      break;
    }
  }
  if (end < 0) return undefined;
  const whole = cs.slice(pos, end + 2).join('');
  let name = cs.slice(pos + 2, end).join('');
  const negated = name.startsWith('^');
  if (negated) name = name.slice(1);
  const ranges = Object.hasOwn(POSIX, name) ? POSIX[name] : undefined;
  if (ranges === undefined) throw new GoRegexpSyntax(`invalid character class range: \`${whole}\``);
  cur.pos = end + 2;
  return rangesText(negated ? complement(ranges) : ranges);
}

function parseClassChar(cur: Cursor, classStart: number): number {
  const c = cur.cs[cur.pos];
  if (c === undefined) {
    throw new GoRegexpSyntax(`missing closing ]: \`${cur.cs.slice(classStart).join('')}\``);
  }
  if (c === '\\') return parseEscape(cur);
  cur.pos++;
  return codePoint(c);
}

/** Go's `parseClass`, at a `[`: the class as JavaScript regexp text (with brackets). */
export function parseClass(cur: Cursor): string {
  const classStart = cur.pos;
  cur.pos++;
  let negated = false;
  if (cur.cs[cur.pos] === '^') {
    negated = true;
    cur.pos++;
  }
  const parts: string[] = [];
  let first = true;
  while (cur.cs[cur.pos] !== ']' || first) {
    first = false;
    const group = parseNamedClass(cur) ?? parseUnicodeClass(cur) ?? parsePerlClass(cur);
    if (group !== undefined) {
      parts.push(group);
      continue;
    }
    const rangeStart = cur.pos;
    const lo = parseClassChar(cur, classStart);
    let hi = lo;
    const next = cur.cs[cur.pos + 1];
    if (cur.cs[cur.pos] === '-' && next !== undefined && next !== ']') {
      cur.pos++;
      hi = parseClassChar(cur, classStart);
      if (hi < lo) {
        throw new GoRegexpSyntax(
          `invalid character class range: \`${cur.cs.slice(rangeStart, cur.pos).join('')}\``,
        );
      }
    }
    parts.push(rangesText([[lo, hi]]));
  }
  cur.pos++;
  return `[${negated ? '^' : ''}${parts.join('')}]`;
}

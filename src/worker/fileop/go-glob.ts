/**
 * Go's `filepath.Match` on `/`-separated names, and the wildcard split BuildKit's copy uses.
 *
 * Match: `*` is any run of characters other than `/`, `?` one character other than `/`,
 * `[class]` one character of the class (`^` negates, `lo-hi` ranges, `\` escapes), `\c` is `c`.
 * A malformed pattern matches nothing (BuildKit ignores `filepath.Match`'s error).
 *
 * Split: the components before the first one holding an unescaped `*`, `?` or `[` are a plain
 * path (looked up as written, backslashes included); the rest is matched component by component.
 */

type Runes = readonly number[];

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const STAR = 0x2a;
const QUESTION = 0x3f;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;

/** True when `name` holds an unescaped `*`, `?` or `[` (fsutil's `containsWildcards`). */
export function hasWildcards(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** A source path split at its first wildcard component. */
export interface WildcardSplit {
  /** Components before the first wildcard one (the plain part). */
  readonly base: readonly string[];
  /** The wildcard component and everything after it; empty when there is no wildcard. */
  readonly pattern: readonly string[];
}

/** Splits a cleaned, `/`-separated path at its first wildcard component. */
export function splitWildcards(components: readonly string[]): WildcardSplit {
  const at = components.findIndex(hasWildcards);
  if (at < 0) return { base: components, pattern: [] };
  return { base: components.slice(0, at), pattern: components.slice(at) };
}

/** Go's `filepath.Match(pattern, name)`; false for a malformed pattern. */
export function globMatch(pattern: string, name: string): boolean {
  let pat: Runes = [...pattern].map((c) => c.codePointAt(0)!);
  let str: Runes = [...name].map((c) => c.codePointAt(0)!);
  outer: while (pat.length > 0) {
    const { star, chunk, rest } = scanChunk(pat);
    pat = rest;
    if (star && chunk.length === 0) return !str.includes(SLASH);
    const first = matchChunk(chunk, str);
    if (first === 'bad') return false;
    if (first !== undefined && (first.length === 0 || pat.length > 0)) {
      str = first;
      continue;
    }
    if (star) {
      for (let i = 0; i < str.length && str[i] !== SLASH; i++) {
        const t = matchChunk(chunk, str.slice(i + 1));
        if (t === 'bad') return false;
        if (t === undefined) continue;
        if (pat.length === 0 && t.length > 0) continue;
        str = t;
        continue outer;
      }
    }
    return false;
  }
  return str.length === 0;
}

function scanChunk(pattern: Runes): { star: boolean; chunk: Runes; rest: Runes } {
  let p = pattern;
  let star = false;
  while (p.length > 0 && p[0] === STAR) {
    p = p.slice(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  for (; i < p.length; i++) {
    const c = p[i];
    if (c === BACKSLASH) {
      if (i + 1 < p.length) i++;
    } else if (c === LBRACKET) inRange = true;
    else if (c === RBRACKET) inRange = false;
    else if (c === STAR && !inRange) break;
  }
  return { star, chunk: p.slice(0, i), rest: p.slice(i) };
}

/** Matches `chunk` at the start of `s`: the rest of `s`, undefined for no match, `bad` for a malformed chunk. */
function matchChunk(chunk: Runes, s: Runes): Runes | undefined | 'bad' {
  let c = chunk;
  let str = s;
  let failed = false;
  while (c.length > 0) {
    if (!failed && str.length === 0) failed = true;
    const head = c[0];
    if (head === LBRACKET) {
      const r = failed ? -1 : str[0]!;
      if (!failed) str = str.slice(1);
      const cls = matchClass(c.slice(1), r);
      if (cls === 'bad') return 'bad';
      if (!cls.matched) failed = true;
      c = cls.rest;
    } else if (head === QUESTION) {
      if (!failed) {
        if (str[0] === SLASH) failed = true;
        str = str.slice(1);
      }
      c = c.slice(1);
    } else {
      let lit = head!;
      if (head === BACKSLASH) {
        c = c.slice(1);
        if (c.length === 0) return 'bad';
        lit = c[0]!;
      }
      if (!failed) {
        if (str[0] !== lit) failed = true;
        str = str.slice(1);
      }
      c = c.slice(1);
    }
  }
  return failed ? undefined : str;
}

/** A class body after `[`: whether `r` (−1 when there is no character) is in it, and what follows `]`. */
function matchClass(body: Runes, r: number): { matched: boolean; rest: Runes } | 'bad' {
  let c = body;
  let negated = false;
  if (c[0] === CARET) {
    negated = true;
    c = c.slice(1);
  }
  let matched = false;
  let n = 0;
  for (;;) {
    if (c.length > 0 && c[0] === RBRACKET && n > 0) {
      c = c.slice(1);
      break;
    }
    const lo = classChar(c);
    if (lo === 'bad') return 'bad';
    c = lo.rest;
    let hi = lo.value;
    if (c[0] === DASH) {
      const h = classChar(c.slice(1));
      if (h === 'bad') return 'bad';
      c = h.rest;
      hi = h.value;
    }
    if (lo.value <= r && r <= hi) matched = true;
    n++;
  }
  return { matched: matched !== negated && r >= 0, rest: c };
}

function classChar(c: Runes): { value: number; rest: Runes } | 'bad' {
  if (c.length === 0 || c[0] === DASH || c[0] === RBRACKET) return 'bad';
  let k = 0;
  if (c[0] === BACKSLASH) {
    k = 1;
    if (c.length < 2) return 'bad';
  }
  const rest = c.slice(k + 1);
  if (rest.length === 0) return 'bad';
  return { value: c[k]!, rest };
}

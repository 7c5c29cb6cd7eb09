/**
 * The syntax check moby/patternmatcher runs on every pattern when a matcher is created: a pattern
 * is rejected exactly when Go's `filepath.Match(pattern, ".")` (Unix) returns `ErrBadPattern`.
 *
 * Go's `Match` splits a pattern into chunks at each `*` outside a bracket expression (a `\` hides
 * the character after it) and checks every chunk, whatever the name, so a pattern is well-formed
 * when each chunk is:
 *
 * - `\` must be followed by a character (it escapes it);
 * - `[` opens a class: an optional `^`, then one or more items up to a `]` (a `]` right after `[`
 *   or `[^` is not an item but an error); an item is a character, `\`-escaped character or a
 *   range `lo-hi`; an unescaped `-` or `]` where a character is expected is an error, and the class
 *   must be closed before the chunk ends.
 *
 * `*`, `?` and other characters never make a pattern malformed.
 */

/** `undefined` when the pattern is well-formed; otherwise what is wrong with it. */
export function globSyntaxProblem(pattern: string): string | undefined {
  let rest = pattern;
  while (rest.length > 0) {
    let start = 0;
    while (rest[start] === '*') start++;
    rest = rest.slice(start);
    const end = chunkEnd(rest);
    const problem = chunkProblem(rest.slice(0, end));
    if (problem !== undefined) return problem;
    rest = rest.slice(end);
  }
  return undefined;
}

/** Index of the first `*` outside a bracket expression (Go's `scanChunk`). */
function chunkEnd(s: string): number {
  let inRange = false;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      if (i + 1 < s.length) i++;
    } else if (c === '[') {
      inRange = true;
    } else if (c === ']') {
      inRange = false;
    } else if (c === '*' && !inRange) {
      break;
    }
  }
  return i;
}

/** Go's `matchChunk`, reduced to its syntax errors. */
function chunkProblem(chunk: string): string | undefined {
  let k = 0;
  while (k < chunk.length) {
    const c = chunk[k];
    if (c === '\\') {
      if (k + 1 >= chunk.length) return 'a "\\" at the end escapes nothing';
      k += 2;
    } else if (c === '[') {
      const r = classEnd(chunk, k + 1);
      if (typeof r === 'string') return r;
      k = r;
    } else {
      k++;
    }
  }
  return undefined;
}

/** Parses a class body starting after `[`; returns the index after its `]`, or a problem. */
function classEnd(chunk: string, from: number): number | string {
  let k = from;
  if (chunk[k] === '^') k++;
  let items = 0;
  for (;;) {
    if (k < chunk.length && chunk[k] === ']' && items > 0) return k + 1;
    const lo = classChar(chunk, k);
    if (typeof lo === 'string') return lo;
    k = lo;
    if (chunk[k] === '-') {
      const hi = classChar(chunk, k + 1);
      if (typeof hi === 'string') return hi;
      k = hi;
    }
    items++;
  }
}

/** Go's `getEsc`: one class character; returns the index after it, or a problem. */
function classChar(chunk: string, at: number): number | string {
  let k = at;
  const c = chunk[k];
  if (c === undefined) return 'unterminated character class: a "[" has no matching "]"';
  if (c === '-' || c === ']') return `unexpected "${c}" in character class: escape it with "\\"`;
  if (c === '\\') {
    k++;
    if (k >= chunk.length) return 'unterminated character class: a "[" has no matching "]"';
  }
  const cp = chunk.codePointAt(k) ?? 0;
  k += cp > 0xffff ? 2 : 1;
  if (k >= chunk.length) return 'unterminated character class: a "[" has no matching "]"';
  return k;
}

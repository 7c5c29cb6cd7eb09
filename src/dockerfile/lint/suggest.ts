/**
 * "Did you mean …?" as BuildKit's `util/suggest.Search`: the option with the smallest
 * Levenshtein distance (over code points, unit costs) below 3 wins, the first one on a tie; an
 * exact match means the value was not a typo, so nothing is suggested. Without case
 * sensitivity both sides are compared in lower case and the suggestion takes the value's case
 * when the value is all lower or all upper case.
 */

/** Levenshtein distance between two strings, counted in code points. */
export function levenshtein(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[y.length] ?? 0;
}

function matchCase(value: string, original: string): string {
  if (original === original.toLowerCase()) return value.toLowerCase();
  if (original === original.toUpperCase()) return value.toUpperCase();
  return value;
}

/** The closest option to `value`, or `''` when none is close enough (or one is exact). */
export function suggest(value: string, options: Iterable<string>, caseSensitive = true): string {
  const v = caseSensitive ? value : value.toLowerCase();
  let match = '';
  let best = 3; // the same threshold as HCL's
  for (const raw of options) {
    const option = caseSensitive ? raw : raw.toLowerCase();
    if (option === v) return '';
    const distance = levenshtein(v, option);
    if (distance < best) {
      match = caseSensitive ? option : matchCase(option, value);
      best = distance;
    }
  }
  return match;
}

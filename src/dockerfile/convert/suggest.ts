/** "Did you mean …?" for names a user mistyped (stage names, variables): the closest candidate. */

/** The candidate at the smallest edit distance from `word` (below 3, or half its length if less). */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.ceil(word.length / 2)));
  let best: string | undefined;
  let bestDistance = limit;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, substitution));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** `did you mean build? (stages: build, release)` */
export function stageHint(guess: string | undefined, names: readonly string[]): string {
  return `${guess ? `did you mean ${guess}? ` : ''}(stages: ${names.join(', ')})`;
}

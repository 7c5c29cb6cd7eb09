/**
 * Token scopes of the distribution auth spec: `type:name:action[,action]`, for example
 * `repository:library/alpine:pull` or `repository:team/app:pull,push`. The registry host is
 * never part of a scope. A push needs `pull,push` on its repository, a cross-repository mount
 * adds `pull` on the source repository. Scope lists are deduplicated and sorted so that equal
 * sets give equal cache keys; a token covers a request when, for every scope asked, it holds a
 * scope of the same type and name with at least those actions.
 */

/** A parsed scope. */
export interface Scope {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

/** Access a request needs. */
export type RepositoryAccess = 'pull' | 'push';

/** `repository:<name>:pull` or `repository:<name>:pull,push`. */
export function repositoryScope(repository: string, access: RepositoryAccess): string {
  return `repository:${repository}:${access === 'push' ? 'pull,push' : 'pull'}`;
}

/** Parses `type:name:actions` (the name may itself contain colons); undefined if malformed. */
export function parseScope(s: string): Scope | undefined {
  const first = s.indexOf(':');
  const last = s.lastIndexOf(':');
  if (first <= 0 || last === first || last === s.length - 1) return undefined;
  const actions = s
    .slice(last + 1)
    .split(',')
    .filter((a) => a !== '');
  if (actions.length === 0) return undefined;
  return { type: s.slice(0, first), name: s.slice(first + 1, last), actions };
}

/** Union of scope lists, split on spaces, without duplicates, sorted. */
export function mergeScopes(...lists: readonly (readonly string[])[]): string[] {
  const set = new Set<string>();
  for (const list of lists) {
    for (const entry of list) {
      for (const s of entry.split(' ')) if (s !== '') set.add(s);
    }
  }
  return [...set].sort();
}

/**
 * Groups scope strings (each may hold several, space-separated) by `type:name`, with sorted,
 * deduplicated actions; undefined when there is no scope at all.
 */
export function groupScopes(list: readonly string[]): Map<string, string[]> | undefined {
  const out = new Map<string, Set<string>>();
  for (const s of mergeScopes(list)) {
    const parsed = parseScope(s);
    if (parsed === undefined) continue;
    const key = `${parsed.type}:${parsed.name}`;
    const actions = out.get(key) ?? new Set<string>();
    for (const a of parsed.actions) actions.add(a);
    out.set(key, actions);
  }
  if (out.size === 0) return undefined;
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

/** True when the scopes in `have` grant everything in `want`. */
export function scopesCover(have: readonly string[], want: readonly string[]): boolean {
  const granted = groupScopes(have) ?? new Map<string, string[]>();
  for (const s of mergeScopes(want)) {
    const parsed = parseScope(s);
    if (parsed === undefined) {
      if (!have.includes(s)) return false;
      continue;
    }
    const actions = granted.get(`${parsed.type}:${parsed.name}`) ?? [];
    if (!parsed.actions.every((a) => actions.includes(a) || actions.includes('*'))) return false;
  }
  return true;
}

/**
 * Variable scopes for word expansion.
 *
 * The lexer reads variables through {@link ShellEnv}: one lookup method and one listing method,
 * nothing else. `get` returns `undefined` for a name that is not set and `''` for a name that is
 * set but empty; the two differ for `${V-w}` versus `${V:-w}`, `${V?msg}` versus `${V:?msg}`, and
 * for the matched/unmatched sets.
 *
 * A `ReadonlyMap<string, string>` already is a `ShellEnv`. For other shapes:
 * - {@link envFromRecord} wraps a plain object (own properties only),
 * - {@link envFromList} reads BuildKit's `NAME=value` list form,
 * - {@link layeredEnv} stacks scopes (a stage's ENV over its ARGs over the global ARGs, say)
 *   without copying: the first scope that defines a name wins.
 *
 * Names match exactly (case-sensitive), as on Linux. BuildKit folds case on Windows only.
 */

/** A read-only variable scope. */
export interface ShellEnv {
  /** The value of `name`; `undefined` when it is not set, `''` when it is set but empty. */
  get(name: string): string | undefined;
  /** The names this scope defines (used for "did you mean" suggestions, not for expansion). */
  keys(): Iterable<string>;
}

/** A scope that defines nothing. */
export const EMPTY_ENV: ShellEnv = Object.freeze({
  get: (): string | undefined => undefined,
  keys: (): Iterable<string> => [],
});

/** A scope over the own enumerable string properties of `record`. */
export function envFromRecord(record: Readonly<Record<string, string>>): ShellEnv {
  return {
    get: (name) => (Object.hasOwn(record, name) ? record[name] : undefined),
    keys: () => Object.keys(record),
  };
}

/**
 * A scope over a `NAME=value` list, as BuildKit's `EnvsFromSlice` reads one: the name ends at
 * the first `=`; an entry without `=` sets the name to `''`; when a name occurs more than once
 * the last entry wins. The list is read once, when this is called.
 */
export function envFromList(list: readonly string[]): ShellEnv {
  const values = new Map<string, string>();
  for (const entry of list) {
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq);
    values.set(name, eq < 0 ? '' : entry.slice(eq + 1));
  }
  return values;
}

/**
 * Scopes stacked without copying: `get` asks each scope in order and returns the first defined
 * value, so put the innermost scope first. `keys` lists every name once, innermost first.
 */
export function layeredEnv(...scopes: readonly ShellEnv[]): ShellEnv {
  return {
    get(name) {
      for (const scope of scopes) {
        const value = scope.get(name);
        if (value !== undefined) return value;
      }
      return undefined;
    },
    *keys() {
      const seen = new Set<string>();
      for (const scope of scopes) {
        for (const key of scope.keys()) {
          if (seen.has(key)) continue;
          seen.add(key);
          yield key;
        }
      }
    },
  };
}

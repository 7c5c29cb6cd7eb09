/**
 * The `# check=` parser directive (and the `BUILDKIT_DOCKERFILE_CHECK` build argument, which
 * overrides it), read as BuildKit's `linter.ParseLintOptions` reads it:
 *
 * - the value is trimmed; empty means "all rules, warnings only";
 * - it is split on `;` into at most three parts (a third part keeps any further `;`);
 * - each part is `key=value` with key `skip`, `experimental` or `error` (spaces around the key
 *   are ignored); anything else is an error;
 * - `skip=all` skips every rule, otherwise `skip=A,B` (names trimmed, not checked);
 *   `experimental=all` or `experimental=A,B` enables experimental rules;
 * - `error=` takes Go's boolean spellings (`1 t T TRUE true True 0 f F FALSE false False`);
 *   when true, any warning makes the check fail with "lint violation found for rules: …".
 */
import { goStrconvQuote } from '../../gofmt/index.js';

/** What `# check=` asks for. */
export interface CheckConfig {
  readonly skipAll: boolean;
  readonly skipRules: readonly string[];
  readonly experimentalAll: boolean;
  readonly experimentalRules: readonly string[];
  /** Fail the check when any rule fired (`error=true`). */
  readonly returnAsError: boolean;
}

/** The configuration of a Dockerfile without `# check=`. */
export const DEFAULT_CHECK_CONFIG: CheckConfig = Object.freeze({
  skipAll: false,
  skipRules: [],
  experimentalAll: false,
  experimentalRules: [],
  returnAsError: false,
});

/** Go's `strconv.ParseBool`. */
function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** Go's `strings.SplitN(s, sep, n)` for n > 0. */
function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  if (parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function ruleList(value: string): { all: boolean; rules: string[] } {
  const v = value.trim();
  if (v === 'all') return { all: true, rules: [] };
  return { all: false, rules: v.split(',').map((r) => r.trim()) };
}

/**
 * Parses a `# check=` value. Returns the configuration, or `{ problem }` with BuildKit's text
 * (e.g. `invalid check option "foo"`), which a check reports as its build error.
 */
export function parseCheckConfig(value: string): CheckConfig | { problem: string } {
  const text = value.trim();
  if (text === '') return DEFAULT_CHECK_CONFIG;
  let skip = { all: false, rules: [] as string[] };
  let experimental = { all: false, rules: [] as string[] };
  let returnAsError = false;
  for (const part of splitN(text, ';', 3)) {
    const eq = part.indexOf('=');
    if (eq < 0) return { problem: `invalid check option ${goStrconvQuote(part)}` };
    const key = part.slice(0, eq).trim();
    const v = part.slice(eq + 1);
    if (key === 'skip') skip = ruleList(v);
    else if (key === 'experimental') experimental = ruleList(v);
    else if (key === 'error') {
      const b = parseGoBool(v.trim());
      if (b === undefined) {
        return {
          problem: `failed to parse check option ${goStrconvQuote(part)}: strconv.ParseBool: parsing ${goStrconvQuote(v.trim())}: invalid syntax`,
        };
      }
      returnAsError = b;
    } else return { problem: `invalid check option ${goStrconvQuote(key)}` };
  }
  return {
    skipAll: skip.all,
    skipRules: skip.rules,
    experimentalAll: experimental.all,
    experimentalRules: experimental.rules,
    returnAsError,
  };
}

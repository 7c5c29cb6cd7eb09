/**
 * The exec (JSON array) form of instruction arguments (BuildKit's `parseJSON`).
 *
 * Text is in exec form when, after leading white space, it starts with `[` and the whole rest is
 * one valid JSON value (Go's `json.Unmarshal` rules: trailing text other than JSON white space
 * is invalid) that is an array. Then:
 * - an array of strings is the argument list;
 * - an array holding anything else (a number, `true`, `null`, an object, an array) is an error:
 *   "when using JSON array syntax, arrays must be comprised of strings only";
 * - text that is not valid JSON is not an error: the instruction falls back to its shell form.
 * As in Go, a number too large for a float64 makes the text invalid JSON, and an escaped lone
 * surrogate (`\ud800`) or an invalid UTF-8 byte in a string becomes U+FFFD.
 */
import { SyntaxRuleError } from './errors.js';
import { trimLeftGoSpace } from './go-text.js';

/** BuildKit's message for a JSON array that holds something other than strings. */
export const NOT_STRING_ARRAY = 'when using JSON array syntax, arrays must be comprised of strings only';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function hasOverflow(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (Array.isArray(v)) return v.some(hasOverflow);
  if (typeof v === 'object' && v !== null) return Object.values(v).some(hasOverflow);
  return false;
}

/**
 * The strings of `text` when it is a JSON array of strings; undefined when it is not JSON (the
 * caller falls back to the shell form). Throws {@link SyntaxRuleError} for a JSON array that
 * holds non-strings.
 */
export function parseJsonStringArray(text: string): string[] | undefined {
  const rest = trimLeftGoSpace(text);
  if (!rest.startsWith('[')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(rest);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || hasOverflow(parsed)) return undefined;
  const out: string[] = [];
  for (const item of parsed) {
    if (typeof item !== 'string') {
      throw new SyntaxRuleError(
        NOT_STRING_ARRAY,
        'write every element as a "quoted string", e.g. CMD ["echo", "42"], or drop the brackets to use the shell form',
      );
    }
    out.push(item.replace(LONE_SURROGATE, '\ufffd'));
  }
  return out;
}

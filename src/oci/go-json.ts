/**
 * The byte-level rules of Go's `encoding/json` Marshal, which BuildKit, containerd and the
 * registries' Go clients use: compact output, map keys sorted by their UTF-8 bytes, and strings
 * escaped as Go escapes them: `"` and `\`; `\b \f \n \r \t`; other control characters as
 * `\u00xx` (lower-case hex); the HTML characters `<` `>` `&` as `\u003c` `\u003e` `\u0026`;
 * U+2028 and U+2029 as `\u2028` `\u2029`; an unpaired surrogate (invalid UTF-8 in Go's terms)
 * as `\ufffd`. Everything else is written as UTF-8 as is.
 */

const HEX = '0123456789abcdef';

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  12: '\\f',
  13: '\\r',
  34: '\\"',
  92: '\\\\',
};

function u4(code: number): string {
  return `\\u${HEX[(code >> 12) & 15]}${HEX[(code >> 8) & 15]}${HEX[(code >> 4) & 15]}${HEX[code & 15]}`;
}

/** Escape of one UTF-16 code unit at `i`, or undefined when it is written as is. */
function escapeAt(s: string, i: number): string | undefined {
  const c = s.charCodeAt(i);
  const short = SHORT_ESCAPES[c];
  if (short !== undefined) return short;
  if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) return u4(c);
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff ? undefined : '\\ufffd';
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const prev = s.charCodeAt(i - 1);
    return i > 0 && prev >= 0xd800 && prev <= 0xdbff ? undefined : '\\ufffd';
  }
  return undefined;
}

/** A JSON string literal exactly as Go's json.Marshal writes `s`. */
export function goQuote(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const esc = escapeAt(s, i);
    if (esc === undefined) continue;
    out += s.slice(start, i) + esc;
    start = i + 1;
  }
  return `${out}${s.slice(start)}"`;
}

/** Map keys in Go's order: byte-wise on their UTF-8 encoding. */
export function goSortedKeys(keys: Iterable<string>): string[] {
  return [...keys]
    .map((key) => ({ key, bytes: Buffer.from(key, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map((e) => e.key);
}

/** A JSON value as `JSON.parse` returns it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue };

/**
 * Go-style compact JSON of any JSON value, with object members sorted like a Go map. Numbers
 * must be finite; integers are written in full, others with JavaScript's shortest form.
 */
export function goMarshalValue(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot encode ${value} in JSON`);
    return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  }
  if (typeof value === 'string') return goQuote(value);
  if (Array.isArray(value)) return `[${value.map((v: JsonValue) => goMarshalValue(v)).join(',')}]`;
  const obj = value as { readonly [k: string]: JsonValue };
  const members = goSortedKeys(Object.keys(obj))
    .filter((k) => obj[k] !== undefined)
    .map((k) => `${goQuote(k)}:${goMarshalValue(obj[k] as JsonValue)}`);
  return `{${members.join(',')}}`;
}

/**
 * Go's `encoding/json` output, byte for byte:
 *
 * - strings ({@link goJsonQuote}) are escaped as `json.Marshal` escapes them: `"` and `\`;
 *   `\b \f \n \r \t`; other control characters as `\u00xx` (lower-case hex); the HTML
 *   characters `<` `>` `&` as `\u003c` `\u003e` `\u0026`; U+2028 and U+2029 as `\u2028`
 *   `\u2029`; an unpaired surrogate (invalid UTF-8 in Go's terms) as `\ufffd`. Everything else
 *   is written as UTF-8 as is;
 * - `json.Marshal` is compact. Objects come in two kinds, as in Go: a map
 *   ({@link goMarshalValue}) has its keys sorted by their UTF-8 bytes; a struct
 *   ({@link goMarshalOrdered}) has its members in declaration order (here: the object's
 *   insertion order; callers build objects in that order). Members that are `undefined` are
 *   left out, as `omitempty` leaves out empty ones. Numbers must be finite; integers are
 *   written in full, others in JavaScript's shortest form (which is Go's for float64);
 * - `json.Indent` ({@link goIndent}) drops insignificant white space and puts one element per
 *   line, `": "` after keys, empty objects and arrays kept as `{}` and `[]`, string contents
 *   copied byte for byte; `json.MarshalIndent` ({@link goMarshalIndent}) is a struct marshal
 *   followed by `json.Indent`.
 */

/** A JSON value as `JSON.parse` returns it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue };

/** A JSON value as Manifold builds it for printing: object members may be undefined (left out). */
export type GoValue =
  | null
  | boolean
  | number
  | string
  | readonly GoValue[]
  | { readonly [k: string]: GoValue | undefined };

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

/** A JSON string literal exactly as Go's `json.Marshal` writes `s`. */
export function goJsonQuote(s: string): string {
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

/** Compact JSON of `value`, object members in the order `order` gives. */
function marshal(value: GoValue, order: (keys: string[]) => string[]): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot encode ${value} in JSON`);
    return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  }
  if (typeof value === 'string') return goJsonQuote(value);
  if (Array.isArray(value)) return `[${value.map((v: GoValue) => marshal(v, order)).join(',')}]`;
  const obj = value as { readonly [k: string]: GoValue | undefined };
  const members: string[] = [];
  for (const k of order(Object.keys(obj))) {
    const v = obj[k];
    if (v !== undefined) members.push(`${goJsonQuote(k)}:${marshal(v, order)}`);
  }
  return `{${members.join(',')}}`;
}

const asGiven = (keys: string[]): string[] => keys;

/** `json.Marshal` of a value whose objects are Go maps: keys sorted by their UTF-8 bytes. */
export function goMarshalValue(value: GoValue): string {
  return marshal(value, goSortedKeys);
}

/** `json.Marshal` of a value whose objects are Go structs: members in the order given. */
export function goMarshalOrdered(value: GoValue): string {
  return marshal(value, asGiven);
}

/** Go's `json.Indent(dst, src, prefix, indent)` of one JSON text (see the module comment). */
export function goIndent(json: string, prefix: string, indent: string): string {
  let out = '';
  let depth = 0;
  let pendingOpen = false;
  const newline = (d: number): string => `\n${prefix}${indent.repeat(d)}`;
  for (let i = 0; i < json.length; i++) {
    const c = json[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (pendingOpen && c !== '}' && c !== ']') {
      out += newline(depth);
      pendingOpen = false;
    }
    if (c === '"') {
      const end = stringEnd(json, i);
      out += json.slice(i, end);
      i = end - 1;
    } else if (c === '{' || c === '[') {
      out += c;
      depth++;
      pendingOpen = true;
    } else if (c === '}' || c === ']') {
      depth--;
      if (pendingOpen) pendingOpen = false;
      else out += newline(depth);
      out += c;
    } else if (c === ',') {
      out += `,${newline(depth)}`;
    } else if (c === ':') {
      out += ': ';
    } else {
      out += c;
    }
  }
  return out;
}

/** Go's `json.MarshalIndent(v, prefix, indent)` of a struct-ordered value (no final newline). */
export function goMarshalIndent(value: GoValue, prefix: string, indent: string): string {
  return goIndent(goMarshalOrdered(value), prefix, indent);
}

/** Index just past the string literal that starts at `start`. */
function stringEnd(json: string, start: number): number {
  for (let i = start + 1; i < json.length; i++) {
    const c = json[i];
    if (c === '\\') i++;
    else if (c === '"') return i + 1;
  }
  return json.length;
}

/**
 * Go's JSON output shapes, which the tools users compare Manifold with (buildx, the docker CLI)
 * print and push:
 * - {@link goMarshalOrdered}: `json.Marshal` of a Go struct: members in the order given (the
 *   struct's declaration order; callers build objects in that order and sort map keys
 *   themselves), Go's string escapes (`<` as `\u003c`, …), `undefined` members left out.
 * - {@link goIndent}: `json.Indent(dst, src, prefix, indent)`: insignificant whitespace dropped,
 *   one element per line, `": "` after keys, empty objects and arrays kept as `{}` and `[]`,
 *   string contents copied byte for byte. `json.MarshalIndent` is the two in a row.
 */
import { goQuote } from '../oci/index.js';

/** A JSON value as Manifold builds it for printing: object members may be undefined (left out). */
export type GoValue =
  | null
  | boolean
  | number
  | string
  | readonly GoValue[]
  | { readonly [k: string]: GoValue | undefined };

/** `json.Marshal` of a value whose object members are already in Go's order. */
export function goMarshalOrdered(value: GoValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot encode ${value} in JSON`);
    return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  }
  if (typeof value === 'string') return goQuote(value);
  if (Array.isArray(value)) return `[${value.map((v: GoValue) => goMarshalOrdered(v)).join(',')}]`;
  const obj = value as { readonly [k: string]: GoValue | undefined };
  const members: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v !== undefined) members.push(`${goQuote(k)}:${goMarshalOrdered(v)}`);
  }
  return `{${members.join(',')}}`;
}

/** Go's `json.Indent` of one JSON text (see the module comment). */
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

/** `json.MarshalIndent` of an ordered value. */
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

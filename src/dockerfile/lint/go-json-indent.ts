/**
 * Go's `json.MarshalIndent(v, "", "  ")` for the subrequest results BuildKit returns
 * (`--call=check|outline|targets,format=json` prints them as is): members in struct order
 * (here: insertion order; `undefined` members are left out, as `omitempty` leaves out empty
 * ones), two-space indentation, `[]` and `{}` for empty values, `null` for a nil slice, and
 * strings escaped as Go escapes them (`<` `>` `&` as `\u003c` `\u003e` `\u0026`).
 */
import { goQuote } from '../../oci/index.js';

/** A value to marshal: what a Go struct of strings, numbers, bools, slices and structs holds. */
export type GoJson =
  | null
  | boolean
  | number
  | string
  | readonly GoJson[]
  | { readonly [key: string]: GoJson | undefined };

function marshal(value: GoJson, indent: string): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return goQuote(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const items = value as readonly GoJson[];
    if (items.length === 0) return '[]';
    return `[\n${items.map((v) => inner + marshal(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as { readonly [key: string]: GoJson | undefined }).filter(
    (e): e is [string, GoJson] => e[1] !== undefined,
  );
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${goQuote(k)}: ${marshal(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** `value` as Go's MarshalIndent with two spaces writes it (no trailing newline). */
export function goJsonIndent(value: GoJson): string {
  return marshal(value, '');
}

/**
 * Strict parsers for the size headers of blob and manifest answers.
 *
 * Numbers are plain decimal (leading zeros allowed, `0777` is 777), non-negative and safe
 * integers. `Content-Length` must appear exactly once. `Content-Range` is
 * `bytes <first>-<last>/<length>` where length may be `*`; it too must appear exactly once.
 * Anything else is undefined ("unknown or malformed"), never a guess.
 */

/** A header as node/undici hands it over. */
export type HeaderValue = string | readonly string[] | undefined;

/** A parsed `Content-Range`. */
export interface ContentRange {
  readonly first: number;
  readonly last: number;
  /** Total length, or -1 for `*`. */
  readonly length: number;
}

/** Parses a non-negative decimal integer; undefined when malformed or too large. */
export function parseDecimal(s: string): number | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

function single(value: HeaderValue): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  return value.length === 1 ? value[0] : undefined;
}

/** The one `Content-Length` of an answer, or undefined. */
export function parseContentLength(value: HeaderValue): number | undefined {
  const v = single(value);
  return v === undefined ? undefined : parseDecimal(v.trim());
}

/** The one `Content-Range` of an answer, or undefined. */
export function parseContentRange(value: HeaderValue): ContentRange | undefined {
  const v = single(value);
  if (v === undefined) return undefined;
  const m = /^bytes ([0-9]+)-([0-9]+)\/([0-9]+|\*)$/.exec(v);
  if (m === null) return undefined;
  const first = parseDecimal(m[1] as string);
  const last = parseDecimal(m[2] as string);
  const length = m[3] === '*' ? -1 : parseDecimal(m[3] as string);
  if (first === undefined || last === undefined || length === undefined) return undefined;
  return { first, last, length };
}

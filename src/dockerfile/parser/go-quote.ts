/**
 * Go's `strconv.Quote`, which BuildKit's tree dump uses for every argument and flag.
 *
 * The value is wrapped in `"`; `\` and `"` are escaped; bell, backspace, form feed, newline,
 * carriage return, tab and vertical tab become `\a \b \f \n \r \t \v`; other control characters
 * below U+0020 and U+007F become `\xHH`; other non-printable code points become `\uHHHH` or
 * `\UHHHHHHHH`; printable characters (letters, marks, numbers, punctuation, symbols and the
 * ASCII space) stay as they are. A byte that was not valid UTF-8 (a byte escape, see
 * go-text.ts) becomes `\xHH`.
 */
import { isByteEscape } from './go-text.js';

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

const NAMED_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x07, '\\a'],
  [0x08, '\\b'],
  [0x0c, '\\f'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
  [0x09, '\\t'],
  [0x0b, '\\v'],
]);

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function quoteRune(ch: string, cp: number): string {
  if (cp === 0x22) return '\\"';
  if (cp === 0x5c) return '\\\\';
  if (isByteEscape(cp)) return `\\x${hex(cp - 0xdc00, 2)}`;
  if (cp === 0x20 || (cp > 0x7e ? PRINTABLE.test(ch) : cp > 0x20)) return ch;
  const named = NAMED_ESCAPES.get(cp);
  if (named !== undefined) return named;
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2)}`;
  // A lone surrogate is not valid UTF-8; Go would have seen U+FFFD, which is printable.
  if (cp >= 0xd800 && cp <= 0xdfff) return '\ufffd';
  if (cp < 0x10000) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

/** Quotes a string exactly as Go's `strconv.Quote` does. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += quoteRune(ch, ch.codePointAt(0) ?? 0);
  return out + '"';
}

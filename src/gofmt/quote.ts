/**
 * Go's `strconv.Quote` (what `%q` prints), which BuildKit uses in its tree dump, its history
 * lines and many of its messages. Not the same as a JSON string (`goJsonQuote` in
 * json.ts): `<` `>` `&` stay as they are, and control characters are `\a \v \xHH`, not `\u00HH`.
 *
 * The value is wrapped in `"`; `\` and `"` are escaped; bell, backspace, form feed, newline,
 * carriage return, tab and vertical tab become `\a \b \f \n \r \t \v`; other control characters
 * below U+0020 and U+007F become `\xHH`; other non-printable code points become `\uHHHH` or
 * `\UHHHHHHHH`; printable characters (letters, marks, numbers, punctuation, symbols and the
 * ASCII space) stay as they are.
 *
 * Go strings may hold bytes that are not valid UTF-8. Text decoded with the "surrogateescape"
 * convention (each such byte `b` as the lone surrogate U+DC00 + b, in U+DC80…U+DCFF; the
 * Dockerfile reader decodes so) gets those bytes back as `\xHH`, as Go prints them. Any other
 * lone surrogate is what Go would have seen as U+FFFD, which is printable.
 */

const NAMED_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x07, '\\a'],
  [0x08, '\\b'],
  [0x0c, '\\f'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
  [0x09, '\\t'],
  [0x0b, '\\v'],
]);

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** First and last code point of the surrogateescape range (see the module comment). */
const RAW_BYTE_FIRST = 0xdc80;
const RAW_BYTE_LAST = 0xdcff;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function quoteRune(ch: string, cp: number): string {
  if (cp === 0x22) return '\\"';
  if (cp === 0x5c) return '\\\\';
  if (cp >= RAW_BYTE_FIRST && cp <= RAW_BYTE_LAST) return `\\x${hex(cp - 0xdc00, 2)}`;
  if (cp === 0x20 || (cp > 0x7e ? PRINTABLE.test(ch) : cp > 0x20)) return ch;
  const named = NAMED_ESCAPES.get(cp);
  if (named !== undefined) return named;
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2)}`;
  if (cp >= 0xd800 && cp <= 0xdfff) return '\ufffd';
  if (cp < 0x10000) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

/** Quotes a string exactly as Go's `strconv.Quote` does (see the module comment). */
export function goStrconvQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += quoteRune(ch, ch.codePointAt(0) ?? 0);
  return out + '"';
}

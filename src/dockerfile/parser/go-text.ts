/**
 * Text as BuildKit's Go code sees it.
 *
 * BuildKit works on Go strings, which are byte strings that usually hold UTF-8 but may hold any
 * bytes. To give the same results here, a Dockerfile read as bytes is decoded with one rule:
 * every byte that is not part of a valid UTF-8 sequence becomes the lone surrogate
 * `U+DC00 + byte` (U+DC80…U+DCFF, the "surrogateescape" convention). Such a string can be turned
 * back into the exact bytes, and code that must work byte by byte (as some BuildKit functions
 * do) can do so. A string given by a caller is used as it is.
 *
 * This module also holds Go's notion of white space (`unicode.IsSpace`), `strings.TrimSpace`
 * and `strings.ToLower`, which differ from JavaScript's `\s`, `trim()` and `toLowerCase()`.
 */

const ESCAPE_BASE = 0xdc00;

/** True when the code point stands for a raw byte that was not valid UTF-8. */
export function isByteEscape(cp: number): boolean {
  return cp >= 0xdc80 && cp <= 0xdcff;
}

/** Go's `unicode.IsSpace`. */
export function isGoSpace(cp: number): boolean {
  if (cp <= 0xff) return (cp >= 0x09 && cp <= 0x0d) || cp === 0x20 || cp === 0x85 || cp === 0xa0;
  return (
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

/** Decodes bytes as Go would see them: valid UTF-8 as text, any other byte as a byte escape. */
export function decodeGoBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return decodeWithEscapes(bytes);
  }
}

function decodeWithEscapes(bytes: Uint8Array): string {
  const parts: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    const [cp, width] = decodeRune(bytes, i);
    parts.push(String.fromCodePoint(cp));
    i += width;
  }
  return parts.join('');
}

/** One UTF-8 sequence at `i`, as Go's `utf8.DecodeRune` accepts it; else a byte escape, width 1. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const b0 = b[i] ?? 0;
  if (b0 < 0x80) return [b0, 1];
  const invalid: [number, number] = [ESCAPE_BASE + b0, 1];
  const cont = (k: number): number => {
    const v = b[i + k];
    return v !== undefined && (v & 0xc0) === 0x80 ? v & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? invalid : [((b0 & 0x1f) << 6) | c1, 2];
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 < 0 || c2 < 0) return invalid;
    const cp = ((b0 & 0x0f) << 12) | (c1 << 6) | c2;
    return cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) ? invalid : [cp, 3];
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return invalid;
    const cp = ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    return cp < 0x10000 || cp > 0x10ffff ? invalid : [cp, 4];
  }
  return invalid;
}

/** The bytes of a string in this model (byte escapes become their byte; lone surrogates U+FFFD). */
export function encodeGoBytes(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    let cp = ch.codePointAt(0) ?? 0;
    if (isByteEscape(cp)) {
      out.push(cp - ESCAPE_BASE);
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else
      out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
}

/** Number of bytes the string has in Go (its length in UTF-8, byte escapes counting one). */
export function goByteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else if (isByteEscape(c)) n += 1;
    else n += 3;
  }
  return n;
}

/** The string without its first byte, as Go's `s[1:]` (a multi-byte first character leaves escapes). */
export function dropFirstByte(s: string): string {
  if (s === '') return s;
  const first = s.codePointAt(0) ?? 0;
  if (first < 0x80 || isByteEscape(first)) return s.slice(1);
  return decodeGoBytes(encodeGoBytes(s).subarray(1));
}

/** Go's `strings.TrimLeftFunc(s, unicode.IsSpace)`. */
export function trimLeftGoSpace(s: string): string {
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i) ?? 0;
    if (!isGoSpace(cp)) break;
    i += cp > 0xffff ? 2 : 1;
  }
  return s.slice(i);
}

/** Go's `strings.TrimRightFunc(s, unicode.IsSpace)`. */
export function trimRightGoSpace(s: string): string {
  let end = s.length;
  while (end > 0) {
    const cp = s.charCodeAt(end - 1);
    // Every Go space is in the Basic Multilingual Plane, so one code unit is enough.
    if (!isGoSpace(cp)) break;
    end--;
  }
  return s.slice(0, end);
}

/** Go's `strings.TrimSpace`. */
export function trimGoSpace(s: string): string {
  return trimRightGoSpace(trimLeftGoSpace(s));
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Go's `strings.ToLower`: a per-character mapping, never context-dependent. */
export function goToLower(s: string): string {
  // ASCII fast path: by far the common case for instruction keywords.
  if (isAscii(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    if (ch === '\u0130') {
      out += 'i';
      continue;
    }
    const lower = ch.toLowerCase();
    out += [...lower].length === 1 ? lower : ch;
  }
  return out;
}

/** Go's `strings.ToUpper`, per character like {@link goToLower}. */
export function goToUpper(s: string): string {
  if (isAscii(s)) return s.toUpperCase();
  let out = '';
  for (const ch of s) {
    const upper = ch.toUpperCase();
    out += [...upper].length === 1 ? upper : ch;
  }
  return out;
}

/**
 * Splitting an instruction line into keyword, flags and the rest (BuildKit's `splitCommand`).
 *
 * The line is trimmed, the keyword is everything up to the first run of ASCII white space
 * (`[\t\v\f\r ]`), and the flags are the words after it that start with `--`:
 * - a flag word ends at white space; inside it `'…'` and `"…"` group (the quotes are removed) and
 *   a backslash takes the next character literally, whatever the escape directive says;
 * - a bare `--` ends the flags and is not kept;
 * - the first word that does not start with `--` begins the arguments, which are trimmed.
 *
 * Flags are read byte by byte, as BuildKit does: a byte 0x85 or 0xA0 counts as white space even
 * inside a multi-byte character, and each non-ASCII byte of a flag is kept as the character with
 * that number (Latin-1), so `--chown=é` gives `--chown=Ã©` as it does in BuildKit.
 */
import { decodeGoBytes, encodeGoBytes, isGoSpace, trimGoSpace } from './go-text.js';

/** A line split into its parts. */
export interface SplitCommand {
  /** The keyword as written. */
  readonly keyword: string;
  /** The flags, quotes removed. */
  readonly flags: string[];
  /** The rest of the line, trimmed. */
  readonly rest: string;
}

const ASCII_WHITESPACE = /[\t\v\f\r ]+/;
const DASH = 0x2d;

/** Splits an instruction line into keyword, flags and arguments. */
export function splitCommand(line: string): SplitCommand {
  const trimmed = trimGoSpace(line);
  const m = ASCII_WHITESPACE.exec(trimmed);
  if (m === null) return { keyword: trimmed, flags: [], rest: '' };
  const keyword = trimmed.slice(0, m.index);
  const { rest, flags } = extractBuilderFlags(trimmed.slice(m.index + m[0].length));
  return { keyword, flags, rest: trimGoSpace(rest) };
}

/** Reads the `--flag` words at the start of `line`; returns them and what follows. */
export function extractBuilderFlags(line: string): { rest: string; flags: string[] } {
  const b = encodeGoBytes(line);
  const flags: string[] = [];
  const restFrom = (pos: number) => ({ rest: decodeGoBytes(b.subarray(pos)), flags });
  let pos = 0;
  for (;;) {
    while (pos < b.length && isGoSpace(b[pos] ?? 0)) pos++;
    if (pos >= b.length) return { rest: '', flags };
    if (b[pos] !== DASH || b[pos + 1] !== DASH) return restFrom(pos);
    const word = readFlagWord(b, pos);
    if (word.text === '--' && !word.atEnd) return restFrom(word.end);
    if (word.text !== '--' && (word.quoted || word.text.length > 0)) flags.push(word.text);
    if (word.atEnd) return { rest: '', flags };
    pos = word.end;
  }
}

interface FlagWord {
  readonly text: string;
  /** Index of the white space byte that ended the word, or the length at the end of input. */
  readonly end: number;
  readonly atEnd: boolean;
  /** True when the word held quotes (so an empty word still counts). */
  readonly quoted: boolean;
}

/** One flag word starting at `start`, quotes and backslashes processed. */
function readFlagWord(b: Uint8Array, start: number): FlagWord {
  let text = '';
  let quote = 0;
  let quoted = false;
  let pos = start;
  for (; pos < b.length; pos++) {
    let ch = b[pos] ?? 0;
    if (quote === 0 && isGoSpace(ch)) return { text, end: pos, atEnd: false, quoted };
    if (quote !== 0 && ch === quote) {
      quote = 0;
      continue;
    }
    if (quote === 0 && (ch === 0x27 || ch === 0x22)) {
      quote = ch;
      quoted = true;
      continue;
    }
    if (ch === 0x5c) {
      if (pos + 1 === b.length) {
        quote = 0; // BuildKit drops a trailing backslash and leaves the quote
        continue;
      }
      pos++;
      ch = b[pos] ?? 0;
    }
    text += String.fromCharCode(ch);
  }
  return { text, end: pos, atEnd: true, quoted };
}

/**
 * Splitting ENV, LABEL and ARG arguments into words (BuildKit's `parseWords`).
 *
 * Words are separated by white space (Go's `unicode.IsSpace`). Quotes and escapes group but are
 * kept verbatim in the words; removing them is for a later stage:
 * - `'…'` and `"…"` group white space into the word; a word holding a quote is kept even if
 *   it is otherwise empty;
 * - outside quotes the escape character keeps itself and the next character (which then cannot
 *   end the word or open a quote); inside `"…"` it does the same; inside `'…'` it is literal;
 * - an escape character at the very end of the text is dropped.
 * A byte that is not valid UTF-8 becomes U+FFFD in a word, as in BuildKit.
 */
import { isByteEscape, isGoSpace } from './go-text.js';

type Phase = 'spaces' | 'word' | 'quote';

/** Code points of `text`, with byte escapes read as U+FFFD (Go's `utf8.DecodeRuneInString`). */
function runes(text: string): string[] {
  return Array.from(text, (ch) => (isByteEscape(ch.codePointAt(0) ?? 0) ? '\ufffd' : ch));
}

function isSpace(ch: string): boolean {
  return isGoSpace(ch.codePointAt(0) ?? 0);
}

/** Splits `rest` into words, keeping quotes and escapes; `escapeToken` is `\` or `` ` ``. */
export function parseWords(rest: string, escapeToken: string): string[] {
  const rs = runes(rest);
  const words: string[] = [];
  let phase: Phase = 'spaces';
  let quote = '';
  let blankOK = false;
  let word = '';
  const flush = () => {
    if (blankOK || word.length > 0) words.push(word);
    word = '';
    blankOK = false;
  };
  for (let pos = 0; pos < rs.length; pos++) {
    let ch = rs[pos] ?? '';
    if (phase === 'spaces') {
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        flush();
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = 'quote';
      } else if (ch === escapeToken) {
        if (pos + 1 === rs.length) continue; // a trailing escape character is dropped
        word += ch;
        pos++;
        ch = rs[pos] ?? '';
      }
      word += ch;
      continue;
    }
    if (ch === quote) phase = 'word';
    if (ch === escapeToken && quote !== "'") {
      if (pos + 1 === rs.length) {
        phase = 'word';
        continue;
      }
      pos++;
      word += ch;
      ch = rs[pos] ?? '';
    }
    word += ch;
  }
  if (phase !== 'spaces') flush();
  return words;
}

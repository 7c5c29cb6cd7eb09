/**
 * The word splitting BuildKit's parser uses to find here-documents: its shell lexer with every
 * variable unset and left as written (`SkipUnsetEnv`), and backslash as escape character.
 *
 * - Words are separated by white space (Go's `unicode.IsSpace`).
 * - `'…'` is literal; in `"…"` a backslash escapes only `"`, `$` and `\`. With `rawQuotes` the
 *   quote characters stay in the word; without, they are removed.
 * - Outside quotes a backslash takes the next character literally; with `rawEscapes` the
 *   backslash itself is kept too.
 * - `$name`, `${name}` and `${name<op>word}` (`op` one of `:- - :+ + :? ? # % / //`) are left as
 *   written (the word inside is processed by the same rules); malformed ones are errors.
 * - `<<` keeps the spaces, tabs and carriage returns after it in the same word, so `<< EOF` is
 *   one word.
 * An unterminated quote or `${` is an error. This is not the expansion of a later stage: it only
 * has to split a line into the words a heredoc marker is looked for in.
 */
import { isByteEscape, isGoSpace } from './go-text.js';

/** Options of {@link lexWords}. */
export interface LexOptions {
  /** Keep quote characters in the words. */
  readonly rawQuotes: boolean;
  /** Keep escape characters in the words. */
  readonly rawEscapes: boolean;
}

/** A lexing error, with BuildKit's text. */
export class LexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LexError';
  }
}

const ESCAPE = '\\';
const SPECIAL_PARAMS = '@*#?-$!0';
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

function isSpace(ch: string): boolean {
  return isGoSpace(ch.codePointAt(0) ?? 0);
}

/** Accumulates words: white space ends a word unless it was added raw. */
class Words {
  private readonly words: string[] = [];
  private word = '';
  private inWord = false;

  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.word.length > 0) {
        this.words.push(this.word);
        this.word = '';
        this.inWord = false;
      }
      return;
    }
    this.addRaw(ch);
  }

  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }

  addRaw(s: string): void {
    this.word += s;
    this.inWord = true;
  }

  finish(): string[] {
    if (this.word.length > 0) this.words.push(this.word);
    this.word = '';
    this.inWord = false;
    return this.words;
  }
}

class WordLexer {
  private readonly chars: string[];
  private pos = 0;
  private rawEscapes: boolean;

  constructor(
    source: string,
    private readonly rawQuotes: boolean,
    rawEscapes: boolean,
  ) {
    // Go's text/scanner reads an invalid byte as U+FFFD and skips a leading byte order mark.
    this.chars = Array.from(source, (ch) => (isByteEscape(ch.codePointAt(0) ?? 0) ? '\ufffd' : ch));
    if (this.chars[0] === '\ufeff') this.pos = 1;
    this.rawEscapes = rawEscapes;
  }

  private peek(): string | undefined {
    return this.chars[this.pos];
  }

  private next(): string | undefined {
    const ch = this.chars[this.pos];
    if (ch !== undefined) this.pos++;
    return ch;
  }

  /** Reads up to `stop` (or the end when `stop` is undefined): the text and its words. */
  processStopOn(stop: string | undefined, rawEscapes: boolean): { text: string; words: string[] } {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      return this.readUntil(stop);
    } finally {
      this.rawEscapes = saved;
    }
  }

  private readUntil(stop: string | undefined): { text: string; words: string[] } {
    let text = '';
    const words = new Words();
    for (let ch = this.peek(); ch !== undefined; ch = this.peek()) {
      if (stop !== undefined && ch === stop) {
        this.next();
        return { text, words: words.finish() };
      }
      const special = this.special(ch);
      if (special !== undefined) {
        text += special;
        if (ch === '$') words.addString(special);
        else words.addRaw(special);
        continue;
      }
      this.next();
      if (ch === ESCAPE) {
        if (this.rawEscapes) {
          words.addRaw(ch);
          text += ch;
        }
        const escaped = this.next();
        if (escaped === undefined) break;
        words.addRaw(escaped);
        text += escaped;
        continue;
      }
      words.addChar(ch);
      text += ch;
    }
    if (stop !== undefined)
      throw new LexError(`unexpected end of statement while looking for matching ${stop}`);
    return { text, words: words.finish() };
  }

  private special(ch: string): string | undefined {
    if (ch === "'") return this.singleQuote();
    if (ch === '"') return this.doubleQuote();
    if (ch === '$') return this.dollar();
    if (ch === '<') return this.possibleHeredoc();
    return undefined;
  }

  private singleQuote(): string {
    const open = this.next() ?? '';
    let out = this.rawQuotes ? open : '';
    for (;;) {
      const ch = this.next();
      if (ch === undefined)
        throw new LexError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return this.rawQuotes ? out + ch : out;
      out += ch;
    }
  }

  private doubleQuote(): string {
    const open = this.next() ?? '';
    let out = this.rawQuotes ? open : '';
    for (;;) {
      const peeked = this.peek();
      if (peeked === undefined) {
        throw new LexError('unexpected end of statement while looking for matching double-quote');
      }
      if (peeked === '"') {
        this.next();
        return this.rawQuotes ? out + peeked : out;
      }
      if (peeked === '$') {
        out += this.dollar();
        continue;
      }
      let ch = this.next() ?? '';
      if (ch === ESCAPE) {
        if (this.rawEscapes) out += ch;
        const after = this.peek();
        if (after === undefined) continue;
        if (after === '"' || after === '$' || after === ESCAPE) ch = this.next() ?? '';
      }
      out += ch;
    }
  }

  private possibleHeredoc(): string {
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    let out = '<<';
    for (let ch = this.peek(); ch === ' ' || ch === '\t' || ch === '\r'; ch = this.peek()) {
      out += ch;
      this.next();
    }
    return out;
  }

  private name(): string {
    let name = '';
    for (let ch = this.peek(); ch !== undefined; ch = this.peek()) {
      if (name === '' && DIGIT.test(ch)) {
        while (this.peek() !== undefined && DIGIT.test(this.peek() ?? '')) name += this.next();
        return name;
      }
      if (name === '' && SPECIAL_PARAMS.includes(ch)) return this.next() ?? '';
      if (!LETTER.test(ch) && !DIGIT.test(ch) && ch !== '_') break;
      name += this.next();
    }
    return name;
  }

  /** `$…`, with every variable unset and kept as written. */
  private dollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.name();
      return `$${name}`;
    }
    this.next();
    const lead = this.peek();
    if (lead === undefined) throw new LexError("syntax error: missing '}'");
    if (lead === '{' || lead === '}' || lead === ':') throw new LexError('syntax error: bad substitution');
    const name = this.name();
    let op = this.next();
    if (op === '}') return `\${${name}}`;
    let ops = op ?? '';
    if (op === ':') {
      op = this.next();
      ops += op ?? '';
      if (op === '#' || op === '%') throw new LexError(`unsupported modifier (${ops}) in substitution`);
      return `\${${name}${ops}${this.wordUntilBrace(false)}}`;
    }
    if (op === '+' || op === '-' || op === '?' || op === '#' || op === '%') {
      return `\${${name}${ops}${this.wordUntilBrace(op === '#' || op === '%')}}`;
    }
    if (op === '/') {
      if (this.peek() === '/') this.next();
      const pattern = this.wordUntil('/', "syntax error: missing '/' in $" + '{}');
      const replacement = this.wordUntil('}', "syntax error: missing '}'");
      return `\${${name}/${pattern}/${replacement}}`;
    }
    throw new LexError(`unsupported modifier (${ops}) in substitution`);
  }

  private wordUntilBrace(rawEscapes: boolean): string {
    try {
      return this.processStopOn('}', rawEscapes).text;
    } catch (err) {
      if (this.peek() === undefined) throw new LexError("syntax error: missing '}'");
      throw err;
    }
  }

  private wordUntil(stop: string, atEnd: string): string {
    try {
      return this.processStopOn(stop, true).text;
    } catch (err) {
      if (this.peek() === undefined) throw new LexError(atEnd);
      throw err;
    }
  }
}

/**
 * Splits `source` into words by the rules above. Throws {@link LexError}, with BuildKit's text
 * wrapped as `failed to process "<source>": …`.
 */
export function lexWords(source: string, options: LexOptions): string[] {
  const lexer = new WordLexer(source, options.rawQuotes, options.rawEscapes);
  try {
    return lexer.processStopOn(undefined, options.rawEscapes).words;
  } catch (err) {
    if (err instanceof LexError)
      throw new LexError(`failed to process ${JSON.stringify(source)}: ${err.message}`);
    throw err;
  }
}

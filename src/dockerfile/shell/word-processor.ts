/**
 * One pass over one word: quote removal, escapes and `$` expansion, with BuildKit's rules.
 *
 * - Outside quotes, the escape character (`\` or `` ` ``) makes the next character literal; at
 *   the end of the word it is dropped. With `rawEscapes` the escape character is kept as well.
 * - `'…'` keeps everything literally; there is no way to escape a `'` inside it.
 * - `"…"` expands `$`; the escape character escapes only `"`, `$` and itself, and stays literal
 *   before anything else. An escape character right before the end of the word is dropped (and
 *   the quote is then unterminated).
 * - With `rawQuotes` the quote characters stay in the result; with `skipProcessQuotes` quotes are
 *   ordinary characters.
 * - For word splitting, the values of `$` expansions and unquoted characters split on white
 *   space; quoted text and escaped characters do not.
 *
 * A `WordProcessor` lives for one call and is not shared, so the lexer itself holds no state.
 */
import type { ShellEnv } from './env.js';
import { BadSubstitutionError, UnterminatedQuoteError } from './errors.js';
import { type ExpansionContext, expandDollar } from './parameter.js';
import { WordSplitter } from './word-splitter.js';

/** Lexer settings, all resolved (see `ShellLexerOptions` for what each does). */
export interface LexerSettings {
  readonly escapeToken: string;
  readonly rawQuotes: boolean;
  readonly rawEscapes: boolean;
  readonly skipProcessQuotes: boolean;
  readonly skipUnsetEnv: boolean;
}

/** The processed word and its split form. */
export interface ProcessedWord {
  readonly text: string;
  readonly words: string[];
}

/** Processes one word against one scope, recording which names were found and which were not. */
export class WordProcessor implements ExpansionContext {
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();
  readonly skipUnsetEnv: boolean;
  private readonly chars: string[];
  private pos = 0;
  private rawEscapes: boolean;

  constructor(
    readonly source: string,
    private readonly env: ShellEnv,
    private readonly settings: LexerSettings,
  ) {
    this.chars = Array.from(source);
    this.rawEscapes = settings.rawEscapes;
    this.skipUnsetEnv = settings.skipUnsetEnv;
  }

  /** Processes the whole word. */
  run(): ProcessedWord {
    return this.scanWithEscapes(undefined, this.settings.rawEscapes);
  }

  peek(): string | undefined {
    return this.chars[this.pos];
  }

  next(): string | undefined {
    const ch = this.chars[this.pos];
    if (ch !== undefined) this.pos++;
    return ch;
  }

  lookup(name: string): string | undefined {
    const value = this.env.get(name);
    (value === undefined ? this.unmatched : this.matched).add(name);
    return value;
  }

  processUntil(stop: string, rawEscapes: boolean): string {
    return this.scanWithEscapes(stop, rawEscapes).text;
  }

  private scanWithEscapes(stop: string | undefined, rawEscapes: boolean): ProcessedWord {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      return this.scan(stop);
    } finally {
      this.rawEscapes = saved;
    }
  }

  /** Processes up to `stop` (consumed) or, when `stop` is undefined, to the end of the word. */
  private scan(stop: string | undefined): ProcessedWord {
    const esc = this.settings.escapeToken;
    const words = new WordSplitter();
    let text = '';
    for (let ch = this.peek(); ch !== undefined; ch = this.peek()) {
      if (ch === stop) {
        this.next();
        return { text, words: words.finish() };
      }
      if (ch === '$') {
        const value = expandDollar(this);
        text += value;
        words.addSplit(value);
        continue;
      }
      if ((ch === "'" || ch === '"') && !this.settings.skipProcessQuotes) {
        const quoted = ch === "'" ? this.singleQuoted() : this.doubleQuoted();
        text += quoted;
        words.addRaw(quoted);
        continue;
      }
      this.next();
      if (ch !== esc) {
        text += ch;
        words.addChar(ch);
        continue;
      }
      if (this.rawEscapes) {
        text += ch;
        words.addRaw(ch);
      }
      const escaped = this.next();
      if (escaped === undefined) break;
      text += escaped;
      words.addRaw(escaped);
    }
    if (stop !== undefined) {
      throw new BadSubstitutionError(
        this.source,
        `unexpected end of statement while looking for matching ${stop}`,
      );
    }
    return { text, words: words.finish() };
  }

  private singleQuoted(): string {
    const opening = this.next()!;
    let out = this.settings.rawQuotes ? opening : '';
    for (;;) {
      const ch = this.next();
      if (ch === undefined) throw new UnterminatedQuoteError(this.source, "'", this.settings.escapeToken);
      if (ch === "'") return this.settings.rawQuotes ? out + ch : out;
      out += ch;
    }
  }

  private doubleQuoted(): string {
    const esc = this.settings.escapeToken;
    const opening = this.next()!;
    let out = this.settings.rawQuotes ? opening : '';
    for (let ch = this.peek(); ; ch = this.peek()) {
      if (ch === undefined) throw new UnterminatedQuoteError(this.source, '"', esc);
      if (ch === '"') {
        this.next();
        return this.settings.rawQuotes ? out + ch : out;
      }
      if (ch === '$') {
        out += expandDollar(this);
        continue;
      }
      this.next();
      if (ch !== esc) {
        out += ch;
        continue;
      }
      if (this.rawEscapes) out += ch;
      const following = this.peek();
      if (following === undefined) continue;
      out += following === '"' || following === '$' || following === esc ? this.next() : ch;
    }
  }
}

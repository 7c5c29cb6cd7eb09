/**
 * The Dockerfile word lexer: BuildKit's `shell.Lex` (frontend/dockerfile/shell) for Manifold.
 *
 * A {@link ShellLexer} is an immutable value built from the escape character (`\` by default, or
 * a backtick chosen with the `# escape=` directive) and a few switches. Each call processes one
 * word against one {@link ShellEnv} and keeps no state between calls, so one lexer can serve a
 * whole build.
 *
 * - {@link ShellLexer.processWord}: one word in, one string out (quotes removed, escapes
 *   processed, variables expanded, no splitting). ENV, LABEL, WORKDIR, COPY, … use this.
 * - {@link ShellLexer.processWords}: the same, then split into words on unquoted white space
 *   (in plain text and in expanded values). EXPOSE uses this.
 * - {@link ShellLexer.processWordWithMatches}: like `processWord`, plus the names that were
 *   looked up and found (`matched`) or not found (`unmatched`): which stage reads `TARGETARCH`,
 *   and the UndefinedVar lint check.
 *
 * Errors are `ShellExpansionError`s (code `E_DOCKERFILE_EXPAND`). The rules themselves are
 * described in `word-processor.ts` (quotes, escapes), `parameter.ts` (`$` forms) and
 * `pattern.ts` (patterns of `#`, `%`, `/`).
 *
 * Where this differs from BuildKit's lex.go (the version with `EnvGetter`), on purpose:
 * - In `processWords`, text before a `${V:-…}`-style expansion stays in its word. (BuildKit's
 *   nested expansions share one word buffer and clear it, so `a${X:-b}` splits to `["b"]`.)
 * - With `skipUnsetEnv`, an unset `${V//p/r}` is written back with both slashes.
 */
import type { ShellEnv } from './env.js';
import { InvalidEscapeTokenError } from './errors.js';
import { type LexerSettings, WordProcessor } from './word-processor.js';

/** The two escape characters a Dockerfile can choose with the `# escape=` directive. */
export type EscapeToken = '\\' | '`';

/** Switches of the lexer; all default to `false`, which is how BuildKit expands instruction words. */
export interface ShellLexerOptions {
  /** Keep the quote characters of `'…'` and `"…"` in the result (BuildKit `RawQuotes`). */
  readonly rawQuotes?: boolean;
  /** Keep escape characters in the result as well as what they escape (BuildKit `RawEscapes`). */
  readonly rawEscapes?: boolean;
  /** Treat `'` and `"` as ordinary characters (BuildKit `SkipProcessQuotes`). */
  readonly skipProcessQuotes?: boolean;
  /** Leave `$V`, `${V…}` of unset variables as written (BuildKit `SkipUnsetEnv`). */
  readonly skipUnsetEnv?: boolean;
}

/** The result of {@link ShellLexer.processWordWithMatches}. */
export interface ExpansionResult {
  /** The processed word. */
  readonly result: string;
  /** Names that were looked up and are set (possibly to `''`). */
  readonly matched: ReadonlySet<string>;
  /** Names that were looked up and are not set. */
  readonly unmatched: ReadonlySet<string>;
}

/** Processes Dockerfile words the way BuildKit does. */
export class ShellLexer {
  /** The escape character. */
  readonly escapeToken: EscapeToken;
  /** The switches, resolved. */
  readonly options: Readonly<Required<ShellLexerOptions>>;

  constructor(escapeToken: EscapeToken = '\\', options: ShellLexerOptions = {}) {
    if (escapeToken !== '\\' && escapeToken !== '`') throw new InvalidEscapeTokenError(escapeToken);
    this.escapeToken = escapeToken;
    this.options = Object.freeze({
      rawQuotes: options.rawQuotes ?? false,
      rawEscapes: options.rawEscapes ?? false,
      skipProcessQuotes: options.skipProcessQuotes ?? false,
      skipUnsetEnv: options.skipUnsetEnv ?? false,
    });
  }

  /** A lexer with the same escape character and these switches changed. */
  with(options: ShellLexerOptions): ShellLexer {
    return new ShellLexer(this.escapeToken, { ...this.options, ...options });
  }

  /** Processes `word` as one word: quotes removed, escapes handled, variables expanded. */
  processWord(word: string, env: ShellEnv): string {
    return this.processor(word, env).run().text;
  }

  /** Processes `word`, then splits the result on unquoted, unescaped white space. */
  processWords(word: string, env: ShellEnv): string[] {
    return this.processor(word, env).run().words;
  }

  /** Processes `word` as one word and reports which variables it found and which it did not. */
  processWordWithMatches(word: string, env: ShellEnv): ExpansionResult {
    const processor = this.processor(word, env);
    const { text } = processor.run();
    return { result: text, matched: processor.matched, unmatched: processor.unmatched };
  }

  private processor(word: string, env: ShellEnv): WordProcessor {
    const settings: LexerSettings = { escapeToken: this.escapeToken, ...this.options };
    return new WordProcessor(word, env, settings);
  }
}

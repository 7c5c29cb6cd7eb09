/**
 * Errors of Dockerfile word expansion. All share the code `E_DOCKERFILE_EXPAND` and a message
 * shaped like BuildKit's: `failed to process "<word>": <reason>`, so a user who searches for the
 * text finds the same answers. The subclass (and `kind`) says which rule was broken.
 */
import { ManifoldError } from '../../errors/index.js';

/** Code of every word-expansion error. */
export const E_DOCKERFILE_EXPAND = 'E_DOCKERFILE_EXPAND';

/** Which rule a word broke. */
export type ShellExpansionErrorKind = 'unterminated-quote' | 'bad-substitution' | 'required-variable';

/** Base of the word-expansion errors. */
export abstract class ShellExpansionError extends ManifoldError {
  /** Which rule the word broke. */
  abstract readonly kind: ShellExpansionErrorKind;
  /** The whole word that was being expanded, as written. */
  readonly word: string;
  /** The rule that failed, without the word (for example `syntax error: bad substitution`). */
  readonly reason: string;

  protected constructor(word: string, reason: string, hint: string) {
    super(E_DOCKERFILE_EXPAND, `failed to process ${JSON.stringify(word)}: ${reason}`, { hint });
    this.word = word;
    this.reason = reason;
  }
}

/** A `'` or `"` with no closing partner before the end of the word. */
export class UnterminatedQuoteError extends ShellExpansionError {
  readonly kind = 'unterminated-quote' as const;
  /** The quote character that was left open. */
  readonly quote: "'" | '"';

  constructor(word: string, quote: "'" | '"', escapeToken: string) {
    const which = quote === '"' ? 'double-quote' : 'single-quote';
    super(
      word,
      `unexpected end of statement while looking for matching ${which}`,
      `close the ${which}, or write ${escapeToken}${quote} to use it literally`,
    );
    this.name = 'UnterminatedQuoteError';
    this.quote = quote;
  }
}

/** A malformed `${…}`: missing `}`, no name, an unsupported modifier, or an invalid pattern. */
export class BadSubstitutionError extends ShellExpansionError {
  readonly kind = 'bad-substitution' as const;

  constructor(word: string, reason: string, hint?: string) {
    super(
      word,
      reason,
      hint ??
        `write \${NAME} or one of \${NAME-w} \${NAME:-w} \${NAME+w} \${NAME:+w} \${NAME?msg} \${NAME:?msg} ` +
          `\${NAME#p} \${NAME##p} \${NAME%p} \${NAME%%p} \${NAME/p/r} \${NAME//p/r}, or escape the $ to keep it literally`,
    );
    this.name = 'BadSubstitutionError';
  }
}

/** `${V?msg}` with V unset, or `${V:?msg}` with V unset or empty. */
export class RequiredVariableError extends ShellExpansionError {
  readonly kind = 'required-variable' as const;
  /** The variable that had to be set. */
  readonly variable: string;
  /** The (expanded) message after `?`, or the default text when there was none. */
  readonly detail: string;

  constructor(word: string, variable: string, detail: string) {
    super(
      word,
      `${variable}: ${detail}`,
      `set ${variable} before this line (ARG ${variable}=…, ENV ${variable}=… or --build-arg ${variable}=…)`,
    );
    this.name = 'RequiredVariableError';
    this.variable = variable;
    this.detail = detail;
  }
}

/** A lexer asked for an escape character other than `\` or `` ` ``. */
export class InvalidEscapeTokenError extends ManifoldError {
  /** The character that was asked for. */
  readonly token: string;

  constructor(token: string) {
    super('E_DOCKERFILE_ESCAPE_TOKEN', `invalid escape token ${JSON.stringify(token)}: it must be \\ or \``, {
      hint: 'write "# escape=\\" (the default) or "# escape=`" as the first line of the Dockerfile',
    });
    this.name = 'InvalidEscapeTokenError';
    this.token = token;
  }
}

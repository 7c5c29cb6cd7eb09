/**
 * The error the Dockerfile parser throws.
 *
 * `reason` is BuildKit's own text for the problem (e.g. `ENV must have two arguments`), so
 * messages and tests can be compared with BuildKit's. The message adds where it happened and
 * shows the offending line; the hint says what to do.
 */
import { ManifoldError } from '../../errors/index.js';

/** Where in a Dockerfile a problem is. */
export interface DockerfileLocation {
  /** File name as given to the parser, e.g. `Dockerfile`. */
  readonly file: string;
  /** 1-based line; 0 only for an empty file. */
  readonly line: number;
  /** 1-based last line of the instruction, when it spans several. */
  readonly endLine?: number;
  /** 1-based column, when known. */
  readonly column?: number;
  /** The offending text: line `line` without its line ending (or the joined instruction). */
  readonly lineText?: string;
}

/** Longest part of the offending line shown in a message. */
const MAX_SHOWN = 200;

function showLine(line: number, text: string): string {
  const shown = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
  return `\n ${String(line).padStart(4)} | ${shown}`;
}

/** A Dockerfile that cannot be parsed. Code `E_DOCKERFILE_PARSE`. */
export class DockerfileParseError extends ManifoldError {
  /** BuildKit's text for the problem, without location. */
  readonly reason: string;
  readonly file: string;
  readonly line: number;
  readonly endLine: number;
  readonly column: number | undefined;
  /** The offending line, without its line ending, when there is one. */
  readonly lineText: string | undefined;

  constructor(
    reason: string,
    location: DockerfileLocation,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    const where = location.column === undefined ? `${location.line}` : `${location.line}:${location.column}`;
    const shown = location.lineText === undefined ? '' : showLine(location.line, location.lineText);
    super('E_DOCKERFILE_PARSE', `${location.file}:${where}: ${reason}${shown}`, options);
    this.name = 'DockerfileParseError';
    this.reason = reason;
    this.file = location.file;
    this.line = location.line;
    this.endLine = location.endLine ?? location.line;
    this.column = location.column;
    this.lineText = location.lineText;
  }
}

/**
 * A rule broken in the text of a line or instruction; the parser turns it into a
 * {@link DockerfileParseError} with the instruction's location.
 */
export class SyntaxRuleError extends Error {
  readonly hint: string | undefined;

  constructor(reason: string, hint?: string) {
    super(reason);
    this.name = 'SyntaxRuleError';
    this.hint = hint;
  }
}

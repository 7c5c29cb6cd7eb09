/**
 * The physical lines of a Dockerfile, and the small rules BuildKit applies to one line.
 *
 * - A line is the text up to and including `\n` (the last line may lack it). A line of 65536
 *   bytes or more (line ending not counted) ends the file there: BuildKit's scanner stops and the
 *   parse fails with "dockerfile line greater than max allowed size of 65535".
 * - A comment line is one whose first non-white-space character is `#`.
 * - A line continues on the next when it ends with the escape character, possibly followed by
 *   spaces and tabs, unless that escape character is itself preceded by one (`\\` at the end is
 *   an escaped backslash). The escape character and what follows it are removed; the spaces
 *   before it are kept.
 */
import type { EscapeToken } from './ast.js';
import { goByteLength, trimLeftGoSpace } from './go-text.js';

/** The longest line BuildKit accepts, in bytes. */
export const MAX_LINE_BYTES = 65535;

/** The lines of a source text, and where the first over-long line is, if any. */
export interface SourceLines {
  /** Lines with their `\n`, up to (not including) an over-long line. */
  readonly lines: readonly string[];
  /** 1-based number of the first line longer than {@link MAX_LINE_BYTES}, if any. */
  readonly tooLongLine?: number;
}

/** Splits `text` into lines that keep their `\n`. */
export function splitSourceLines(text: string): SourceLines {
  const lines: string[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl + 1;
    const line = text.slice(start, end);
    const content = nl < 0 ? line : line.slice(0, -1);
    // A code unit takes at most 3 bytes, so a line this short cannot be too long.
    if (content.length > MAX_LINE_BYTES / 3 && goByteLength(content) > MAX_LINE_BYTES) {
      return { lines, tooLongLine: lines.length + 1 };
    }
    lines.push(line);
    start = end;
  }
  return { lines };
}

/** The line without its trailing `\r` and `\n` characters (all of them, as Go's TrimRight). */
export function trimNewline(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === '\n' || line[end - 1] === '\r')) end--;
  return line.slice(0, end);
}

/** True when the first non-white-space character is `#`. */
export function isCommentLine(line: string): boolean {
  return trimLeftGoSpace(line).startsWith('#');
}

/** True when the line holds only white space. */
export function isBlankLine(line: string): boolean {
  return trimLeftGoSpace(trimNewline(line)) === '';
}

const CONTINUATION: Readonly<Record<EscapeToken, RegExp>> = {
  '\\': /([^\\])\\[ \t]*$|^\\[ \t]*$/,
  '`': /([^`])`[ \t]*$|^`[ \t]*$/,
};

/** Removes a line-continuation escape at the end; `continues` tells whether there was one. */
export function trimContinuation(
  line: string,
  escapeToken: EscapeToken,
): { text: string; continues: boolean } {
  const m = CONTINUATION[escapeToken].exec(line);
  if (m === null) return { text: line, continues: false };
  return { text: line.slice(0, m.index) + (m[1] ?? ''), continues: true };
}

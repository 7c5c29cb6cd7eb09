/**
 * Here-document markers (`<<EOF`, `<<-EOF`, `3<<"EOF"`) on an instruction line.
 *
 * Rules (BuildKit's `heredocsFromLine` and `ParseHeredoc`):
 * - only RUN, COPY and ADD take heredocs (also as ONBUILD's trigger), and not in JSON form;
 * - the line is split into words by the shell lexer with quotes and escapes kept (see
 *   heredoc-lexer.ts); a line the lexer rejects has no heredocs;
 * - a word is a marker when it reads: optional digits (the file descriptor), `<<`, optional `-`
 *   (chomp: strip leading tabs), optional white space, then a name with no `<`;
 * - the name is the rest read as one shell word (quotes removed); if it reads as several words
 *   it is no marker, and an unbalanced quote is an error;
 * - the body is not to be expanded when any part of the name was quoted (a quote escaped with a
 *   backslash does not count).
 * The bodies are read by the parser: the lines after the instruction, up to a line equal to the
 * name (after removing leading tabs for `<<-`), one heredoc after the other.
 */
import type { Heredoc } from './ast.js';
import { lexWords } from './heredoc-lexer.js';

/** A heredoc marker: a {@link Heredoc} without its body. */
export type HeredocMarker = Omit<Heredoc, 'content'>;

const MARKER = /^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$/;

/** The instructions that take heredocs. */
const HEREDOC_INSTRUCTIONS: ReadonlySet<string> = new Set(['add', 'copy', 'run']);

function countQuotes(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === "'" || ch === '"') n++;
  return n;
}

/**
 * The heredoc a single word opens, or undefined when it is no marker. Throws a lexing error for
 * an unbalanced quote in the name (e.g. `<<'EOF`).
 */
export function parseHeredocWord(word: string): HeredocMarker | undefined {
  const m = MARKER.exec(word);
  if (m === null) return undefined;
  const rest = m[3] ?? '';
  if (rest === '') return undefined;
  const words = lexWords(rest, { rawQuotes: false, rawEscapes: false });
  if (words.length !== 1) return undefined;
  const rawWords = lexWords(rest, { rawQuotes: true, rawEscapes: false });
  if (rawWords.length !== 1) {
    throw new Error(`internal lexing of heredoc produced inconsistent results: ${rest}`);
  }
  const name = words[0] ?? '';
  return {
    name,
    // Go parses the descriptor as an unsigned integer and ignores a parse failure (giving 0).
    fileDescriptor: m[1] === '' ? 0 : Number.parseInt(m[1] ?? '0', 10) || 0,
    expand: countQuotes(name) === countQuotes(rawWords[0] ?? ''),
    chomp: m[2] === '-',
  };
}

/** The heredoc markers on an instruction line, in order. Throws like {@link parseHeredocWord}. */
export function heredocsFromLine(line: string): HeredocMarker[] {
  let words: string[];
  try {
    words = lexWords(line, { rawQuotes: true, rawEscapes: true });
  } catch {
    return []; // BuildKit ignores a line it cannot split
  }
  const markers: HeredocMarker[] = [];
  for (const word of words) {
    const marker = parseHeredocWord(word);
    if (marker !== undefined) markers.push(marker);
  }
  return markers;
}

/** Whether an instruction (by lower-case name, its trigger's for ONBUILD) may carry heredocs. */
export function takesHeredocs(name: string, json: boolean): boolean {
  return HEREDOC_INSTRUCTIONS.has(name) && !json;
}

/** A heredoc body with the leading tabs of every line removed (what `<<-` asks for). */
export function chompHeredocContent(content: string): string {
  // Go's multi-line `^` follows only `\n`, not `\r` or U+2028 as JavaScript's does.
  return content.replace(/(^|\n)\t+/g, '$1');
}

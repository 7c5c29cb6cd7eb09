/**
 * Reading a `.dockerignore` file into its pattern list, as moby's `ignorefile.ReadAll` does:
 *
 * - lines end at `\n` (one `\r` before it is dropped); a UTF-8 BOM at the start of the first line
 *   is dropped;
 * - a line whose first character is `#` is a comment (`  # x` is not: it becomes the pattern
 *   `# x`);
 * - the line is trimmed (Go white space) and skipped when empty;
 * - a leading `!` is split off and the rest trimmed again; a non-empty rest is cleaned
 *   (`path.Clean`) and loses one leading `/` (`/a/b` and `a/b` are the same pattern), then the
 *   `!` is put back. A lone `!` stays `!`: the matcher rejects it.
 *
 * Go reads lines with `bufio.Scanner`, which fails on a line of 64 KiB or more; so does this.
 */
import { DockerignoreReadError } from './errors.js';
import { cleanPath, trimSpace } from './go-path.js';

/** `bufio.MaxScanTokenSize`: a line (without its `\n`) must be shorter than this many bytes. */
const MAX_LINE_BYTES = 64 * 1024;

/** The patterns of a `.dockerignore` file (Go's `ignorefile.ReadAll`); throws `DockerignoreReadError`. */
export function readIgnoreFile(content: string | Uint8Array, file?: string): string[] {
  const text =
    typeof content === 'string' ? content : new TextDecoder('utf-8', { ignoreBOM: true }).decode(content);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const patterns: string[] = [];
  lines.forEach((raw, index) => {
    if (Buffer.byteLength(raw, 'utf8') >= MAX_LINE_BYTES) {
      throw new DockerignoreReadError(
        `${file ?? '.dockerignore'}: line ${index + 1} is ${Buffer.byteLength(raw, 'utf8')} bytes long; ` +
          `lines must be shorter than ${MAX_LINE_BYTES} bytes`,
        { file, hint: 'split the pattern or shorten it' },
      );
    }
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (index === 0 && line.startsWith('\uFEFF')) line = line.slice(1);
    const pattern = normalizeLine(line);
    if (pattern !== undefined) patterns.push(pattern);
  });
  return patterns;
}

/** One line's pattern, or `undefined` for a comment or blank line. */
function normalizeLine(line: string): string | undefined {
  if (line.startsWith('#')) return undefined;
  let pattern = trimSpace(line);
  if (pattern === '') return undefined;
  const invert = pattern.startsWith('!');
  if (invert) pattern = trimSpace(pattern.slice(1));
  if (pattern.length > 0) {
    pattern = cleanPath(pattern);
    if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
  }
  return invert ? `!${pattern}` : pattern;
}

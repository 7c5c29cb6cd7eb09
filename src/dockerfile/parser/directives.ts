/**
 * Parser directives: `# syntax=…`, `# escape=…` and `# check=…` at the very top of a Dockerfile.
 *
 * Rules (BuildKit's `DirectiveParser`):
 * - a directive line is `#`, optional white space, a name (`[a-zA-Z][a-zA-Z0-9]*`), optional
 *   white space, `=`, optional white space, and a value; surrounding white space is dropped;
 * - names are case-insensitive and reported in lower case; only `syntax`, `escape` and `check`
 *   are directives;
 * - the first line that is not a directive (an instruction, a blank line, any other comment, or
 *   a comment naming an unknown key) ends the directives for good;
 * - a directive may appear once; a second one is an error.
 *
 * {@link detectSyntax} and {@link parseDirective} read one directive without parsing the file,
 * as a frontend does before choosing a parser: a UTF-8 BOM and a `#!` first line are skipped
 * (the shebang still counts as line 1); `detectSyntax` also accepts `//` comments and a whole
 * file that is one JSON object with a string `syntax` member.
 */
import type { Directive } from './ast.js';
import { SyntaxRuleError } from './errors.js';
import { decodeGoBytes } from './go-text.js';

/** The directive names BuildKit knows. */
export const DIRECTIVE_NAMES: readonly string[] = ['syntax', 'escape', 'check'];

// Go's `\s` is [\t\n\f\r ] (no vertical tab) and its `.` matches anything but a newline.
const WS = '[\\t\\n\\f\\r ]';
const BODY = `${WS}*([a-zA-Z][a-zA-Z0-9]*)${WS}*=${WS}*([^\\n]+?)${WS}*$`;
const HASH_PATTERN = new RegExp(`^#${BODY}`);
const SLASH_PATTERN = new RegExp(`^//${BODY}`);

/**
 * Reads directives line by line, as BuildKit does while it parses. One scanner per file: it
 * remembers which directives it has seen and whether the directive block has ended.
 */
export class DirectiveScanner {
  private line: number;
  private done = false;
  private readonly seen = new Set<string>();
  private readonly pattern: RegExp;

  /**
   * @param commentPrefix `#` (a Dockerfile) or `//`.
   * @param linesBefore lines already consumed before the first line given (a skipped shebang).
   */
  constructor(commentPrefix: '#' | '//' = '#', linesBefore = 0) {
    this.pattern = commentPrefix === '#' ? HASH_PATTERN : SLASH_PATTERN;
    this.line = linesBefore;
  }

  /** True once a line that is not a directive has been seen. */
  get finished(): boolean {
    return this.done;
  }

  /**
   * The directive on the next line (line ending removed), or undefined. Throws
   * {@link SyntaxRuleError} when a directive is repeated.
   */
  scanLine(text: string): Directive | undefined {
    this.line++;
    if (this.done) return undefined;
    const m = this.pattern.exec(text);
    const name = m?.[1]?.toLowerCase();
    if (m === null || name === undefined || !DIRECTIVE_NAMES.includes(name)) {
      this.done = true;
      return undefined;
    }
    if (this.seen.has(name)) {
      throw new SyntaxRuleError(
        `only one ${name} parser directive can be used`,
        `remove the second "# ${name}=" line; a parser directive may appear once`,
      );
    }
    this.seen.add(name);
    return { name, value: m[2] ?? '', line: this.line };
  }
}

/** Lines as Go's `bufio.ScanLines` gives them: without `\n` and without one `\r` before it. */
function scanLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function collect(text: string, prefix: '#' | '//', linesBefore: number): Directive[] {
  const scanner = new DirectiveScanner(prefix, linesBefore);
  const found: Directive[] = [];
  for (const line of scanLines(text)) {
    if (scanner.finished) break;
    try {
      const d = scanner.scanLine(line);
      if (d !== undefined) found.push(d);
    } catch {
      break; // BuildKit's ParseAll stops at the error and keeps what it found
    }
  }
  return found;
}

/**
 * All directives at the top of `text` (`#` comments), as BuildKit's `DirectiveParser.ParseAll`.
 * Throws {@link SyntaxRuleError} when a directive is repeated.
 */
export function parseDirectives(text: string): Directive[] {
  const scanner = new DirectiveScanner('#');
  const found: Directive[] = [];
  for (const line of scanLines(text)) {
    if (scanner.finished) break;
    const d = scanner.scanLine(line);
    if (d !== undefined) found.push(d);
  }
  return found;
}

/** A directive found by {@link detectSyntax} or {@link parseDirective}. */
export interface DirectiveMatch {
  /** The value up to its first space, e.g. `docker/dockerfile:1` (the frontend reference). */
  readonly ref: string;
  /** The whole value, e.g. `docker/dockerfile:1 // opts`. */
  readonly cmdline: string;
  /** 1-based line; 0 for a JSON-object file without a shebang (BuildKit reports it so). */
  readonly line: number;
}

function toText(source: string | Uint8Array): string {
  return typeof source === 'string' ? source : decodeGoBytes(source);
}

function stripPreamble(source: string | Uint8Array): { text: string; linesBefore: number } {
  let text = toText(source);
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const nl = text.indexOf('\n');
  const first = nl < 0 ? text : text.slice(0, nl);
  if (first.startsWith('#!')) return { text: nl < 0 ? '' : text.slice(nl + 1), linesBefore: 1 };
  return { text, linesBefore: 0 };
}

function find(
  key: string,
  text: string,
  prefix: '#' | '//',
  linesBefore: number,
): DirectiveMatch | undefined {
  const d = collect(text, prefix, linesBefore).find((x) => x.name === key);
  if (d === undefined) return undefined;
  const space = d.value.indexOf(' ');
  return { ref: space < 0 ? d.value : d.value.slice(0, space), cmdline: d.value, line: d.line };
}

function findInJson(key: string, text: string, line: number): DirectiveMatch | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const value = (parsed as Record<string, unknown>)[key];
  return typeof value === 'string' ? { ref: value, cmdline: value, line } : undefined;
}

function directiveIn(
  key: string,
  source: string | Uint8Array,
  anyFormat: boolean,
): DirectiveMatch | undefined {
  const { text, linesBefore } = stripPreamble(source);
  const hash = find(key, text, '#', linesBefore);
  if (hash !== undefined || !anyFormat) return hash;
  return find(key, text, '//', linesBefore) ?? findInJson(key, text, linesBefore);
}

/**
 * The `syntax` directive of a Dockerfile (BuildKit's `DetectSyntax`): tried as `#` directives,
 * then `//` directives, then the whole text as a JSON object. Undefined when there is none.
 */
export function detectSyntax(source: string | Uint8Array): DirectiveMatch | undefined {
  return directiveIn('syntax', source, true);
}

/** Directive `key` (e.g. `check`) from the `#` directives only (BuildKit's `ParseDirective`). */
export function parseDirective(key: string, source: string | Uint8Array): DirectiveMatch | undefined {
  return directiveIn(key.toLowerCase(), source, false);
}

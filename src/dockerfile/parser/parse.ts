/**
 * Dockerfile text → {@link DockerfileAst}, line by line as BuildKit's `parser.Parse` reads it.
 *
 * For each line:
 * 1. On line 1 a UTF-8 byte order mark is dropped. A comment line is remembered as a comment of
 *    the next instruction (`#` alone forgets the comments so far). Leading white space is dropped.
 * 2. While no instruction or other comment has been seen, `# name=value` lines are parser
 *    directives (directives.ts); `# escape=` changes the escape character from there on.
 * 3. Comment lines and empty lines are skipped.
 * 4. A line ending in the escape character continues on the next lines, which are appended as
 *    they are (their indentation kept). Comment lines inside a continuation are dropped, and so
 *    are empty ones, which also give a NoEmptyContinuation warning.
 * 5. The joined text is split into keyword, flags and arguments (line-parsers.ts).
 * 6. For RUN, COPY and ADD (also under ONBUILD) not in JSON form, each heredoc marker on the
 *    line takes the following lines up to its terminator as its body (heredoc.ts).
 * A file with no instruction is an error, and so is a line over 65535 bytes.
 */
import type { Directive, DockerfileAst, EscapeToken, Heredoc, InstructionNode, ParseWarning } from './ast.js';
import { DirectiveScanner } from './directives.js';
import { DockerfileParseError, SyntaxRuleError } from './errors.js';
import { decodeGoBytes, dropFirstByte, trimGoSpace, trimLeftGoSpace } from './go-text.js';
import { type HeredocMarker, heredocsFromLine, takesHeredocs } from './heredoc.js';
import { LexError } from './heredoc-lexer.js';
import { type ParsedInstruction, parseInstructionLine } from './line-parsers.js';
import {
  isBlankLine,
  isCommentLine,
  MAX_LINE_BYTES,
  splitSourceLines,
  trimContinuation,
  trimNewline,
} from './source-lines.js';

/** Options of {@link parseDockerfile}. */
export interface ParseOptions {
  /** File name used in errors; default `Dockerfile`. */
  readonly file?: string;
}

const EMPTY_CONTINUATION_URL = 'https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/';

/** Parses a Dockerfile. Throws {@link DockerfileParseError}. */
export function parseDockerfile(source: string | Uint8Array, options: ParseOptions = {}): DockerfileAst {
  const text = typeof source === 'string' ? source : decodeGoBytes(source);
  return new ParseRun(text, options.file ?? 'Dockerfile').run();
}

/** The state of one parse: the lines read so far and what has been found. */
class ParseRun {
  private readonly lines: readonly string[];
  private readonly tooLongLine: number | undefined;
  private readonly allLines: readonly string[];
  private consumed = 0;
  private escapeToken: EscapeToken = '\\';
  private readonly directiveScanner = new DirectiveScanner('#');
  private readonly directives: Directive[] = [];
  private readonly warnings: ParseWarning[] = [];
  private readonly children: InstructionNode[] = [];
  private comments: string[] = [];

  constructor(
    text: string,
    private readonly file: string,
  ) {
    const split = splitSourceLines(text);
    this.lines = split.lines;
    this.tooLongLine = split.tooLongLine;
    this.allLines = split.tooLongLine === undefined ? split.lines : text.split('\n');
  }

  run(): DockerfileAst {
    for (let raw = this.nextLine(); raw !== undefined; raw = this.nextLine()) {
      this.instructionFrom(this.consumed === 1 && raw.startsWith('\ufeff') ? raw.slice(1) : raw);
    }
    const first = this.children[0];
    const last = this.children[this.children.length - 1];
    if (first === undefined || last === undefined) {
      throw this.error('file with no instructions', Math.max(1, this.consumed), {
        hint: 'a Dockerfile needs at least one instruction, such as FROM <image>',
        showLine: false,
      });
    }
    if (this.tooLongLine !== undefined) {
      throw this.error(
        `dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`,
        this.tooLongLine,
        {
          hint: `split the line with the escape character (${this.escapeToken}) at its end, or move long data into a file`,
        },
      );
    }
    return {
      file: this.file,
      children: this.children,
      directives: this.directives,
      escapeToken: this.escapeToken,
      warnings: this.warnings,
      startLine: first.startLine,
      endLine: last.endLine,
    };
  }

  private nextLine(): string | undefined {
    const line = this.lines[this.consumed];
    if (line !== undefined) this.consumed++;
    return line;
  }

  /** Handles one line at the top level: a comment, a directive, or the start of an instruction. */
  private instructionFrom(raw: string): void {
    if (isCommentLine(raw)) {
      const comment = trimGoSpace(dropFirstByte(raw));
      if (comment === '') this.comments = [];
      else this.comments.push(comment);
    }
    const { text, directive } = this.processLine(raw, true);
    if (directive) this.comments.pop();
    const startLine = this.consumed;
    const first = trimContinuation(text, this.escapeToken);
    if (!first.continues && first.text === '') return;
    const line = first.continues ? this.readContinuation(first.text) : first.text;
    const parsed = this.parseLine(line, startLine);
    const target = parsed.sub ?? parsed;
    const heredocs =
      takesHeredocs(target.name, target.json) && line.includes('<<')
        ? this.readHeredocs(line, startLine)
        : [];
    this.children.push(this.toNode(parsed, heredocs, startLine, this.comments));
    this.comments = [];
  }

  /** A line's text for parsing: line ending (and, at the top level, indentation) removed,
   * directive recorded, comment text dropped. */
  private processLine(raw: string, topLevel: boolean): { text: string; directive: boolean } {
    let text = trimNewline(raw);
    if (topLevel) text = trimLeftGoSpace(text);
    const directive = this.scanDirective(text);
    return { text: isCommentLine(text) ? '' : text, directive };
  }

  private scanDirective(text: string): boolean {
    try {
      const d = this.directiveScanner.scanLine(text);
      if (d === undefined) return false;
      if (d.name === 'escape') {
        if (d.value !== '\\' && d.value !== '`') {
          throw new SyntaxRuleError(
            `invalid escape token '${d.value}' does not match \` or \\`,
            'write # escape=\\ (the default) or # escape=` (common on Windows)',
          );
        }
        this.escapeToken = d.value;
      }
      this.directives.push(d);
      return true;
    } catch (err) {
      throw this.wrap(err, this.consumed, this.consumed);
    }
  }

  /** Appends the continuation lines to `start` until a line does not end in the escape character. */
  private readContinuation(start: string): string {
    let line = start;
    let hasEmptyLine = false;
    for (let raw = this.nextLine(); raw !== undefined; raw = this.nextLine()) {
      const { text } = this.processLine(raw, false);
      if (isCommentLine(raw)) continue;
      if (isBlankLine(text)) {
        hasEmptyLine = true;
        continue;
      }
      const part = trimContinuation(text, this.escapeToken);
      line += part.text;
      if (!part.continues) break;
    }
    if (hasEmptyLine) {
      this.warnings.push({
        rule: 'NoEmptyContinuation',
        short: `Empty continuation line found in: ${line}`,
        detail: 'Empty continuation lines will become errors in a future release',
        url: EMPTY_CONTINUATION_URL,
        line: this.consumed,
      });
    }
    return line;
  }

  private parseLine(line: string, startLine: number): ParsedInstruction {
    try {
      return parseInstructionLine(line, this.escapeToken);
    } catch (err) {
      throw this.wrap(err, startLine, this.consumed);
    }
  }

  /** Reads the body of every heredoc on `line`, one after the other. */
  private readHeredocs(line: string, startLine: number): Heredoc[] {
    let markers: HeredocMarker[];
    try {
      markers = heredocsFromLine(line);
    } catch (err) {
      throw this.wrap(err, startLine, this.consumed);
    }
    return markers.map((marker) => this.readHeredocBody(marker, startLine));
  }

  private readHeredocBody(marker: HeredocMarker, startLine: number): Heredoc {
    let content = '';
    for (let raw = this.nextLine(); raw !== undefined; raw = this.nextLine()) {
      let candidate = trimNewline(raw);
      if (marker.chomp) candidate = candidate.replace(/^\t+/, '');
      if (candidate === marker.name) return { ...marker, content };
      content += raw;
    }
    throw this.error('unterminated heredoc', startLine, {
      endLine: this.consumed,
      hint: `end the heredoc with a line holding only ${marker.name}${marker.chomp ? ' (tabs before it allowed)' : ''}`,
    });
  }

  private toNode(
    parsed: ParsedInstruction,
    heredocs: readonly Heredoc[],
    startLine: number,
    comments: readonly string[],
  ): InstructionNode {
    const { sub, ...rest } = parsed;
    const endLine = this.consumed;
    const node: InstructionNode = { ...rest, heredocs, startLine, endLine, comments };
    if (sub === undefined) return node;
    return { ...node, subInstruction: this.toNode(sub, [], startLine, []) };
  }

  private wrap(err: unknown, line: number, endLine: number): DockerfileParseError {
    if (err instanceof SyntaxRuleError)
      return this.error(err.message, line, { endLine, hint: err.hint, cause: err });
    if (err instanceof LexError) {
      return this.error(err.message, line, {
        endLine,
        hint: 'balance the quotes of the heredoc word, e.g. <<"EOF" or <<\'EOF\'',
        cause: err,
      });
    }
    throw err;
  }

  private error(
    reason: string,
    line: number,
    extra: { endLine?: number; hint?: string | undefined; cause?: unknown; showLine?: boolean },
  ): DockerfileParseError {
    const lineText = extra.showLine === false ? undefined : this.allLines[line - 1];
    return new DockerfileParseError(
      reason,
      {
        file: this.file,
        line,
        endLine: extra.endLine ?? line,
        ...(lineText === undefined ? {} : { lineText: trimNewline(lineText) }),
      },
      { ...(extra.hint === undefined ? {} : { hint: extra.hint }), cause: extra.cause },
    );
  }
}

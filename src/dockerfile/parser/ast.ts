/**
 * The tree the Dockerfile parser produces: what BuildKit's `parser.Node` holds, as typed,
 * read-only values.
 *
 * BuildKit keeps an instruction as a linked list of nodes (`Value` → `Next` → `Next` …). Here an
 * instruction is one {@link InstructionNode} whose arguments are the `Next` chain as an array, and
 * whose nested instruction (ONBUILD's) is a field of its own. Nothing is lost: {@link dumpAst}
 * renders the tree exactly as BuildKit's `Node.Dump()` does.
 *
 * What the arguments hold depends on the instruction (see line-parsers.ts):
 * - exec (JSON) form of RUN, CMD, ENTRYPOINT, SHELL, ADD, COPY, VOLUME and HEALTHCHECK's command:
 *   one argument per array element, and `json` is true;
 * - shell form of RUN, CMD, ENTRYPOINT, SHELL: one argument, the rest of the line;
 * - ENV and LABEL: triples `key, value, marker`, the marker `=` for `key=value` and `` for the
 *   legacy `key value` form (see {@link keyValuePairs});
 * - ARG: one argument per word, quotes kept; FROM, EXPOSE, ADD, COPY, VOLUME (not JSON): one
 *   argument per whitespace-separated word;
 * - MAINTAINER, USER, WORKDIR, STOPSIGNAL: one argument, the rest of the line;
 * - HEALTHCHECK: the type word (`CMD`, `NONE`…), then the command as for CMD;
 * - ONBUILD: no arguments; `subInstruction` holds the trigger;
 * - an instruction BuildKit does not know: one empty argument (BuildKit's `parseIgnore`).
 * Quotes are kept and variables are not expanded: that is for later stages.
 */

/** A here-document attached to a RUN, COPY or ADD (or ONBUILD of one). */
export interface Heredoc {
  /** The terminator word with its quotes removed, e.g. `EOF`. */
  readonly name: string;
  /** The number written before `<<` (`3<<EOF`), or 0. */
  readonly fileDescriptor: number;
  /** False when any part of the terminator word was quoted: the body is not expanded. */
  readonly expand: boolean;
  /** True for `<<-`: leading tabs are to be removed from the body (see `chompHeredocContent`). */
  readonly chomp: boolean;
  /** The body lines, each with its line ending, exactly as written (tabs not yet removed). */
  readonly content: string;
}

/** One instruction of a Dockerfile, continuation lines joined. */
export interface InstructionNode {
  /** The keyword exactly as written, e.g. `From` (lint checks need the casing). */
  readonly keyword: string;
  /** The keyword in lower case, e.g. `from`: what the instruction is. */
  readonly name: string;
  /** Options written before the arguments, as `--name=value` or `--name`, quotes removed. */
  readonly flags: readonly string[];
  /** The arguments, in order (BuildKit's `Next` chain). See the module comment. */
  readonly args: readonly string[];
  /** True when the arguments came from a JSON array (exec form). */
  readonly json: boolean;
  /** ONBUILD's trigger instruction, if it has one. */
  readonly subInstruction?: InstructionNode;
  /** Here-documents, in the order of their `<<` on the line. */
  readonly heredocs: readonly Heredoc[];
  /** The instruction text: continuation lines joined, comment lines dropped, not trimmed at the end. */
  readonly original: string;
  /** 1-based first line. */
  readonly startLine: number;
  /** 1-based last line (the last continuation line, or a heredoc's terminator). */
  readonly endLine: number;
  /** The comment lines just before the instruction, `#` and surrounding spaces removed. */
  readonly comments: readonly string[];
}

/** The escape character of a Dockerfile: backslash, or backtick with `# escape=\``. */
export type EscapeToken = '\\' | '`';

/** A parser directive found at the top of the file. */
export interface Directive {
  /** `syntax`, `escape` or `check`, lower case. */
  readonly name: string;
  /** The value, trimmed. */
  readonly value: string;
  /** 1-based line. */
  readonly line: number;
}

/** A problem that does not stop parsing, as BuildKit reports it. */
export interface ParseWarning {
  /** The lint rule it belongs to, e.g. `NoEmptyContinuation`. */
  readonly rule: string;
  /** One line, e.g. `Empty continuation line found in: RUN apk add     curl`. */
  readonly short: string;
  /** Longer explanation. */
  readonly detail: string;
  /** Documentation of the rule. */
  readonly url: string;
  /** 1-based line the warning points at. */
  readonly line: number;
}

/** A parsed Dockerfile. */
export interface DockerfileAst {
  /** The file name used in messages, e.g. `Dockerfile`. */
  readonly file: string;
  /** The instructions in source order. */
  readonly children: readonly InstructionNode[];
  /** Parser directives (`# syntax=`, `# escape=`, `# check=`) in source order. */
  readonly directives: readonly Directive[];
  /** The escape character in force. */
  readonly escapeToken: EscapeToken;
  /** Warnings, such as empty continuation lines. */
  readonly warnings: readonly ParseWarning[];
  /** 1-based line of the first instruction. */
  readonly startLine: number;
  /** 1-based last line of the last instruction. */
  readonly endLine: number;
}

/** One `key=value` (or legacy `key value`) pair of an ENV or LABEL instruction. */
export interface KeyValuePair {
  readonly key: string;
  readonly value: string;
  /** True for the legacy `ENV key value` form. */
  readonly legacy: boolean;
}

/** The pairs of an ENV or LABEL node (its arguments read as `key, value, marker` triples). */
export function keyValuePairs(node: InstructionNode): KeyValuePair[] {
  const pairs: KeyValuePair[] = [];
  for (let i = 0; i + 1 < node.args.length; i += 3) {
    pairs.push({ key: node.args[i] ?? '', value: node.args[i + 1] ?? '', legacy: node.args[i + 2] !== '=' });
  }
  return pairs;
}

/**
 * One instruction line → keyword, flags and arguments, by BuildKit's per-instruction rules
 * (its `newNodeFromLine` and `line_parsers.go`). The rules are listed in ast.ts; each parser
 * below states its own. The keyword is matched case-insensitively; an unknown keyword is
 * accepted here with one empty argument, and rejected by a later stage (see instructions.ts).
 */
import { goStrconvQuote } from '../../gofmt/index.js';
import type { EscapeToken } from './ast.js';
import { SyntaxRuleError } from './errors.js';
import { decodeGoBytes, encodeGoBytes, goToLower, isGoSpace } from './go-text.js';
import { parseJsonStringArray } from './json-args.js';
import { splitCommand } from './split-command.js';
import { parseWords } from './words.js';

/** An instruction as read from its line, before line numbers and heredocs are known. */
export interface ParsedInstruction {
  readonly keyword: string;
  readonly name: string;
  readonly flags: readonly string[];
  readonly args: readonly string[];
  readonly json: boolean;
  readonly sub?: ParsedInstruction;
  readonly original: string;
}

interface ParsedArgs {
  readonly args: readonly string[];
  readonly json: boolean;
  readonly sub?: ParsedInstruction;
}

type ArgParser = (rest: string, escapeToken: EscapeToken) => ParsedArgs;

const NONE: ParsedArgs = { args: [], json: false };
const ASCII_WHITESPACE = /[\t\v\f\r ]+/;
const ASCII_WHITESPACE_ALL = /[\t\v\f\r ]+/g;

/** Unknown instruction: one empty argument (BuildKit's `parseIgnore`). */
const parseIgnore: ArgParser = () => ({ args: [''], json: false });

/** The rest of the line as one argument. */
const parseString: ArgParser = (rest) => (rest === '' ? NONE : { args: [rest], json: false });

/** One argument per run of non-white-space (ASCII white space separates). */
const parseWhitespaceDelimited: ArgParser = (rest) =>
  rest === '' ? NONE : { args: rest.split(ASCII_WHITESPACE_ALL), json: false };

/** JSON array of strings, else the rest of the line as one argument. */
const parseMaybeJson: ArgParser = (rest) => {
  if (rest === '') return NONE;
  const json = parseJsonStringArray(rest);
  return json === undefined ? { args: [rest], json: false } : { args: json, json: true };
};

/** JSON array of strings, else whitespace-separated words. */
const parseMaybeJsonToList: ArgParser = (rest, escapeToken) => {
  const json = parseJsonStringArray(rest);
  return json === undefined ? parseWhitespaceDelimited(rest, escapeToken) : { args: json, json: true };
};

/** ARG: one argument per word (`name` or `name=value`), quotes kept. */
const parseNameOrNameVal: ArgParser = (rest, escapeToken) => ({
  args: parseWords(rest, escapeToken),
  json: false,
});

/** ENV and LABEL: `key value` (legacy, value = rest of line) or `key=value …`, as triples. */
function parseNameVal(keyword: 'ENV' | 'LABEL'): ArgParser {
  return (rest, escapeToken) => {
    const words = parseWords(rest, escapeToken);
    const first = words[0];
    if (first === undefined) return NONE;
    if (!first.includes('=')) {
      const m = ASCII_WHITESPACE.exec(rest);
      if (m === null) {
        throw new SyntaxRuleError(
          `${keyword} must have two arguments`,
          `give ${keyword} a value: ${keyword} name=value (or the legacy form ${keyword} name value)`,
        );
      }
      return { args: [rest.slice(0, m.index), rest.slice(m.index + m[0].length), ''], json: false };
    }
    const args: string[] = [];
    for (const word of words) {
      const eq = word.indexOf('=');
      if (eq < 0) {
        throw new SyntaxRuleError(
          `Syntax error - can't find = in ${goStrconvQuote(word)}. Must be of the form: name=value`,
          `write every pair of one ${keyword} as name=value; quote a value holding spaces: name="a b"`,
        );
      }
      args.push(word.slice(0, eq), word.slice(eq + 1), '=');
    }
    return { args, json: false };
  };
}

/**
 * HEALTHCHECK: the first word is the type (`CMD`, `NONE`…), the rest is read as for CMD.
 * Like BuildKit, the first word ends at a white space byte (so 0x85 or 0xA0 inside a character).
 */
const parseHealthConfig: ArgParser = (rest, escapeToken) => {
  const b = encodeGoBytes(rest);
  let sep = 0;
  while (sep < b.length && !isGoSpace(b[sep] ?? 0)) sep++;
  if (sep === 0) return NONE;
  let next = sep;
  while (next < b.length && isGoSpace(b[next] ?? 0)) next++;
  const command = parseMaybeJson(decodeGoBytes(b.subarray(next)), escapeToken);
  return { args: [decodeGoBytes(b.subarray(0, sep)), ...command.args], json: command.json };
};

/** ONBUILD: the rest of the line is an instruction of its own. */
const parseSubCommand: ArgParser = (rest, escapeToken) =>
  rest === '' ? NONE : { args: [], json: false, sub: parseInstructionLine(rest, escapeToken) };

const DISPATCH: ReadonlyMap<string, ArgParser> = new Map([
  ['add', parseMaybeJsonToList],
  ['arg', parseNameOrNameVal],
  ['cmd', parseMaybeJson],
  ['copy', parseMaybeJsonToList],
  ['entrypoint', parseMaybeJson],
  ['env', parseNameVal('ENV')],
  ['expose', parseWhitespaceDelimited],
  ['from', parseWhitespaceDelimited],
  ['healthcheck', parseHealthConfig],
  ['label', parseNameVal('LABEL')],
  ['maintainer', parseString],
  ['onbuild', parseSubCommand],
  ['run', parseMaybeJson],
  ['shell', parseMaybeJson],
  ['stopsignal', parseString],
  ['user', parseString],
  ['volume', parseMaybeJsonToList],
  ['workdir', parseString],
]);

/**
 * Parses one instruction line (continuations already joined). Throws {@link SyntaxRuleError}
 * for ENV/LABEL without a value or with a word lacking `=`, and for a JSON array of non-strings.
 */
export function parseInstructionLine(line: string, escapeToken: EscapeToken): ParsedInstruction {
  const { keyword, flags, rest } = splitCommand(line);
  const name = goToLower(keyword);
  const parsed = (DISPATCH.get(name) ?? parseIgnore)(rest, escapeToken);
  return { keyword, name, flags, ...parsed, original: line };
}

/**
 * The Dockerfile parser: text → a typed tree of instructions, by BuildKit's rules
 * (`frontend/dockerfile/parser`). Start with {@link parseDockerfile}; {@link dumpAst} renders the
 * tree as BuildKit's `Node.Dump()` does. Arguments keep their quotes and variables: word
 * expansion and the meaning of each instruction are later stages. Unknown keywords are accepted
 * here; {@link assertKnownInstructions} rejects them.
 */
export {
  type Directive,
  type DockerfileAst,
  type EscapeToken,
  type Heredoc,
  type InstructionNode,
  type KeyValuePair,
  keyValuePairs,
  type ParseWarning,
} from './ast.js';
export {
  DIRECTIVE_NAMES,
  type DirectiveMatch,
  DirectiveScanner,
  detectSyntax,
  parseDirective,
  parseDirectives,
} from './directives.js';
export { dumpAst, dumpInstruction } from './dump.js';
export { type DockerfileLocation, DockerfileParseError, SyntaxRuleError } from './errors.js';
export {
  chompHeredocContent,
  type HeredocMarker,
  heredocsFromLine,
  parseHeredocWord,
} from './heredoc.js';
export { LexError } from './heredoc-lexer.js';
export {
  assertKnownInstructions,
  isKnownInstruction,
  KNOWN_INSTRUCTIONS,
  suggestInstruction,
  unknownInstructionError,
} from './instructions.js';
export { NOT_STRING_ARRAY, parseJsonStringArray } from './json-args.js';
export { type ParsedInstruction, parseInstructionLine } from './line-parsers.js';
export { type ParseOptions, parseDockerfile } from './parse.js';
export { MAX_LINE_BYTES } from './source-lines.js';
export { parseWords } from './words.js';

/**
 * The tree as text, exactly as BuildKit's `Node.Dump()` renders it (the format of the parser's
 * golden files): one line per instruction, `(keyword ["flag" …] "arg" …)`, the keyword in lower
 * case, strings quoted as Go's `strconv.Quote` does, ONBUILD's trigger nested in parentheses
 * without quotes, and no trailing newline.
 */

import { goStrconvQuote } from '../../gofmt/index.js';
import type { DockerfileAst, InstructionNode } from './ast.js';
import { goToLower, trimGoSpace } from './go-text.js';

/** One instruction without the surrounding parentheses, e.g. `copy ["--link"] "a" "/b"`. */
export function dumpInstruction(node: InstructionNode): string {
  let out = goToLower(node.keyword);
  if (node.flags.length > 0) out += ` [${node.flags.map(goStrconvQuote).join(' ')}]`;
  if (node.subInstruction !== undefined) out += ` (${dumpInstruction(node.subInstruction)})`;
  for (const arg of node.args) out += ` ${goStrconvQuote(arg)}`;
  return trimGoSpace(out);
}

/** The whole tree, one `(…)` line per instruction, lines joined by `\n`. */
export function dumpAst(ast: DockerfileAst): string {
  return ast.children.map((node) => `(${dumpInstruction(node)})`).join('\n');
}

import type { InstructionNode } from '../parser/ast.js';
import { DockerfileParseError } from '../parser/errors.js';

/** A Dockerfile error at an instruction: file, line and the offending line, BuildKit's reason, a hint. */
export function instructionError(
  file: string,
  node: InstructionNode,
  reason: string,
  hint?: string,
): DockerfileParseError {
  const firstLine = node.original.split('\n')[0] ?? node.original;
  return new DockerfileParseError(
    reason,
    { file, line: node.startLine, endLine: node.endLine, lineText: firstLine },
    hint === undefined ? {} : { hint },
  );
}

import { ManifoldError } from '../../errors/index.js';
import type { InstructionNode } from '../parser/ast.js';

/** A Dockerfile that parses but cannot be built as asked (a missing stage, a bad --from…). */
export class DockerfileConvertError extends ManifoldError {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, node: InstructionNode | undefined, reason: string, hint?: string) {
    const where = node ? `${file}:${node.startLine}` : file;
    const shown = node ? `\n ${String(node.startLine).padStart(4)} | ${node.original.split('\n')[0]}` : '';
    super('E_DOCKERFILE_CONVERT', `${where}: ${reason}${shown}`, hint === undefined ? {} : { hint });
    this.name = 'DockerfileConvertError';
    this.file = file;
    this.line = node?.startLine;
  }
}

/**
 * Errors of Dockerfile conversion: a Dockerfile that parses but cannot be built as asked (a
 * missing stage, a bad `--from`, a circular dependency, a word that cannot be expanded…).
 *
 * The message is `FILE:LINE: REASON` followed by the offending line, exactly like the parser's
 * errors, so a user sees one shape for every Dockerfile mistake; REASON is BuildKit's own text
 * where BuildKit has one. The hint says what to do.
 */
import { ManifoldError } from '../../errors/index.js';
import type { InstructionNode } from '../parser/ast.js';

/** Options of {@link DockerfileConvertError}. */
export interface ConvertErrorOptions {
  readonly hint?: string | undefined;
  readonly cause?: unknown;
  /** Keep a more specific code than `E_DOCKERFILE_CONVERT` (e.g. the expander's). */
  readonly code?: string;
}

/** A Dockerfile that parses but cannot be built as asked. Code `E_DOCKERFILE_CONVERT` by default. */
export class DockerfileConvertError extends ManifoldError {
  readonly file: string;
  readonly line: number | undefined;
  /** The rule that was broken, without location (BuildKit's text where it has one). */
  readonly reason: string;

  constructor(
    file: string,
    node: InstructionNode | undefined,
    reason: string,
    hint?: string | ConvertErrorOptions,
  ) {
    const options: ConvertErrorOptions = typeof hint === 'string' ? { hint } : (hint ?? {});
    const where = node ? `${file}:${node.startLine}` : file;
    const shown = node ? `\n ${String(node.startLine).padStart(4)} | ${node.original.split('\n')[0]}` : '';
    super(options.code ?? 'E_DOCKERFILE_CONVERT', `${where}: ${reason}${shown}`, {
      ...(options.hint === undefined ? {} : { hint: options.hint }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'DockerfileConvertError';
    this.file = file;
    this.line = node?.startLine;
    this.reason = reason;
  }
}

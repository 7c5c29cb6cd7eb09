import { ManifoldError } from '../errors/index.js';
import type { VertexMeta } from '../graph/index.js';

/** A build step failed: its command's exit code and the last lines it printed. */
export class StepFailedError extends ManifoldError {
  readonly exitCode: number | undefined;
  readonly tail: readonly string[];

  constructor(meta: VertexMeta | undefined, reason: string, tail: readonly string[], exitCode?: number) {
    const shown = tail.length ? `\n${tail.map((l) => `  > ${l}`).join('\n')}` : '';
    super('E_BUILD_STEP_FAILED', `${reason}${shown}`, {
      hint: meta?.location
        ? `fix the step at ${meta.location.file}:${meta.location.startLine}, then build again`
        : 'fix the step, then build again',
    });
    this.name = 'StepFailedError';
    this.exitCode = exitCode;
    this.tail = tail;
  }
}

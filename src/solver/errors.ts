import { ManifoldError } from '../errors/index.js';
import type { VertexMeta } from '../graph/index.js';

/** A vertex of the build failed; carries its name and Dockerfile location. */
export class VertexFailedError extends ManifoldError {
  readonly vertexName: string;
  readonly location: VertexMeta['location'];

  constructor(meta: VertexMeta | undefined, cause: unknown) {
    const name = meta?.name ?? 'build step';
    const where = meta?.location ? `${meta.location.file}:${meta.location.startLine}: ` : '';
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('E_BUILD_STEP_FAILED', `${where}${name}: ${reason}`, {
      cause,
      ...(cause instanceof ManifoldError && cause.hint ? { hint: cause.hint } : {}),
    });
    this.name = 'VertexFailedError';
    this.vertexName = name;
    this.location = meta?.location;
  }
}

/** A graph names an input digest that is not among its vertices. */
export class InvalidGraphError extends ManifoldError {
  constructor(message: string) {
    super('E_GRAPH_INVALID', message);
    this.name = 'InvalidGraphError';
  }
}

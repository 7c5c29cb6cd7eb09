/**
 * The error a failed build check turns into at the edge (`--call=check` exits with it after
 * printing the warnings): BuildKit's message for the problem, then the source around it.
 */
import { ManifoldError } from '../../errors/index.js';

/** A build check that stopped on a problem (parse error, `error=true` with warnings, …). */
export class DockerfileCheckError extends ManifoldError {
  constructor(report: string) {
    super('E_DOCKERFILE_CHECK', report.replace(/\n+$/, ''));
    this.name = 'DockerfileCheckError';
  }
}

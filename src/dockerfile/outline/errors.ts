/**
 * The error `--call=targets` and `--call=outline` fail with when the Dockerfile cannot be read
 * or walked: BuildKit's message, then the source around the offending lines.
 */
import { ManifoldError } from '../../errors/index.js';

/** A Dockerfile whose targets or outline cannot be listed. */
export class DockerfileOutlineError extends ManifoldError {
  constructor(message: string, hint?: string) {
    super('E_DOCKERFILE_OUTLINE', message.replace(/\n+$/, ''), hint === undefined ? {} : { hint });
    this.name = 'DockerfileOutlineError';
  }
}

import { ManifoldError } from '../../errors/index.js';

/** runc could not be found or could not start the container. */
export class ContainerStartError extends ManifoldError {
  constructor(message: string, hint: string, cause?: unknown) {
    super('E_CONTAINER_START', message, { hint, cause });
    this.name = 'ContainerStartError';
  }
}

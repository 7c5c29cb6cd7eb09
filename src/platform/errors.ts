import { ManifoldError } from '../errors/index.js';

/** A platform string that does not follow `os/arch[/variant]` or names an unknown os or arch. */
export class InvalidPlatformError extends ManifoldError {
  /** The string as the user gave it. */
  readonly input: string;

  constructor(input: string, problem: string) {
    super('E_PLATFORM_INVALID', `invalid platform "${input}": ${problem}`, {
      hint: 'write a platform as os/arch[/variant], for example linux/amd64, linux/arm64 or linux/arm/v7',
    });
    this.name = 'InvalidPlatformError';
    this.input = input;
  }
}

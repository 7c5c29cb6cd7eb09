import { ManifoldError } from '../../errors/index.js';

/** A base image has no manifest for the platform asked for. */
export class PlatformNotInImageError extends ManifoldError {
  constructor(ref: string, platform: string, available: readonly string[]) {
    super(
      'E_IMAGE_PLATFORM_MISSING',
      `${ref} has no image for ${platform}; it has ${available.length ? available.join(', ') : 'no platform-specific images'}`,
      { hint: 'build for one of the platforms it has, or use a base image that supports this platform' },
    );
    this.name = 'PlatformNotInImageError';
  }
}

/** An image could not be found in the store or any registry. */
export class ImageUnavailableError extends ManifoldError {
  constructor(ref: string, cause: unknown) {
    super('E_IMAGE_UNAVAILABLE', `cannot get ${ref}: ${(cause as Error)?.message ?? cause}`, {
      cause,
      hint:
        (cause as { hint?: string })?.hint ??
        'check the name, the registry configuration and your credentials',
    });
    this.name = 'ImageUnavailableError';
  }
}

/** A layer's content did not match the diff ID its image config lists. */
export class LayerDiffIdMismatchError extends ManifoldError {
  constructor(ref: string, layer: string, expected: string, actual: string) {
    super(
      'E_LAYER_DIFFID_MISMATCH',
      `${ref}: layer ${layer} unpacks to ${actual}, but the image config says ${expected}`,
      {
        hint: 'the image is corrupt or was tampered with; pull it again from a trusted source',
      },
    );
    this.name = 'LayerDiffIdMismatchError';
  }
}

/**
 * Errors of the image commands (pull, push, images, tag, rmi, imagetools, manifest). Registry
 * failures stay the registry client's `RegistryError`s (they already name the registry, the
 * repository and the credentials tried); these are the mistakes the commands themselves detect.
 */
import { ManifoldError, type ManifoldErrorOptions } from '../errors/index.js';

/** An index has no manifest for the platform asked for (`E_IMAGE_PLATFORM_MISSING`). */
export class PlatformNotInIndexError extends ManifoldError {
  readonly available: readonly string[];
  constructor(ref: string, wanted: string, available: readonly string[]) {
    super(
      'E_IMAGE_PLATFORM_MISSING',
      `${ref} has no image for ${wanted}; it has ${available.length > 0 ? available.join(', ') : 'no platform-specific images'}`,
      {
        hint:
          available.length > 0
            ? `ask for one of them with --platform (for example --platform ${available[0]})`
            : 'the index lists no platforms: pull it with --all-platforms',
      },
    );
    this.name = 'PlatformNotInIndexError';
    this.available = available;
  }
}

/** A single-platform image that is not the platform asked for (`E_IMAGE_PLATFORM_MISMATCH`). */
export class PlatformMismatchError extends ManifoldError {
  constructor(ref: string, wanted: string, actual: string) {
    super(
      'E_IMAGE_PLATFORM_MISMATCH',
      `${ref} is a single-platform image for ${actual}, which does not match the requested platform ${wanted}`,
      { hint: `drop --platform, or ask for --platform ${actual}` },
    );
    this.name = 'PlatformMismatchError';
  }
}

/** A local index some of whose platforms were not pulled (`E_IMAGE_PARTIAL`). */
export class PartialImageError extends ManifoldError {
  constructor(name: string, present: readonly string[], missing: readonly string[]) {
    super(
      'E_IMAGE_PARTIAL',
      `${name} is a multi-platform index but only ${present.length > 0 ? present.join(', ') : 'none of its platforms'} ${present.length === 1 ? 'is' : 'are'} in the image store (missing: ${missing.join(', ')})`,
      {
        hint: `pull it with --all-platforms first, or push one platform with --platform ${present[0] ?? 'OS/ARCH'}`,
      },
    );
    this.name = 'PartialImageError';
  }
}

/** A bad `imagetools create` source, tag or annotation (`E_IMAGETOOLS_INPUT`). */
export class ImagetoolsInputError extends ManifoldError {
  constructor(message: string, options: ManifoldErrorOptions = {}) {
    super('E_IMAGETOOLS_INPUT', message, options);
    this.name = 'ImagetoolsInputError';
  }
}

/** `manifest create` on a list that exists, without --amend (`E_MANIFEST_LIST_EXISTS`). */
export class ManifestListExistsError extends ManifoldError {
  constructor(list: string) {
    super('E_MANIFEST_LIST_EXISTS', `refusing to amend the existing manifest list ${list} without --amend`, {
      hint: `add --amend to change it, or remove it first with \`manifold manifest rm ${list}\``,
    });
    this.name = 'ManifestListExistsError';
  }
}

/** No local manifest list by that name (`E_MANIFEST_LIST_NOT_FOUND`). */
export class ManifestListNotFoundError extends ManifoldError {
  constructor(list: string, known: readonly string[]) {
    super('E_MANIFEST_LIST_NOT_FOUND', `no local manifest list named ${list}`, {
      hint:
        known.length > 0
          ? `local lists: ${known.slice(0, 5).join(', ')}${known.length > 5 ? ', …' : ''}`
          : 'create one with `manifold manifest create LIST MANIFEST...`',
    });
    this.name = 'ManifestListNotFoundError';
  }
}

/** `manifest annotate` of an image the list does not hold (`E_MANIFEST_NOT_IN_LIST`). */
export class ManifestNotInListError extends ManifoldError {
  constructor(image: string, list: string, members: readonly string[]) {
    super('E_MANIFEST_NOT_IN_LIST', `manifest for image ${image} does not exist in ${list}`, {
      hint:
        members.length > 0
          ? `the list holds ${members.join(', ')}; name one of them as given to \`manifest create\``
          : 'the list is empty',
    });
    this.name = 'ManifestNotInListError';
  }
}

/** `manifest create` given an index where an image manifest is needed (`E_MANIFEST_IS_LIST`). */
export class ManifestIsListError extends ManifoldError {
  constructor(ref: string, platforms: readonly string[]) {
    super('E_MANIFEST_IS_LIST', `${ref} is a manifest list, not a single-platform image manifest`, {
      hint: `name one platform's manifest by digest (\`manifold imagetools inspect ${ref}\` lists them${platforms.length > 0 ? `: ${platforms.join(', ')}` : ''}), or combine indexes with \`manifold imagetools create\``,
    });
    this.name = 'ManifestIsListError';
  }
}

/** A manifest list member from another registry than the list (`E_MANIFEST_CROSS_REGISTRY`). */
export class CrossRegistryError extends ManifoldError {
  constructor(image: string, imageRegistry: string, listRegistry: string) {
    super(
      'E_MANIFEST_CROSS_REGISTRY',
      `cannot use source image ${image} from a different registry than the target list: ${imageRegistry} != ${listRegistry}`,
      {
        hint: 'copy the image to the list’s registry first (for example with `manifold imagetools create -t`)',
      },
    );
    this.name = 'CrossRegistryError';
  }
}

/** A platform Docker's manifest lists do not accept (`E_MANIFEST_PLATFORM_INVALID`). */
export class ManifestPlatformError extends ManifoldError {
  constructor(message: string, hint: string) {
    super('E_MANIFEST_PLATFORM_INVALID', message, { hint });
    this.name = 'ManifestPlatformError';
  }
}

/** A local manifest list file that cannot be read (`E_MANIFEST_LIST_CORRUPT`). */
export class ManifestListCorruptError extends ManifoldError {
  constructor(file: string, problem: string, cause?: unknown) {
    super('E_MANIFEST_LIST_CORRUPT', `local manifest list ${file} is unreadable: ${problem}`, {
      hint: 'remove it with `manifold manifest rm LIST` and create the list again',
      cause,
    });
    this.name = 'ManifestListCorruptError';
  }
}

/** `manifest rm` of lists that do not exist (`E_MANIFEST_LIST_NOT_FOUND`). */
export class NoSuchManifestListError extends ManifoldError {
  constructor(names: readonly string[]) {
    super('E_MANIFEST_LIST_NOT_FOUND', `No such manifest: ${names.join(', ')}`, {
      hint: 'list names are full references, as `manifest create` printed them',
    });
    this.name = 'NoSuchManifestListError';
  }
}

/** `rmi` of several names, some of which could not be removed (`E_RMI_FAILED`). */
export class RemoveImagesError extends ManifoldError {
  constructor(messages: readonly string[]) {
    super('E_RMI_FAILED', `${messages.length} images could not be removed:\n  ${messages.join('\n  ')}`, {
      hint: 'list the names in the store with `manifold images`',
    });
    this.name = 'RemoveImagesError';
  }
}

/**
 * Docker image references, parsed and normalized as distribution/reference's
 * `ParseDockerRef` / `ParseNormalizedNamed` do, so that a name means here what it means to
 * `docker pull` and BuildKit:
 *
 * - No registry part → `docker.io`; on docker.io a one-component path gets `library/`
 *   (`alpine` → `docker.io/library/alpine`). `index.docker.io` is written `docker.io`.
 * - The first `/`-separated component is the registry when it contains `.` or `:`, is
 *   `localhost`, or has an upper-case letter (`localhost/app`, `host:5000/app`, `Foo/app`);
 *   otherwise it is part of the path (`user/app` → `docker.io/user/app`).
 * - No tag and no digest → tag `latest`. A reference may carry both (`name:tag@sha256:…`); both
 *   are kept, and the digest is what identifies the content (see `referenceTarget`).
 * - Repository paths are lower-case, at most 255 characters; tags at most 128; digests must be
 *   valid sha256/sha384/sha512 digests; a bare 64-hex string (an image ID) is refused.
 */
import { type Digest, parseDigest } from '../../oci/digest.js';
import { InvalidReferenceError } from './errors.js';
import {
  DIGEST,
  DOMAIN,
  IMAGE_ID,
  NAME_PATH_MAX_LENGTH,
  PATH_COMPONENT,
  TAG,
  TAG_MAX_LENGTH,
} from './grammar.js';
import { DEFAULT_REGISTRY, LEGACY_DEFAULT_REGISTRY } from './hosts.js';

/** A normalized image reference. */
export interface Reference {
  /** Registry host with optional port, such as `docker.io` or `localhost:5000`. */
  readonly registry: string;
  /** Repository path inside the registry, such as `library/alpine`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: Digest;
}

/** Options of `parseReference`. */
export interface ParseReferenceOptions {
  /** Add tag `latest` when there is neither tag nor digest (default true). */
  readonly defaultTag?: boolean;
}

/** The tag given to references that name neither tag nor digest. */
export const DEFAULT_TAG = 'latest';

const OFFICIAL_PREFIX = 'library/';

/** Splits off `@digest`; checks its form. */
function splitDigest(input: string): { rest: string; digest?: Digest } {
  const at = input.indexOf('@');
  if (at < 0) return { rest: input };
  const text = input.slice(at + 1);
  if (text.includes('@')) throw new InvalidReferenceError(input, 'only one "@digest" is allowed');
  if (!DIGEST.test(text)) {
    throw new InvalidReferenceError(
      input,
      `digest ${JSON.stringify(text)} is not algorithm:hex (at least 32 hex digits)`,
    );
  }
  try {
    return { rest: input.slice(0, at), digest: parseDigest(text) };
  } catch (err) {
    throw new InvalidReferenceError(input, (err as Error).message, { cause: err });
  }
}

/** Splits off `:tag` (a colon after the last slash); checks it. */
function splitTag(input: string, nameAndTag: string): { name: string; tag?: string } {
  const colon = nameAndTag.lastIndexOf(':');
  if (colon < 0 || colon < nameAndTag.lastIndexOf('/')) return { name: nameAndTag };
  const tag = nameAndTag.slice(colon + 1);
  if (tag.length > TAG_MAX_LENGTH) {
    throw new InvalidReferenceError(
      input,
      `tag is ${tag.length} characters long; at most ${TAG_MAX_LENGTH} are allowed`,
    );
  }
  if (!TAG.test(tag)) {
    throw new InvalidReferenceError(
      input,
      `tag ${JSON.stringify(tag)} is invalid: a tag is letters, digits, "_", "." and "-", not starting with "." or "-"`,
    );
  }
  return { name: nameAndTag.slice(0, colon), tag };
}

/** distribution's splitDockerDomain. */
function splitRegistry(name: string): { registry: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isRegistry =
    slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  let registry = isRegistry ? first : DEFAULT_REGISTRY;
  let path = isRegistry ? name.slice(slash + 1) : name;
  if (registry === LEGACY_DEFAULT_REGISTRY) registry = DEFAULT_REGISTRY;
  if (registry === DEFAULT_REGISTRY && !path.includes('/')) path = OFFICIAL_PREFIX + path;
  return { registry, path };
}

function checkName(input: string, registry: string, path: string): void {
  if (!DOMAIN.test(registry)) {
    throw new InvalidReferenceError(
      input,
      `registry ${JSON.stringify(registry)} is invalid: expected a host name, IPv4 address or [IPv6] address, with an optional :port`,
    );
  }
  if (path.toLowerCase() !== path) {
    throw new InvalidReferenceError(input, `repository name ${JSON.stringify(path)} must be lowercase`, {
      hint: `use ${JSON.stringify(path.toLowerCase())}`,
    });
  }
  for (const component of path.split('/')) {
    if (component === '')
      throw new InvalidReferenceError(input, 'the repository name has an empty path component');
    if (!PATH_COMPONENT.test(component)) {
      throw new InvalidReferenceError(
        input,
        `path component ${JSON.stringify(component)} is invalid: components are lower-case letters and digits, separated by ".", "_", "__" or "-"`,
      );
    }
  }
  if (path.length > NAME_PATH_MAX_LENGTH) {
    throw new InvalidReferenceError(
      input,
      `repository name is ${path.length} characters long; at most ${NAME_PATH_MAX_LENGTH} are allowed`,
    );
  }
}

/**
 * Parses and normalizes an image reference (`alpine` → docker.io/library/alpine:latest).
 * @throws InvalidReferenceError (`E_REFERENCE_INVALID`) quoting the input and the broken rule.
 */
export function parseReference(input: string, options: ParseReferenceOptions = {}): Reference {
  if (input === '') throw new InvalidReferenceError(input, 'the reference is empty');
  if (IMAGE_ID.test(input)) {
    throw new InvalidReferenceError(input, 'a 64-hex-digit string is an image ID, not a repository name', {
      hint: 'to pin content, write name@sha256:<hex>',
    });
  }
  if (/\s/.test(input)) throw new InvalidReferenceError(input, 'a reference must not contain white space');
  const { rest, digest } = splitDigest(input);
  const { name, tag } = splitTag(input, rest);
  if (name === '') throw new InvalidReferenceError(input, 'the repository name is empty');
  const { registry, path } = splitRegistry(name);
  checkName(input, registry, path);
  const defaultTag = options.defaultTag !== false && tag === undefined && digest === undefined;
  return {
    registry,
    repository: path,
    ...(tag !== undefined ? { tag } : defaultTag ? { tag: DEFAULT_TAG } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** True when `input` parses as a reference. */
export function isValidReference(input: string): boolean {
  try {
    parseReference(input);
    return true;
  } catch {
    return false;
  }
}

/** `registry/repository`, the fully qualified name without tag or digest. */
export function referenceName(ref: Reference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The fully qualified form: `docker.io/library/alpine:latest`, `host/app:v1@sha256:…`. */
export function formatReference(ref: Reference): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${referenceName(ref)}${tag}${digest}`;
}

/**
 * The short name Docker shows: docker.io loses its registry, and its `library/` prefix when one
 * component follows (`docker.io/library/alpine` → `alpine`, `docker.io/user/app` → `user/app`).
 */
export function familiarName(ref: Reference): string {
  if (ref.registry !== DEFAULT_REGISTRY) return referenceName(ref);
  const rest = ref.repository.startsWith(OFFICIAL_PREFIX) ? ref.repository.slice(OFFICIAL_PREFIX.length) : '';
  return rest !== '' && !rest.includes('/') ? rest : ref.repository;
}

/** The familiar name with tag and digest (`alpine:latest`, `localhost:5000/app@sha256:…`). */
export function formatFamiliarReference(ref: Reference): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${familiarName(ref)}${tag}${digest}`;
}

/** What to ask the registry for: the digest when there is one, else the tag (`latest` if none). */
export function referenceTarget(ref: Reference): string {
  return ref.digest ?? ref.tag ?? DEFAULT_TAG;
}

/**
 * The inputs of `imagetools create`, parsed as buildx parses them.
 *
 * A source is, tried in order: a digest (`sha256:…`, in the one repository the command names);
 * an image reference (`repo:tag`, `repo@sha256:…`), which may name an index or a manifest; or
 * an OCI descriptor as JSON (`{"digest": …, "platform": …}`, what `-f FILE` usually holds),
 * whose platform and annotations override the registry's.
 *
 * An annotation is `[TYPES:]KEY=VALUE` where TYPES is a comma-separated list of `index` or
 * `manifest-descriptor`, each optionally with a platform in brackets
 * (`manifest-descriptor[linux/amd64]:org.opencontainers.image.title=x`). A key without a type is
 * an `index` annotation here (buildx refuses it); `manifest` and `index-descriptor` annotations
 * cannot be set by `imagetools create` (buildx refuses them too).
 */
import {
  type Descriptor,
  type Digest,
  decodeDescriptor,
  isDigest,
  OciDecodeError,
  type OciPlatform,
  parseDigest,
} from '../oci/index.js';
import { type Platform, parsePlatform } from '../platform/index.js';
import { parseReference, type Reference } from '../registry/index.js';
import { ImagetoolsInputError } from './errors.js';

/** A parsed source: a reference, or a descriptor (digest, maybe more) without one. */
export interface CreateSource {
  /** The text given. */
  readonly text: string;
  readonly reference?: Reference;
  /** What the source itself says about the content: at least a digest when there is no reference. */
  readonly given?: GivenDescriptor;
}

/** A descriptor as a source gives it: every member but the digest optional. */
export interface GivenDescriptor {
  readonly digest: Digest;
  readonly mediaType?: string;
  readonly size?: number;
  readonly platform?: OciPlatform;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Where an annotation goes. */
export interface CreateAnnotation {
  readonly type: 'index' | 'manifest-descriptor';
  /** Only descriptors of this platform (manifest-descriptor only). */
  readonly platform?: Platform;
  readonly key: string;
  readonly value: string;
}

const HINT = 'a source is a digest (sha256:…), an image reference, or an OCI descriptor in JSON';

/** Parses one source (see the module comment). @throws ImagetoolsInputError */
export function parseCreateSource(text: string): CreateSource {
  if (isDigest(text)) return { text, given: { digest: parseDigest(text) } };
  if (text.startsWith('sha256')) {
    throw new ImagetoolsInputError(`invalid source ${JSON.stringify(text)}: not a valid sha256 digest`, {
      hint: HINT,
    });
  }
  let refError: unknown;
  try {
    return { text, reference: parseReference(text) };
  } catch (err) {
    refError = err;
  }
  if (!text.trimStart().startsWith('{')) {
    throw new ImagetoolsInputError(`invalid source ${JSON.stringify(text)}: ${(refError as Error).message}`, {
      hint: HINT,
      cause: refError,
    });
  }
  return { text, given: parseGivenDescriptor(text) };
}

function parseGivenDescriptor(text: string): GivenDescriptor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ImagetoolsInputError(`invalid descriptor source: ${(err as Error).message}`, {
      hint: HINT,
      cause: err,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ImagetoolsInputError('invalid descriptor source: expected a JSON object', { hint: HINT });
  }
  // Fill what a full descriptor needs so that the shared decoder checks the rest.
  const obj = value as Record<string, unknown>;
  let d: Descriptor;
  try {
    d = decodeDescriptor({ mediaType: 'application/octet-stream', size: 0, ...obj });
  } catch (err) {
    const detail = err instanceof OciDecodeError ? err.message : String(err);
    throw new ImagetoolsInputError(`invalid descriptor source: ${detail}`, { hint: HINT, cause: err });
  }
  return {
    digest: d.digest,
    ...(typeof obj.mediaType === 'string' && obj.mediaType !== '' ? { mediaType: obj.mediaType } : {}),
    ...(typeof obj.size === 'number' && obj.size !== 0 ? { size: obj.size } : {}),
    ...(d.platform ? { platform: d.platform } : {}),
    ...(d.annotations && Object.keys(d.annotations).length > 0 ? { annotations: d.annotations } : {}),
  };
}

const TYPE_AND_PLATFORM = /^([a-z-]+)(?:\[([A-Za-z0-9_/-]+)\])?$/;

/** Parses `--annotation` values (see the module comment). @throws ImagetoolsInputError */
export function parseCreateAnnotations(inputs: readonly string[]): CreateAnnotation[] {
  const out: CreateAnnotation[] = [];
  for (const input of inputs) {
    if (input === '') continue;
    const eq = input.indexOf('=');
    if (eq < 0) {
      throw new ImagetoolsInputError(`invalid annotation ${JSON.stringify(input)}: expected KEY=VALUE`, {
        hint: 'write [index|manifest-descriptor[PLATFORM]:]KEY=VALUE',
      });
    }
    const left = input.slice(0, eq);
    const value = input.slice(eq + 1);
    const colon = left.indexOf(':');
    if (colon < 0) {
      out.push({ type: 'index', key: left, value });
      continue;
    }
    const key = left.slice(colon + 1);
    for (const part of left.slice(0, colon).split(',')) out.push(annotationOfType(input, part, key, value));
  }
  return out;
}

function annotationOfType(input: string, part: string, key: string, value: string): CreateAnnotation {
  const m = TYPE_AND_PLATFORM.exec(part);
  const hint = 'imagetools create sets index: and manifest-descriptor[PLATFORM]: annotations';
  if (m === null) {
    throw new ImagetoolsInputError(
      `invalid annotation type ${JSON.stringify(part)} in ${JSON.stringify(input)}: expected a type and an optional platform in square brackets`,
      { hint },
    );
  }
  const type = m[1] as string;
  if (type === 'manifest' || type === 'index-descriptor') {
    throw new ImagetoolsInputError(
      `"${type}" annotations cannot be set by imagetools create (${JSON.stringify(input)})`,
      {
        hint,
      },
    );
  }
  if (type !== 'index' && type !== 'manifest-descriptor') {
    throw new ImagetoolsInputError(
      `unknown annotation type ${JSON.stringify(type)} in ${JSON.stringify(input)}`,
      { hint },
    );
  }
  if (m[2] !== undefined && type === 'index') {
    throw new ImagetoolsInputError(`an index annotation takes no platform (${JSON.stringify(input)})`, {
      hint,
    });
  }
  return { type, key, value, ...(m[2] !== undefined ? { platform: parsePlatform(m[2]) } : {}) };
}

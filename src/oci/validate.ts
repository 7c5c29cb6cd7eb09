/**
 * Validation of OCI documents: the image-spec JSON schemas (see `schema-validator.ts`) plus the
 * rules the upstream Go validator and the spec text add beyond them:
 * 1. a digest with an algorithm Manifold knows (sha256, sha384, sha512) must have exactly that
 *    algorithm's number of lower-case hex digits; other algorithms need only the OCI grammar;
 * 2. `data` must be standard base64 with padding, and the bytes it holds must have the
 *    descriptor's size and, for a known algorithm, its digest;
 * 3. `urls` entries must be absolute URIs (the schema's `format: uri`);
 * 4. config `Env` entries must look like `NAME=value` (`^[^=]+=.*$`);
 * 5. the document must decode into its typed structure (a wrong type fails even where the schema
 *    is loose, as Go's unmarshalling does), checked once the schema passes;
 * 6. a manifest's or index's own `mediaType`, when present, must name that kind of document
 *    (OCI, or Docker schema 2, whose shape is the same);
 * 7. a manifest whose config is the empty descriptor must set `artifactType` (spec MUST);
 * 8. `rootfs.diff_ids` follow rule 1.
 *
 * Every `validate…` function takes the document as bytes, JSON text or a parsed value and
 * returns all problems found (empty = valid); `assertValid…` throws OciValidationError instead.
 */
import { createHash } from 'node:crypto';
import {
  decodeDescriptor,
  decodeImageConfig,
  decodeImageLayout,
  decodeIndex,
  decodeManifest,
  isStdBase64,
} from './decode.js';
import { DIGEST_GRAMMAR, encodedProblem, isDigestAlgorithm } from './digest.js';
import { OciDecodeError, OciValidationError, type ValidationProblem } from './errors.js';
import { isIndexMediaType, isManifestMediaType, MediaType } from './media-types.js';
import { SCHEMA_FOR_MEDIA_TYPE, schemaProblems } from './schema-validator.js';

type Obj = Record<string, unknown>;

/** Go's `^[^=]+=.*$`: Go's `.` stops only at \n, and `$` is the end of the text. */
const ENV_ENTRY = /^[^=]+=[^\n]*$/;
type Rules = (doc: Obj, problems: ValidationProblem[]) => void;

interface DocumentKind {
  readonly title: string;
  readonly mediaType: string;
  readonly rules: Rules;
  readonly decode: (doc: unknown) => unknown;
}

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Rule 1 for one digest string (schema problems with the grammar are reported by the schema). */
function digestRule(value: unknown, path: string, problems: ValidationProblem[]): void {
  if (typeof value !== 'string' || !DIGEST_GRAMMAR.test(value)) return;
  const colon = value.indexOf(':');
  const algorithm = value.slice(0, colon);
  if (!isDigestAlgorithm(algorithm)) return;
  const problem = encodedProblem(algorithm, value.slice(colon + 1));
  if (problem !== undefined) problems.push({ path, message: `${problem} (got ${JSON.stringify(value)})` });
}

/** Rule 2 for a descriptor's `data`. */
function dataRule(desc: Obj, path: string, problems: ValidationProblem[]): void {
  const data = desc.data;
  if (typeof data !== 'string') return;
  if (!isStdBase64(data)) {
    problems.push({ path: `${path}/data`, message: 'must be standard base64 with padding' });
    return;
  }
  const bytes = Buffer.from(data, 'base64');
  if (typeof desc.size === 'number' && bytes.length !== desc.size) {
    problems.push({ path: `${path}/data`, message: `holds ${bytes.length} bytes but size is ${desc.size}` });
  }
  const digest = desc.digest;
  if (typeof digest !== 'string') return;
  const algorithm = digest.slice(0, digest.indexOf(':'));
  if (!isDigestAlgorithm(algorithm)) return;
  const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
  if (actual !== digest)
    problems.push({ path: `${path}/data`, message: `has digest ${actual}, not ${digest}` });
}

function descriptorRules(desc: unknown, path: string, problems: ValidationProblem[]): void {
  if (!isObject(desc)) return;
  digestRule(desc.digest, `${path}/digest`, problems);
  dataRule(desc, path, problems);
}

function eachDescriptor(list: unknown, path: string, problems: ValidationProblem[]): void {
  if (!Array.isArray(list)) return;
  for (const [i, d] of list.entries()) descriptorRules(d, `${path}/${i}`, problems);
}

function ownMediaTypeRule(
  doc: Obj,
  accept: (mt: string) => boolean,
  kind: string,
  problems: ValidationProblem[],
): void {
  if (typeof doc.mediaType === 'string' && !accept(doc.mediaType)) {
    problems.push({
      path: '/mediaType',
      message: `${JSON.stringify(doc.mediaType)} is not an ${kind} media type`,
    });
  }
}

const manifestRules: Rules = (doc, problems) => {
  ownMediaTypeRule(doc, isManifestMediaType, 'image manifest', problems);
  descriptorRules(doc.config, '/config', problems);
  eachDescriptor(doc.layers, '/layers', problems);
  descriptorRules(doc.subject, '/subject', problems);
  if (isObject(doc.config) && doc.config.mediaType === MediaType.OciEmpty && doc.artifactType === undefined) {
    problems.push({ path: '/artifactType', message: 'must be set when the config is the empty descriptor' });
  }
};

const indexRules: Rules = (doc, problems) => {
  ownMediaTypeRule(doc, isIndexMediaType, 'image index', problems);
  eachDescriptor(doc.manifests, '/manifests', problems);
  descriptorRules(doc.subject, '/subject', problems);
};

const configRules: Rules = (doc, problems) => {
  const env = isObject(doc.config) ? doc.config.Env : undefined;
  if (Array.isArray(env)) {
    env.forEach((e, i) => {
      if (typeof e === 'string' && !ENV_ENTRY.test(e)) {
        problems.push({ path: `/config/Env/${i}`, message: `must be NAME=value (got ${JSON.stringify(e)})` });
      }
    });
  }
  const diffIds = isObject(doc.rootfs) ? doc.rootfs.diff_ids : undefined;
  if (Array.isArray(diffIds)) {
    for (const [i, d] of diffIds.entries()) digestRule(d, `/rootfs/diff_ids/${i}`, problems);
  }
};

const grammar = { digests: 'grammar' } as const;

const KINDS = {
  manifest: {
    title: 'image manifest',
    mediaType: MediaType.OciManifest,
    rules: manifestRules,
    decode: (d) => decodeManifest(d, grammar),
  },
  index: {
    title: 'image index',
    mediaType: MediaType.OciIndex,
    rules: indexRules,
    decode: (d) => decodeIndex(d, grammar),
  },
  config: {
    title: 'image config',
    mediaType: MediaType.OciConfig,
    rules: configRules,
    decode: (d) => decodeImageConfig(d, grammar),
  },
  descriptor: {
    title: 'descriptor',
    mediaType: MediaType.OciDescriptor,
    rules: (doc, problems) => descriptorRules(doc, '', problems),
    decode: (d) => decodeDescriptor(d, grammar),
  },
  layout: {
    title: 'oci-layout file',
    mediaType: MediaType.OciLayoutHeader,
    rules: () => {},
    decode: decodeImageLayout,
  },
} satisfies Record<string, DocumentKind>;

/** The JSON value of `input`: bytes and strings are parsed, anything else is taken as parsed. */
function toValue(input: unknown, problems: ValidationProblem[]): { ok: boolean; value: unknown } {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return { ok: true, value: input };
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    problems.push({ path: '', message: `not valid JSON (${(err as Error).message})` });
    return { ok: false, value: undefined };
  }
}

/** Converts a decoder error's dotted path (`layers[0].size`) into a JSON pointer. */
function pointerOf(path: string): string {
  if (path === '') return '';
  return `/${path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .join('/')}`;
}

function validate(kind: DocumentKind, input: unknown): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const { ok, value } = toValue(input, problems);
  if (!ok) return problems;
  const schema = SCHEMA_FOR_MEDIA_TYPE[kind.mediaType];
  if (schema === undefined) throw new Error(`no schema for ${kind.mediaType}`);
  problems.push(...schemaProblems(schema, value));
  if (isObject(value)) kind.rules(value, problems);
  if (problems.length > 0) return problems;
  try {
    kind.decode(value);
  } catch (err) {
    if (!(err instanceof OciDecodeError)) throw err;
    problems.push({ path: pointerOf(err.path), message: err.message });
  }
  return problems;
}

function assertValid(kind: DocumentKind, input: unknown): void {
  const problems = validate(kind, input);
  if (problems.length > 0) throw new OciValidationError(kind.title, problems);
}

/** Problems of an image manifest (empty = valid). */
export function validateImageManifest(input: unknown): ValidationProblem[] {
  return validate(KINDS.manifest, input);
}

/** Problems of an image index (empty = valid). */
export function validateImageIndex(input: unknown): ValidationProblem[] {
  return validate(KINDS.index, input);
}

/** Problems of an image config (empty = valid). */
export function validateImageConfig(input: unknown): ValidationProblem[] {
  return validate(KINDS.config, input);
}

/** Problems of a content descriptor (empty = valid). */
export function validateDescriptor(input: unknown): ValidationProblem[] {
  return validate(KINDS.descriptor, input);
}

/** Problems of an `oci-layout` file (empty = valid). */
export function validateImageLayout(input: unknown): ValidationProblem[] {
  return validate(KINDS.layout, input);
}

/** Throws OciValidationError (`E_OCI_INVALID`) listing every problem of an image manifest. */
export function assertValidImageManifest(input: unknown): void {
  assertValid(KINDS.manifest, input);
}

/** Throws OciValidationError listing every problem of an image index. */
export function assertValidImageIndex(input: unknown): void {
  assertValid(KINDS.index, input);
}

/** Throws OciValidationError listing every problem of an image config. */
export function assertValidImageConfig(input: unknown): void {
  assertValid(KINDS.config, input);
}

/** Throws OciValidationError listing every problem of a content descriptor. */
export function assertValidDescriptor(input: unknown): void {
  assertValid(KINDS.descriptor, input);
}

/** Throws OciValidationError listing every problem of an `oci-layout` file. */
export function assertValidImageLayout(input: unknown): void {
  assertValid(KINDS.layout, input);
}

/**
 * Validates a document by the media type that names its kind (the five OCI media types of the
 * conformance data: descriptor, layout header, manifest, index, config).
 * @throws Error for any other media type.
 */
export function validateByMediaType(mediaType: string, input: unknown): ValidationProblem[] {
  const kind = Object.values(KINDS).find((k) => k.mediaType === mediaType);
  if (kind === undefined) throw new Error(`no validator for media type ${JSON.stringify(mediaType)}`);
  return validate(kind, input);
}

/**
 * Validation against the OCI image-spec JSON schemas (src/oci/schema/, draft-04) with Ajv.
 *
 * Ajv 8 speaks draft-07 and later, so each schema is adapted on load, without changing what it
 * accepts: `$schema` is dropped; the top-level `id` becomes `$id`, set to each URI the schema is
 * registered under; nested `id`s are dropped. In these files every nested `id` either sits beside
 * a `$ref` (where draft-04 ignores it: a reference object's other members do not apply) or labels
 * a subschema whose references resolve to the same folder anyway. Each file is registered under
 * the URIs the upstream validator uses, so every relative `$ref` finds its target. The `media`
 * keyword (draft-04 hyper-schema) is an annotation. Formats `uri` and `date-time` are enforced.
 *
 * Compiled validators are built on first use and kept for the life of the process (a cache of
 * pure functions, never changed once built).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ValidationProblem } from './errors.js';
import { MediaType } from './media-types.js';
import { OCI_SCHEMA_FILES } from './schema/schemas.js';

/** The URIs each schema file is registered under (its own `id` first, if it has one). */
const REGISTRATION: Readonly<Record<string, readonly string[]>> = {
  'config-schema.json': ['https://opencontainers.org/schema/image/config'],
  'content-descriptor.json': [
    'https://opencontainers.org/schema/descriptor',
    'https://opencontainers.org/schema/image/content-descriptor.json',
  ],
  'defs-descriptor.json': [
    'https://opencontainers.org/schema/image/descriptor/mediaType',
    'https://opencontainers.org/schema/defs-descriptor.json',
    'https://opencontainers.org/schema/image/defs-descriptor.json',
  ],
  'defs.json': [
    'https://opencontainers.org/schema/defs.json',
    'https://opencontainers.org/schema/image/defs.json',
    'https://opencontainers.org/schema/image/descriptor/defs.json',
  ],
  'image-index-schema.json': ['https://opencontainers.org/schema/image/index'],
  'image-layout-schema.json': ['https://opencontainers.org/schema/image/layout'],
  'image-manifest-schema.json': ['https://opencontainers.org/schema/image/manifest'],
};

/** Which schema validates which kind of document, by the media type naming it. */
export const SCHEMA_FOR_MEDIA_TYPE: Readonly<Record<string, string>> = {
  [MediaType.OciDescriptor]: 'https://opencontainers.org/schema/descriptor',
  [MediaType.OciLayoutHeader]: 'https://opencontainers.org/schema/image/layout',
  [MediaType.OciManifest]: 'https://opencontainers.org/schema/image/manifest',
  [MediaType.OciIndex]: 'https://opencontainers.org/schema/image/index',
  [MediaType.OciConfig]: 'https://opencontainers.org/schema/image/config',
};

/** Members whose values are maps of names to subschemas (not subschemas themselves). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);

/** Copies a draft-04 schema node, dropping `id` and `$schema` at every level. */
function adaptNode(node: unknown, inMap = false): unknown {
  if (Array.isArray(node)) return node.map((n) => adaptNode(n));
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (!inMap && (key === 'id' || key === '$schema')) continue;
    out[key] = adaptNode(value, !inMap && SCHEMA_MAPS.has(key));
  }
  return out;
}

function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false });
  addFormats.default(ajv, ['uri', 'date-time']);
  ajv.addKeyword({ keyword: 'media', schemaType: 'object' });
  for (const [file, uris] of Object.entries(REGISTRATION)) {
    const schema = OCI_SCHEMA_FILES[file];
    if (schema === undefined) throw new Error(`OCI schema ${file} is missing from schema/schemas.ts`);
    const adapted = adaptNode(schema) as Record<string, unknown>;
    for (const uri of uris) ajv.addSchema({ ...adapted, $id: uri });
  }
  return ajv;
}

let shared: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schemaUri: string): ValidateFunction {
  let fn = compiled.get(schemaUri);
  if (fn === undefined) {
    shared ??= createAjv();
    fn = shared.getSchema(schemaUri);
    if (fn === undefined) throw new Error(`no OCI schema registered as ${schemaUri}`);
    compiled.set(schemaUri, fn);
  }
  return fn;
}

function valueAt(doc: unknown, pointer: string): unknown {
  let v = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  }
  return v;
}

function toProblem(err: ErrorObject, doc: unknown): ValidationProblem {
  const value = valueAt(doc, err.instancePath);
  const shown = value === undefined || typeof value === 'object' ? '' : ` (got ${JSON.stringify(value)})`;
  const extra = err.keyword === 'enum' ? ` ${JSON.stringify(err.params.allowedValues)}` : '';
  return { path: err.instancePath, message: `${err.message ?? err.keyword}${extra}${shown}` };
}

/**
 * Ajv reports a failed `oneOf` as one error per branch plus one for the `oneOf` itself; this
 * folds the branch errors at the same place into the `oneOf` error ("must be object or null").
 */
function foldOneOf(errors: readonly ErrorObject[]): ErrorObject[] {
  const folded: ErrorObject[] = [];
  for (const err of errors) {
    if (err.keyword !== 'oneOf') {
      folded.push(err);
      continue;
    }
    // Branch errors come right before the oneOf error; those inside a $ref carry the schema
    // path of the referenced document (not starting with "#").
    const isBranch = (e: ErrorObject): boolean =>
      e.instancePath === err.instancePath &&
      (e.schemaPath.startsWith(`${err.schemaPath}/`) || !e.schemaPath.startsWith('#'));
    let start = folded.length;
    while (start > 0 && isBranch(folded[start - 1] as ErrorObject)) start--;
    const branches = folded.splice(start);
    folded.push({ ...err, message: branches.map((b) => b.message).join(' or ') || err.message });
  }
  return folded;
}

/** Validates `doc` against the schema at `schemaUri`; returns every problem (empty = valid). */
export function schemaProblems(schemaUri: string, doc: unknown): ValidationProblem[] {
  const validate = validatorFor(schemaUri);
  if (validate(doc)) return [];
  const seen = new Set<string>();
  const problems: ValidationProblem[] = [];
  for (const err of foldOneOf(validate.errors ?? [])) {
    const p = toProblem(err, doc);
    const key = `${p.path}\0${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  }
  return problems;
}

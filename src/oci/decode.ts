/**
 * Reads JSON values into the typed OCI documents, the way Go's `json.Unmarshal` reads them into
 * the image-spec structs: members the layout does not name are dropped, `null` counts as absent,
 * and a value of the wrong type is an error naming its path. Stricter than Go in two ways, so
 * that the typed result can be trusted: required members must be present, and sizes and
 * digests must be well-formed (digests with `parseDigest`, or only the OCI grammar on request,
 * for validators that must accept algorithms Manifold cannot compute).
 */
import type { Descriptor } from './descriptor.js';
import { DIGEST_GRAMMAR, parseDigest } from './digest.js';
import { OciDecodeError } from './errors.js';
import type { ImageConfig } from './image-config.js';
import type { ImageIndex, ImageLayoutHeader, ImageManifest } from './manifest.js';
import {
  DESCRIPTOR,
  type FieldSpec,
  IMAGE_CONFIG,
  IMAGE_LAYOUT,
  INDEX,
  MANIFEST,
  type StructSpec,
} from './structs.js';

/** How strictly digests are checked while decoding. */
export interface DecodeOptions {
  /** `supported` (default): sha256/sha384/sha512 only; `grammar`: any OCI-conformant digest. */
  readonly digests?: 'supported' | 'grammar';
}

type Obj = Record<string, unknown>;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
const BASE64_STD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** True for standard base64 with padding, as Go's `[]byte` JSON decoding accepts (CR/LF ignored). */
export function isStdBase64(s: string): boolean {
  return BASE64_STD.test(s.replace(/[\r\n]/g, ''));
}

class Decoder {
  constructor(
    private readonly what: string,
    private readonly options: DecodeOptions,
  ) {}

  fail(path: string, rule: string): never {
    throw new OciDecodeError(this.what, path, rule);
  }

  string(v: unknown, path: string): string {
    if (typeof v !== 'string') this.fail(path, `expected a string, got ${describe(v)}`);
    return v;
  }

  digest(v: unknown, path: string): string {
    const s = this.string(v, path);
    if (this.options.digests === 'grammar') {
      if (!DIGEST_GRAMMAR.test(s)) this.fail(path, `${JSON.stringify(s)} is not an algorithm:encoded digest`);
      return s;
    }
    try {
      return parseDigest(s);
    } catch (err) {
      return this.fail(path, (err as Error).message);
    }
  }

  strings(v: unknown, path: string, each: (s: unknown, p: string) => string): string[] {
    if (!Array.isArray(v)) this.fail(path, `expected a list, got ${describe(v)}`);
    return v.map((s: unknown, i) => (s === null ? '' : each(s, `${path}[${i}]`)));
  }

  map(v: unknown, path: string, set: boolean): Record<string, unknown> {
    if (!isObject(v)) this.fail(path, `expected an object, got ${describe(v)}`);
    const out: Record<string, unknown> = {};
    for (const [k, value] of Object.entries(v)) {
      if (set) {
        if (value !== null && !isObject(value))
          this.fail(`${path}.${k}`, `expected {}, got ${describe(value)}`);
        out[k] = {};
      } else {
        out[k] = value === null ? '' : this.string(value, `${path}.${k}`);
      }
    }
    return out;
  }

  scalar(f: FieldSpec, v: unknown, path: string): unknown {
    switch (f.kind) {
      case 'int':
        if (typeof v !== 'number' || !Number.isSafeInteger(v))
          this.fail(path, `expected an integer, got ${describe(v)}`);
        if (v < 0) this.fail(path, `must not be negative, got ${v}`);
        return v;
      case 'bool':
        if (typeof v !== 'boolean') this.fail(path, `expected true or false, got ${describe(v)}`);
        return v;
      case 'digest':
        return this.digest(v, path);
      case 'time': {
        const s = this.string(v, path);
        if (!RFC3339.test(s)) this.fail(path, `${JSON.stringify(s)} is not an RFC 3339 date-time`);
        return s;
      }
      case 'base64': {
        const s = this.string(v, path);
        if (!isStdBase64(s)) this.fail(path, 'expected standard base64 with padding');
        return s;
      }
      case 'strings':
        return this.strings(v, path, (s, p) => this.string(s, p));
      case 'digests':
        return this.strings(v, path, (s, p) => this.digest(s, p));
      case 'stringMap':
        return this.map(v, path, false);
      case 'set':
        return this.map(v, path, true);
      default: {
        const s = this.string(v, path);
        if (f.oneOf !== undefined && !f.oneOf.includes(s)) {
          this.fail(
            path,
            `expected one of ${f.oneOf.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(s)}`,
          );
        }
        return s;
      }
    }
  }

  field(f: FieldSpec, v: unknown, path: string): unknown {
    const kind = f.kind;
    if (typeof kind === 'string') return this.scalar(f, v, path);
    if (!kind.list) return this.struct(kind.struct, v, path);
    if (!Array.isArray(v)) this.fail(path, `expected a list of ${kind.struct.title}s, got ${describe(v)}`);
    return v.map((item: unknown, i) => this.struct(kind.struct, item, `${path}[${i}]`));
  }

  struct(spec: StructSpec, v: unknown, path: string): Obj {
    if (!isObject(v)) this.fail(path, `expected a ${spec.title} object, got ${describe(v)}`);
    const out: Obj = {};
    for (const f of spec.fields) {
      const value = v[f.name];
      const at = path === '' ? f.name : `${path}.${f.name}`;
      if (value === undefined || value === null) {
        if (f.presence === 'required')
          this.fail(at, `the ${spec.title} member ${JSON.stringify(f.name)} is missing`);
        continue;
      }
      out[f.name] = this.field(f, value, at);
    }
    return out;
  }
}

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function decode(spec: StructSpec, value: unknown, options: DecodeOptions): Obj {
  return new Decoder(spec.title, options).struct(spec, value, '');
}

function checkSchemaVersion(what: string, value: Obj): void {
  if (value.schemaVersion !== 2) {
    throw new OciDecodeError(
      what,
      'schemaVersion',
      `expected 2, got ${JSON.stringify(value.schemaVersion)}`,
      {
        hint: value.schemaVersion === 1 ? 'Docker schema 1 manifests are not supported' : undefined,
      },
    );
  }
}

/** Decodes a descriptor. @throws OciDecodeError (`E_OCI_DECODE`) naming the offending member. */
export function decodeDescriptor(value: unknown, options: DecodeOptions = {}): Descriptor {
  return decode(DESCRIPTOR, value, options) as unknown as Descriptor;
}

/** Decodes an image manifest (schemaVersion must be 2). @throws OciDecodeError */
export function decodeManifest(value: unknown, options: DecodeOptions = {}): ImageManifest {
  const out = decode(MANIFEST, value, options);
  checkSchemaVersion(MANIFEST.title, out);
  return out as unknown as ImageManifest;
}

/** Decodes an image index or manifest list (schemaVersion must be 2). @throws OciDecodeError */
export function decodeIndex(value: unknown, options: DecodeOptions = {}): ImageIndex {
  const out = decode(INDEX, value, options);
  checkSchemaVersion(INDEX.title, out);
  return out as unknown as ImageIndex;
}

/** Decodes an image config. @throws OciDecodeError */
export function decodeImageConfig(value: unknown, options: DecodeOptions = {}): ImageConfig {
  return decode(IMAGE_CONFIG, value, options) as unknown as ImageConfig;
}

/** Decodes the `oci-layout` file. @throws OciDecodeError */
export function decodeImageLayout(value: unknown): ImageLayoutHeader {
  return decode(IMAGE_LAYOUT, value, {}) as unknown as ImageLayoutHeader;
}

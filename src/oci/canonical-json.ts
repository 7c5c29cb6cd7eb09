/**
 * The one encoding Manifold writes manifests, indexes, image configs, descriptors and the
 * `oci-layout` file in, so that equal values always have equal digests.
 *
 * The rule: what Go's `json.Marshal` writes for the image-spec structs (see `structs.ts` for
 * the member order and presence rules), byte for byte. Compact (no whitespace), members in
 * struct declaration order, map keys (annotations, labels, ports, volumes) sorted by UTF-8
 * bytes, strings escaped as Go escapes them (`<` is `\u003c`, see `src/gofmt/json.ts`), members the
 * layout does not name are dropped. BuildKit itself indents manifests and re-sorts the top
 * level of configs, so BuildKit's bytes differ: compare values, not digests, with its output.
 */

import { goJsonQuote, goMarshalValue, goSortedKeys } from '../gofmt/index.js';
import type { Descriptor } from './descriptor.js';
import { OciEncodeError } from './errors.js';
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

type Obj = Readonly<Record<string, unknown>>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when Go's omitempty would leave `v` out. */
function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isObject(v) && Object.keys(v).length === 0;
}

function encodeStrings(v: unknown, path: string): string {
  if (!Array.isArray(v)) throw new OciEncodeError(path, 'expected a list of strings');
  return `[${v
    .map((s: unknown, i) => {
      if (typeof s !== 'string') throw new OciEncodeError(`${path}[${i}]`, 'expected a string');
      return goJsonQuote(s);
    })
    .join(',')}]`;
}

function encodeMap(v: unknown, path: string, set: boolean): string {
  if (!isObject(v)) throw new OciEncodeError(path, 'expected an object');
  const members = goSortedKeys(Object.keys(v)).map((k) => {
    const value = v[k];
    if (!set && typeof value !== 'string') throw new OciEncodeError(`${path}.${k}`, 'expected a string');
    return `${goJsonQuote(k)}:${set ? '{}' : goJsonQuote(value as string)}`;
  });
  return `{${members.join(',')}}`;
}

function encodeInt(v: unknown, path: string): string {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new OciEncodeError(path, `expected an integer, got ${JSON.stringify(v)}`);
  }
  return goMarshalValue(v);
}

function encodeScalar(f: FieldSpec, v: unknown, path: string): string {
  switch (f.kind) {
    case 'int':
      return encodeInt(v, path);
    case 'bool':
      if (typeof v !== 'boolean') throw new OciEncodeError(path, 'expected true or false');
      return v ? 'true' : 'false';
    case 'strings':
    case 'digests':
      return encodeStrings(v, path);
    case 'stringMap':
      return encodeMap(v, path, false);
    case 'set':
      return encodeMap(v, path, true);
    default:
      if (typeof v !== 'string')
        throw new OciEncodeError(path, `expected a string, got ${JSON.stringify(v)}`);
      return goJsonQuote(v);
  }
}

function encodeField(f: FieldSpec, v: unknown, path: string): string {
  const kind = f.kind;
  if (typeof kind === 'string') return encodeScalar(f, v, path);
  if (!kind.list) return encodeStruct(kind.struct, v, path);
  if (!Array.isArray(v)) throw new OciEncodeError(path, `expected a list of ${kind.struct.title}s`);
  return `[${v.map((item: unknown, i) => encodeStruct(kind.struct, item, `${path}[${i}]`)).join(',')}]`;
}

/** The zero value Go writes for a missing `always` member. */
function zeroValue(f: FieldSpec): string {
  if (typeof f.kind !== 'string') return f.kind.list ? '[]' : '{}';
  return f.kind === 'strings' || f.kind === 'digests' ? '[]' : '{}';
}

function encodeStruct(spec: StructSpec, value: unknown, path: string): string {
  if (!isObject(value)) throw new OciEncodeError(path || spec.title, `expected a ${spec.title} object`);
  const members: string[] = [];
  for (const f of spec.fields) {
    const v = value[f.name];
    const at = path === '' ? f.name : `${path}.${f.name}`;
    if (v === undefined || v === null) {
      if (f.presence === 'required') throw new OciEncodeError(at, `the ${spec.title} member is required`);
      if (f.presence === 'always') members.push(`${goJsonQuote(f.name)}:${zeroValue(f)}`);
      continue;
    }
    if (f.presence === 'omitempty' && isEmpty(v)) continue;
    members.push(`${goJsonQuote(f.name)}:${encodeField(f, v, at)}`);
  }
  return `{${members.join(',')}}`;
}

/** Canonical bytes of an image manifest (OCI or Docker schema 2). */
export function encodeManifest(manifest: ImageManifest): Buffer {
  return Buffer.from(encodeStruct(MANIFEST, manifest, ''), 'utf8');
}

/** Canonical bytes of an image index or manifest list. */
export function encodeIndex(index: ImageIndex): Buffer {
  return Buffer.from(encodeStruct(INDEX, index, ''), 'utf8');
}

/** Canonical bytes of an image config. */
export function encodeConfig(config: ImageConfig): Buffer {
  return Buffer.from(encodeStruct(IMAGE_CONFIG, config, ''), 'utf8');
}

/** Canonical bytes of a descriptor (an OCI layout `index.json` entry, a referrers entry). */
export function encodeDescriptor(descriptor: Descriptor): Buffer {
  return Buffer.from(encodeStruct(DESCRIPTOR, descriptor, ''), 'utf8');
}

/** Canonical bytes of the `oci-layout` file. */
export function encodeImageLayout(layout: ImageLayoutHeader): Buffer {
  return Buffer.from(encodeStruct(IMAGE_LAYOUT, layout, ''), 'utf8');
}

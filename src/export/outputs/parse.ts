/**
 * From buildx's exporter entries (`type`, `key=value` attributes, `dest`) to typed outputs, with
 * BuildKit's defaults: booleans given without a value mean true; `image` and `oci` default to OCI
 * media types and `docker` to Docker's (index and descriptor annotations force OCI ones, as
 * BuildKit does); outputs of images take the build's `-t` names when they have no `name`;
 * `dest=-` is the caller's stream (standard output for the CLI). Attributes BuildKit accepts
 * that have no effect here (`buildinfo`, `registry.insecure`, `attestation-prefix`, …) are
 * accepted; any other key is refused, so a typo never passes silently.
 */
import type { Writable } from 'node:stream';
import { checkCompressionLevel } from '../../layer/index.js';
import type { LayerCompression } from '../../oci/index.js';
import { parseReference, type Reference } from '../../registry/reference/index.js';
import { isAnnotationKey, NO_ANNOTATIONS, needsOciMediaTypes, parseAnnotationAttrs } from './annotations.js';
import { OutputAttributeError, OutputDestinationError } from './errors.js';
import type { Destination, ImageVariant, OutputSpec } from './types.js';

/** One `-o` entry as buildx parses it. */
export interface OutputEntry {
  readonly type: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly destination?: string;
}

/** What the build around the outputs supplies. */
export interface OutputParseContext {
  /** `-t` names, for image outputs without a `name` attribute. */
  readonly tags?: readonly string[];
  /** Where `dest=-` writes; without one, `-` is refused. */
  readonly stdout?: Writable;
}

const VARIANT_KEYS = [
  'oci-mediatypes',
  'compression',
  'compression-level',
  'force-compression',
  'rewrite-timestamp',
  'source-date-epoch',
];
/** Accepted for compatibility; nothing in Manifold depends on them. */
const INERT_KEYS = [
  'buildinfo',
  'buildinfo-attrs',
  'registry.insecure',
  'oci-artifact',
  'prefer-nondist-layers',
];

const KEYS: Readonly<Record<OutputSpec['type'], readonly string[]>> = {
  image: [
    'name',
    'push',
    'push-by-digest',
    'name-canonical',
    'store',
    'unpack',
    'dangling-name-prefix',
    ...VARIANT_KEYS,
    ...INERT_KEYS,
  ],
  oci: ['name', 'tar', ...VARIANT_KEYS, ...INERT_KEYS],
  docker: ['name', 'tar', 'context', ...VARIANT_KEYS, ...INERT_KEYS],
  local: ['platform-split', 'source-date-epoch', 'attestation-prefix'],
  tar: ['platform-split', 'source-date-epoch', 'attestation-prefix'],
  cacheonly: [],
};

/** Parses one exporter entry. @throws OutputAttributeError, OutputDestinationError */
export function parseOutput(entry: OutputEntry, context: OutputParseContext = {}): OutputSpec {
  const type = entry.type === 'registry' ? 'image' : entry.type;
  if (!Object.hasOwn(KEYS, type)) {
    throw new OutputAttributeError(
      `unknown output type "${entry.type}"`,
      'the types are image, registry, oci, docker, local, tar and cacheonly',
    );
  }
  const t = type as OutputSpec['type'];
  const attrs = entry.type === 'registry' ? { push: 'true', ...entry.attrs } : entry.attrs;
  checkKeys(t, attrs);
  const a = new Attrs(t, attrs);
  switch (t) {
    case 'cacheonly':
      return { type: 'cacheonly' };
    case 'local':
    case 'tar': {
      const dest = destination(t, entry.destination, context, t === 'tar');
      const split = a.bool('platform-split');
      const epoch = a.epoch();
      return {
        type: t,
        dest,
        ...(split === undefined ? {} : { platformSplit: split }),
        ...(epoch === undefined ? {} : { sourceDateEpoch: epoch }),
      };
    }
    case 'image':
      return imageOutput(a, attrs, context);
    case 'oci': {
      const tar = a.bool('tar') ?? true;
      const dest = destination('oci', entry.destination, context, tar);
      return { type: 'oci', dest, tar, names: a.names(context.tags), image: a.variant(true) };
    }
    case 'docker': {
      if (a.bool('tar') === false) {
        throw new OutputAttributeError(
          'the docker output is always a tar',
          'use -o type=oci,tar=false,dest=DIR',
        );
      }
      const names = a.names(context.tags);
      const image = a.variant(false);
      if (entry.destination === undefined) return { type: 'docker', names, image };
      return { type: 'docker', dest: destination('docker', entry.destination, context, true), names, image };
    }
  }
}

function imageOutput(
  a: Attrs,
  attrs: Readonly<Record<string, string>>,
  context: OutputParseContext,
): OutputSpec {
  const push = a.bool('push') ?? false;
  const names = a.names(context.tags);
  if (push && names.length === 0) {
    throw new OutputAttributeError(
      'pushing needs an image name',
      'name the image with -t REGISTRY/NAME:TAG, or -o type=image,name=REGISTRY/NAME:TAG,push=true',
    );
  }
  const prefix = attrs['dangling-name-prefix'];
  return {
    type: 'image',
    names,
    push,
    pushByDigest: a.bool('push-by-digest') ?? false,
    nameCanonical: a.bool('name-canonical') ?? false,
    store: a.bool('store') ?? true,
    unpack: a.bool('unpack') ?? false,
    ...(prefix ? { danglingNamePrefix: prefix } : {}),
    image: a.variant(true),
  };
}

function checkKeys(type: OutputSpec['type'], attrs: Readonly<Record<string, string>>): void {
  const known = KEYS[type];
  const annotationsAllowed = type === 'image' || type === 'oci' || type === 'docker';
  for (const key of Object.keys(attrs)) {
    if (known.includes(key) || (annotationsAllowed && isAnnotationKey(key))) continue;
    throw new OutputAttributeError(
      `unknown attribute "${key}" for the ${type} output`,
      known.length
        ? `the ${type} output takes ${[...known, ...(annotationsAllowed ? ['annotation.*'] : [])].join(', ')}`
        : `the ${type} output takes no attributes`,
    );
  }
}

function destination(
  type: string,
  dest: string | undefined,
  context: OutputParseContext,
  streamable: boolean,
): Destination {
  if (dest === undefined || dest === '') {
    throw new OutputDestinationError(
      `the ${type} output needs a destination`,
      type === 'local'
        ? 'write -o type=local,dest=DIR'
        : `write -o type=${type},dest=FILE (or dest=- for standard output)`,
    );
  }
  if (dest !== '-') return dest;
  if (!streamable) {
    throw new OutputDestinationError(
      `the ${type} output writes a directory, not a stream: dest=- is not possible`,
      type === 'local'
        ? 'use -o type=tar,dest=- for a tar on standard output'
        : 'give a directory with dest=DIR',
    );
  }
  if (context.stdout === undefined) {
    throw new OutputDestinationError(
      `the ${type} output cannot write to standard output here`,
      'redirect standard output to a file or a pipe, or give dest=FILE',
    );
  }
  return context.stdout;
}

const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);
const COMPRESSIONS: readonly LayerCompression[] = ['gzip', 'zstd', 'uncompressed'];

/** Typed reads of one entry's attributes. */
class Attrs {
  constructor(
    private readonly type: string,
    private readonly attrs: Readonly<Record<string, string>>,
  ) {}

  /** Go's ParseBool; an empty value is true; absent is undefined. */
  bool(key: string): boolean | undefined {
    const v = this.attrs[key];
    if (v === undefined) return undefined;
    if (v === '' || TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    throw new OutputAttributeError(
      `${key}=${v} is not a boolean (${this.type} output)`,
      `write ${key}=true or ${key}=false`,
    );
  }

  names(tags: readonly string[] | undefined): Reference[] {
    const text = this.attrs.name;
    const list = text === undefined ? [...(tags ?? [])] : text.split(',').filter((n) => n.trim() !== '');
    return list.map((n) => parseReference(n.trim()));
  }

  epoch(): number | undefined {
    const v = this.attrs['source-date-epoch'];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) {
      throw new OutputAttributeError(
        `source-date-epoch=${v} is not a whole number of seconds`,
        'write source-date-epoch=$(git log -1 --format=%ct)',
      );
    }
    return n;
  }

  variant(ociDefault: boolean): ImageVariant {
    const given = this.attrs.compression;
    if (given !== undefined && !COMPRESSIONS.includes(given as LayerCompression)) {
      throw new OutputAttributeError(
        `unsupported layer compression "${given}"`,
        'write compression=gzip, compression=zstd or compression=uncompressed',
      );
    }
    const compression = given as LayerCompression | undefined;
    const levelText = this.attrs['compression-level'];
    const level = levelText === undefined || levelText === '' ? undefined : Number(levelText);
    if (level !== undefined) {
      try {
        checkCompressionLevel(compression ?? 'gzip', Number.isNaN(level) ? -1 : level);
      } catch (err) {
        throw new OutputAttributeError(
          `compression-level=${levelText}: ${(err as Error).message}`,
          'gzip levels are 0 to 9, zstd levels 0 to 22',
        );
      }
    }
    const force = this.bool('force-compression');
    const annotations = parseAnnotationAttrs(this.attrs);
    const epoch = this.epoch();
    return {
      ociMediaTypes: (this.bool('oci-mediatypes') ?? ociDefault) || needsOciMediaTypes(annotations),
      ...(compression === undefined ? {} : { compression }),
      ...(level === undefined || compression === 'uncompressed' ? {} : { compressionLevel: level }),
      ...(force === undefined ? {} : { forceCompression: force }),
      rewriteTimestamp: this.bool('rewrite-timestamp') ?? false,
      ...(epoch === undefined ? {} : { sourceDateEpoch: epoch }),
      annotations,
    };
  }
}

/** The image output of a build given only `-t`, `--push` and `--load` (no `-o`). */
export function defaultImageOutput(options: {
  readonly names: readonly Reference[];
  readonly push: boolean;
  readonly store: boolean;
  readonly ociMediaTypes: boolean;
}): OutputSpec {
  return {
    type: 'image',
    names: options.names,
    push: options.push,
    pushByDigest: false,
    nameCanonical: false,
    store: options.store,
    unpack: false,
    image: { ociMediaTypes: options.ociMediaTypes, rewriteTimestamp: false, annotations: NO_ANNOTATIONS },
  };
}

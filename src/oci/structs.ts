/**
 * The layouts of the OCI and Docker JSON documents, written once and shared by the decoder and
 * the canonical encoder: member names, value kinds, order, and how absence is handled.
 *
 * The order is the declaration order of the Go structs that BuildKit, containerd and
 * go-containerregistry marshal (image-spec `specs-go/v1`, with BuildKit's Docker extensions to
 * the container config appended: `Healthcheck`, `OnBuild`, `Shell`). Presence follows Go's tags:
 * - `required`: must be present to decode; always written (an encoder error when missing).
 * - `omitempty`: written only when non-empty ("" / 0 / false / [] / {} are left out).
 * - `always`: optional to decode, always written (a missing list as `[]`, a missing object as `{}`).
 */

/** How a member's value is represented. */
export type FieldKind =
  | 'string'
  | 'int'
  | 'bool'
  | 'digest'
  | 'time'
  | 'base64'
  | 'strings'
  | 'digests'
  | 'stringMap'
  | 'set'
  | StructRef;

/** A nested object (`list: false`) or list of objects (`list: true`) of a known layout. */
export interface StructRef {
  readonly struct: StructSpec;
  readonly list: boolean;
}

/** Presence rule of a member (see the module comment). */
export type Presence = 'required' | 'omitempty' | 'always';

/** One member of a layout. */
export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  readonly presence: Presence;
  /** Allowed values of a string member, if restricted. */
  readonly oneOf?: readonly string[];
}

/** The layout of one JSON object. */
export interface StructSpec {
  /** What the object is, for messages ("descriptor", "image config"). */
  readonly title: string;
  readonly fields: readonly FieldSpec[];
}

function field(name: string, kind: FieldKind, presence: Presence, oneOf?: readonly string[]): FieldSpec {
  return oneOf === undefined ? { name, kind, presence } : { name, kind, presence, oneOf };
}

const one = (struct: StructSpec): StructRef => ({ struct, list: false });
const many = (struct: StructSpec): StructRef => ({ struct, list: true });

/** image-spec `Platform`. */
export const PLATFORM: StructSpec = {
  title: 'platform',
  fields: [
    field('architecture', 'string', 'required'),
    field('os', 'string', 'required'),
    field('os.version', 'string', 'omitempty'),
    field('os.features', 'strings', 'omitempty'),
    field('variant', 'string', 'omitempty'),
  ],
};

/** image-spec `Descriptor`. */
export const DESCRIPTOR: StructSpec = {
  title: 'descriptor',
  fields: [
    field('mediaType', 'string', 'required'),
    field('digest', 'digest', 'required'),
    field('size', 'int', 'required'),
    field('urls', 'strings', 'omitempty'),
    field('annotations', 'stringMap', 'omitempty'),
    field('data', 'base64', 'omitempty'),
    field('platform', one(PLATFORM), 'omitempty'),
    field('artifactType', 'string', 'omitempty'),
  ],
};

/** image-spec `Manifest` (also Docker schema 2, whose members are a subset in the same order). */
export const MANIFEST: StructSpec = {
  title: 'image manifest',
  fields: [
    field('schemaVersion', 'int', 'required'),
    field('mediaType', 'string', 'omitempty'),
    field('artifactType', 'string', 'omitempty'),
    field('config', one(DESCRIPTOR), 'required'),
    field('layers', many(DESCRIPTOR), 'required'),
    field('subject', one(DESCRIPTOR), 'omitempty'),
    field('annotations', 'stringMap', 'omitempty'),
  ],
};

/** image-spec `Index` (also Docker's manifest list). */
export const INDEX: StructSpec = {
  title: 'image index',
  fields: [
    field('schemaVersion', 'int', 'required'),
    field('mediaType', 'string', 'omitempty'),
    field('artifactType', 'string', 'omitempty'),
    field('manifests', many(DESCRIPTOR), 'required'),
    field('subject', one(DESCRIPTOR), 'omitempty'),
    field('annotations', 'stringMap', 'omitempty'),
  ],
};

/** Docker `HealthcheckConfig`. */
export const HEALTHCHECK: StructSpec = {
  title: 'healthcheck',
  fields: [
    field('Test', 'strings', 'omitempty'),
    field('Interval', 'int', 'omitempty'),
    field('Timeout', 'int', 'omitempty'),
    field('StartPeriod', 'int', 'omitempty'),
    field('StartInterval', 'int', 'omitempty'),
    field('Retries', 'int', 'omitempty'),
  ],
};

/** image-spec `ImageConfig` plus BuildKit's Docker extensions. */
export const CONTAINER_CONFIG: StructSpec = {
  title: 'container config',
  fields: [
    field('User', 'string', 'omitempty'),
    field('ExposedPorts', 'set', 'omitempty'),
    field('Env', 'strings', 'omitempty'),
    field('Entrypoint', 'strings', 'omitempty'),
    field('Cmd', 'strings', 'omitempty'),
    field('Volumes', 'set', 'omitempty'),
    field('WorkingDir', 'string', 'omitempty'),
    field('Labels', 'stringMap', 'omitempty'),
    field('StopSignal', 'string', 'omitempty'),
    field('ArgsEscaped', 'bool', 'omitempty'),
    field('Healthcheck', one(HEALTHCHECK), 'omitempty'),
    field('OnBuild', 'strings', 'omitempty'),
    field('Shell', 'strings', 'omitempty'),
  ],
};

/** image-spec `RootFS` (Go declares `type` before `diff_ids`). */
export const ROOTFS: StructSpec = {
  title: 'rootfs',
  fields: [field('type', 'string', 'required', ['layers']), field('diff_ids', 'digests', 'always')],
};

/** image-spec `History`. */
export const HISTORY: StructSpec = {
  title: 'history entry',
  fields: [
    field('created', 'time', 'omitempty'),
    field('created_by', 'string', 'omitempty'),
    field('author', 'string', 'omitempty'),
    field('comment', 'string', 'omitempty'),
    field('empty_layer', 'bool', 'omitempty'),
  ],
};

/** image-spec `Image` with its embedded `Platform` inlined where Go puts it. */
export const IMAGE_CONFIG: StructSpec = {
  title: 'image config',
  fields: [
    field('created', 'time', 'omitempty'),
    field('author', 'string', 'omitempty'),
    field('architecture', 'string', 'required'),
    field('os', 'string', 'required'),
    field('os.version', 'string', 'omitempty'),
    field('os.features', 'strings', 'omitempty'),
    field('variant', 'string', 'omitempty'),
    field('config', one(CONTAINER_CONFIG), 'always'),
    field('rootfs', one(ROOTFS), 'required'),
    field('history', many(HISTORY), 'omitempty'),
  ],
};

/** The `oci-layout` file. */
export const IMAGE_LAYOUT: StructSpec = {
  title: 'oci-layout file',
  fields: [field('imageLayoutVersion', 'string', 'required')],
};

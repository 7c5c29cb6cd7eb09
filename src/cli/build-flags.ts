/**
 * The flags of `manifold build`, read as `docker buildx build` reads them, into one typed
 * {@link BuildCliOptions} ({@link buildOptionsFromFlags}, pure): `--build-arg NAME` takes NAME from
 * the environment; `--platform` takes comma lists (default `DOCKER_DEFAULT_PLATFORM`); `-o`
 * takes CSV export specs or a bare directory (`-` is a tar on stdout); `--push` sets `push=true`
 * on image exports or adds one, `--load` adds a docker export; `--call` is
 * `NAME[,format=json|text][,ignorestatus=true]`, with `check` (alias `lint`), `outline`,
 * `targets` or `build`, and `--check` is shorthand for `--call=check`; `-q` means progress
 * `quiet` and conflicts with any other progress mode.
 */
import path from 'node:path';
import { ManifoldError } from '../errors/index.js';
import { splitCsvRecord } from '../gofmt/index.js';
import { type Platform, parsePlatformList } from '../platform/index.js';

/** `--call`: what to do instead of (or as) a build. */
export interface CallFunction {
  readonly name: 'build' | 'check' | 'outline' | 'targets';
  readonly format: 'text' | 'json';
  /** Exit 0 even when a check found warnings. */
  readonly ignoreStatus: boolean;
}

/** One `-o` export, as buildx parses it (`registry` is `image` with `push=true`). */
export interface ExportEntry {
  readonly type: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly destination?: string;
}

/** One `--secret`: an id read from a file (`src`) or an environment variable (`env`). */
export interface SecretSpec {
  readonly id: string;
  readonly source?: string;
  readonly env?: string;
}

/** Progress output modes buildx accepts. */
export type ProgressMode = 'auto' | 'plain' | 'tty' | 'quiet' | 'rawjson';

/** Every flag of `manifold build`, resolved. */
export interface BuildCliOptions {
  readonly contextPath: string;
  /** `-f` as given (`-` is standard input); undefined means `<context>/Dockerfile`. */
  readonly dockerfile?: string;
  /** How messages name the Dockerfile: the `-f` path, or `<context>/Dockerfile`. */
  readonly dockerfileDisplayName: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly platforms: readonly Platform[];
  readonly target?: string;
  readonly tags: readonly string[];
  readonly call: CallFunction;
  readonly progress: ProgressMode;
  readonly quiet: boolean;
  readonly noCache: boolean;
  readonly noCacheFilter: readonly string[];
  readonly pull: boolean;
  readonly push: boolean;
  readonly load: boolean;
  /** `-o` exports, with `--push` and `--load` applied. */
  readonly exports: readonly ExportEntry[];
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: readonly string[];
  readonly buildContexts: Readonly<Record<string, string>>;
  readonly secrets: readonly SecretSpec[];
  readonly metadataFile?: string;
  readonly iidFile?: string;
  /** `--builder`: the builder instance (else MANIFOLD_BUILDER, else the current one). */
  readonly builder?: string;
}

/** The flags as commander gives them (repeatable flags as arrays). */
export interface BuildFlags {
  readonly file?: string;
  readonly buildArg: readonly string[];
  readonly platform: readonly string[];
  readonly target?: string;
  readonly tag: readonly string[];
  readonly call: string;
  readonly check?: boolean;
  readonly progress: string;
  /** false when `--no-cache` was given. */
  readonly cache: boolean;
  readonly push?: boolean;
  readonly load?: boolean;
  readonly output: readonly string[];
  readonly label: readonly string[];
  readonly annotation: readonly string[];
  readonly buildContext: readonly string[];
  readonly secret: readonly string[];
  /** `--no-cache-filter` values. */
  readonly cacheFilter: readonly string[];
  readonly pull?: boolean;
  readonly metadataFile?: string;
  readonly iidfile?: string;
  readonly builder?: string;
  readonly quiet?: boolean;
}

function flagError(message: string, hint?: string): ManifoldError {
  return new ManifoldError('E_BUILD_FLAG', message, hint === undefined ? {} : { hint });
}

/** buildx's `listToMap`: `K=V` pairs; a bare `K` reads the environment (build args) or is empty. */
function keyValues(values: readonly string[], env: Readonly<Record<string, string | undefined>> | undefined) {
  const out: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const key = eq < 0 ? value : value.slice(0, eq);
    if (key === '') throw flagError(`invalid key-value pair "${value}": empty key`, 'write NAME=VALUE');
    if (eq >= 0) out[key] = value.slice(eq + 1);
    else if (!env) out[key] = '';
    else if (env[key] !== undefined) out[key] = env[key] as string;
  }
  return out;
}

const CALL_NAMES: Readonly<Record<string, CallFunction['name']>> = {
  build: 'build',
  check: 'check',
  lint: 'check',
  outline: 'outline',
  targets: 'targets',
};

/** buildx's `ParseCallFunc`, limited to the functions Manifold has. */
export function parseCallFunction(text: string): CallFunction {
  let name = '';
  let format: CallFunction['format'] = 'text';
  let ignoreStatus = false;
  for (const field of splitCsvRecord(text)) {
    const eq = field.indexOf('=');
    if (eq < 0) {
      if (name !== '') throw flagError(`invalid print value: ${text}`);
      name = field;
      continue;
    }
    const [key, value] = [field.slice(0, eq), field.slice(eq + 1)];
    if (key === 'format') {
      if (value !== 'json' && value !== 'text') {
        throw flagError(
          `unsupported call format "${value}"`,
          'write --call=NAME,format=json (or format=text)',
        );
      }
      format = value;
    } else if (key === 'ignorestatus') {
      if (!['true', 'false', '1', '0'].includes(value))
        throw flagError(`invalid ignorestatus print value: ${value}`);
      ignoreStatus = value === 'true' || value === '1';
    } else throw flagError(`invalid print field: ${field}`);
  }
  const known = CALL_NAMES[name || 'build'];
  if (!known) {
    throw flagError(`unsupported call function "${name}"`, 'use --call=build, check, outline or targets');
  }
  return { name: known, format, ignoreStatus };
}

/** buildx's `ParseExports` for one `-o` value. */
export function parseExport(spec: string): ExportEntry {
  const fields = splitCsvRecord(spec);
  if (fields.length === 1 && fields[0] === spec && !spec.startsWith('type=')) {
    return spec === '-'
      ? { type: 'tar', attrs: {}, destination: '-' }
      : { type: 'local', attrs: {}, destination: spec };
  }
  let type = '';
  const attrs: Record<string, string> = {};
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq < 0) throw flagError(`invalid value ${field}`, 'write -o type=TYPE,KEY=VALUE or -o DIRECTORY');
    const key = field.slice(0, eq).trim().toLowerCase();
    if (key === 'type') type = field.slice(eq + 1);
    else attrs[key] = field.slice(eq + 1);
  }
  if (type === '')
    throw flagError('type is required for output', `write -o type=local,dest=DIR (got "${spec}")`);
  if (type === 'registry') {
    type = 'image';
    attrs.push ??= 'true';
  }
  const { dest, ...rest } = attrs;
  return dest === undefined ? { type, attrs: rest } : { type, attrs: rest, destination: dest };
}

/** `--push` sets push=true on image exports (or adds one); `--load` adds a docker export. */
function applyPushLoad(exports: ExportEntry[], push: boolean, load: boolean): ExportEntry[] {
  let out = exports;
  if (push) {
    const hasImage = out.some((e) => e.type === 'image');
    out = hasImage
      ? out.map((e) => (e.type === 'image' ? { ...e, attrs: { ...e.attrs, push: 'true' } } : e))
      : [...out, { type: 'image', attrs: { push: 'true' } }];
  }
  if (load && !out.some((e) => e.type === 'docker' && e.destination === undefined)) {
    out = [...out, { type: 'docker', attrs: {} }];
  }
  return out;
}

/** buildx's `--secret` parser. */
export function parseSecret(spec: string): SecretSpec {
  let type = '';
  let id = '';
  let source: string | undefined;
  let env: string | undefined;
  for (const field of splitCsvRecord(spec)) {
    const eq = field.indexOf('=');
    if (eq < 0)
      throw flagError(`invalid field '${field}' must be a key=value pair`, 'write --secret id=NAME,src=FILE');
    const key = field.slice(0, eq).toLowerCase();
    const value = field.slice(eq + 1);
    if (key === 'type') {
      if (value !== 'file' && value !== 'env') throw flagError(`unsupported secret type "${value}"`);
      type = value;
    } else if (key === 'id') id = value;
    else if (key === 'source' || key === 'src') source = value;
    else if (key === 'env') env = value;
    else throw flagError(`unexpected key '${key}' in '${field}'`);
  }
  if (type === 'env' && env === undefined) [env, source] = [source, undefined];
  return { id, ...(source === undefined ? {} : { source }), ...(env === undefined ? {} : { env }) };
}

const PROGRESS_MODES = new Set<string>(['auto', 'plain', 'tty', 'quiet', 'rawjson']);

function progressMode(flags: BuildFlags): ProgressMode {
  if (!PROGRESS_MODES.has(flags.progress)) {
    throw flagError(`invalid progress mode "${flags.progress}"`, 'use auto, plain, tty, quiet or rawjson');
  }
  if (!flags.quiet) return flags.progress as ProgressMode;
  if (flags.progress !== 'auto' && flags.progress !== 'quiet') {
    throw flagError(`progress=${flags.progress} and quiet cannot be used together`);
  }
  return 'quiet';
}

/**
 * Maps the flags of `manifold build` to typed options, with buildx's defaults and checks.
 * `env` supplies bare `--build-arg NAME` values, `DOCKER_DEFAULT_PLATFORM` and `SOURCE_DATE_EPOCH`.
 */
export function buildOptionsFromFlags(
  contextPath: string,
  flags: BuildFlags,
  env: Readonly<Record<string, string | undefined>> = {},
): BuildCliOptions {
  const buildArgs = keyValues(flags.buildArg, env);
  if (env.SOURCE_DATE_EPOCH !== undefined && buildArgs.SOURCE_DATE_EPOCH === undefined) {
    buildArgs.SOURCE_DATE_EPOCH = env.SOURCE_DATE_EPOCH;
  }
  const platformSpecs = flags.platform.length
    ? flags.platform
    : env.DOCKER_DEFAULT_PLATFORM
      ? [env.DOCKER_DEFAULT_PLATFORM]
      : [];
  const exports = applyPushLoad(flags.output.map(parseExport), flags.push ?? false, flags.load ?? false);
  if (flags.iidfile && exports.some((e) => e.type === 'local' || e.type === 'tar')) {
    throw flagError('local and tar exporters are incompatible with image ID file');
  }
  const buildContexts: Record<string, string> = {};
  for (const value of flags.buildContext) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw flagError(`invalid context value: ${value}, expected key=value`);
    buildContexts[value.slice(0, eq)] = value.slice(eq + 1);
  }
  const file = flags.file;
  const displayName =
    file === undefined ? path.join(contextPath, 'Dockerfile') : file === '-' ? 'stdin' : file;
  return {
    contextPath,
    ...(file === undefined ? {} : { dockerfile: file }),
    dockerfileDisplayName: displayName,
    buildArgs,
    platforms: parsePlatformList(platformSpecs),
    ...(flags.target === undefined ? {} : { target: flags.target }),
    tags: [...flags.tag],
    call: parseCallFunction(flags.check ? 'check' : flags.call),
    progress: progressMode(flags),
    quiet: flags.quiet ?? false,
    noCache: !flags.cache,
    noCacheFilter: [...flags.cacheFilter],
    pull: flags.pull ?? false,
    push: flags.push ?? false,
    load: flags.load ?? false,
    exports,
    labels: keyValues(flags.label, undefined),
    annotations: [...flags.annotation],
    buildContexts,
    secrets: flags.secret.map(parseSecret),
    ...(flags.metadataFile === undefined ? {} : { metadataFile: flags.metadataFile }),
    ...(flags.iidfile === undefined ? {} : { iidFile: flags.iidfile }),
    ...(flags.builder === undefined ? {} : { builder: flags.builder }),
  };
}

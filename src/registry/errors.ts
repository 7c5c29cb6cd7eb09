/**
 * Errors of the distribution client.
 *
 * `RegistryError` is anything a registry (or the road to it) answered that the client could not
 * use: an HTTP status with the registry's own diagnostics (`{code, message, detail}` from the
 * error body), or a connection-level failure (refused, reset, TLS trouble, plain HTTP on an
 * HTTPS port). It carries a `temporary` flag that the retry policy reads. Content that does not
 * hash to its digest is a `DigestMismatchError`; content of the wrong length a
 * `SizeMismatchError`. Configuration problems (buildkitd.toml, config.json, credential helpers)
 * have their own classes, so the CLI can point at the file to fix.
 */
import { ManifoldError, type ManifoldErrorOptions } from '../errors/index.js';
import { DigestMismatchError, SizeMismatchError } from '../oci/index.js';

/** One entry of a registry error body (`{"errors":[{code,message,detail}]}`). */
export interface RegistryDiagnostic {
  /** Upper-case code from the distribution spec, such as `MANIFEST_UNKNOWN` or `DENIED`. */
  readonly code: string;
  /** The registry's message, as sent. */
  readonly message: string;
  /** Free-form detail the registry attached, if any. */
  readonly detail?: unknown;
}

/** Stable codes of `RegistryError`. */
export type RegistryErrorCode =
  | 'E_REGISTRY_UNAUTHORIZED'
  | 'E_REGISTRY_DENIED'
  | 'E_REGISTRY_NOT_FOUND'
  | 'E_REGISTRY_RATE_LIMITED'
  | 'E_REGISTRY_STATUS'
  | 'E_REGISTRY_UNREACHABLE'
  | 'E_REGISTRY_CONNECTION'
  | 'E_REGISTRY_HTTP_ONLY'
  | 'E_REGISTRY_HTTPS_ONLY'
  | 'E_REGISTRY_TLS_UNTRUSTED'
  | 'E_REGISTRY_PROTOCOL';

/** What a `RegistryError` is made from. */
export interface RegistryErrorInit extends ManifoldErrorOptions {
  /** The registry host the request went to (`127.0.0.1:5000`, `registry-1.docker.io`). */
  readonly registry: string;
  /** HTTP status, when the registry answered. */
  readonly status?: number;
  /** Parsed error body entries. */
  readonly diagnostics?: readonly RegistryDiagnostic[];
  /** Whether trying again may succeed; computed from status and codes when omitted. */
  readonly temporary?: boolean;
  /** Request method and redacted URL, for the message. */
  readonly method?: string;
  readonly url?: string;
}

/** Diagnostic codes that do not make an error permanent (go-containerregistry's list). */
const TEMPORARY_CODES = new Set(['BLOB_UPLOAD_INVALID', 'TOOMANYREQUESTS', 'UNKNOWN', 'UNAVAILABLE']);
/** Statuses that are temporary when the body carries no diagnostics. */
const TEMPORARY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Whether an error answer is worth retrying: with diagnostics, only when every code is a
 * temporary one; without, when the status is 408, 429, 500, 502, 503 or 504.
 */
export function isTemporaryAnswer(
  status: number | undefined,
  diagnostics: readonly RegistryDiagnostic[],
): boolean {
  if (diagnostics.length > 0) return diagnostics.every((d) => TEMPORARY_CODES.has(d.code));
  return status !== undefined && TEMPORARY_STATUSES.has(status);
}

/** A failed exchange with a registry (see the module comment). */
export class RegistryError extends ManifoldError {
  /** The registry host the request went to. */
  readonly registry: string;
  /** HTTP status, or undefined for connection-level failures. */
  readonly status: number | undefined;
  /** The registry's error body entries (may be empty). */
  readonly diagnostics: readonly RegistryDiagnostic[];
  /** Whether trying again may succeed. */
  readonly temporary: boolean;
  /** Redacted URL of the failed request, if known. */
  readonly url: string | undefined;

  constructor(code: RegistryErrorCode, message: string, init: RegistryErrorInit) {
    super(code, message, { hint: init.hint, cause: init.cause });
    this.name = 'RegistryError';
    this.registry = init.registry;
    this.status = init.status;
    this.diagnostics = init.diagnostics ?? [];
    this.temporary = init.temporary ?? isTemporaryAnswer(init.status, this.diagnostics);
    this.url = init.url;
  }

  /** The registry's diagnostic codes, in order. */
  get codes(): readonly string[] {
    return this.diagnostics.map((d) => d.code);
  }
}

/** True for a `RegistryError`, also across two copies of the package. */
export function isRegistryError(err: unknown): err is RegistryError {
  return err instanceof RegistryError || (err instanceof Error && err.name === 'RegistryError');
}

/**
 * The content-check errors are the OCI model's (one class each, shared with the content store);
 * the client throws them with its own codes and hints through the two functions below.
 */
export { DigestMismatchError, SizeMismatchError } from '../oci/index.js';

/** Content whose digest is not the one asked for (`E_REGISTRY_DIGEST_MISMATCH`). */
export function registryDigestMismatch(
  what: string,
  expected: string,
  actual: string,
  options: ManifoldErrorOptions = {},
): DigestMismatchError {
  return new DigestMismatchError(what, expected, actual, {
    code: 'E_REGISTRY_DIGEST_MISMATCH',
    hint:
      options.hint ??
      'the content does not match its digest: nothing was kept; if it repeats, the registry (or a proxy in between) is serving corrupt data',
    cause: options.cause,
  });
}

/** Content of another length than its descriptor says (`E_REGISTRY_SIZE_MISMATCH`); `actual` -1 is "more". */
export function registrySizeMismatch(
  what: string,
  expected: number,
  actual: number,
  options: ManifoldErrorOptions = {},
): SizeMismatchError {
  return new SizeMismatchError(what, expected, actual, {
    code: 'E_REGISTRY_SIZE_MISMATCH',
    hint: options.hint ?? 'the descriptor and the content disagree; nothing was kept',
    cause: options.cause,
  });
}

/** A registry host configuration (buildkitd.toml) that cannot be used (`E_REGISTRY_HOSTS_CONFIG`). */
export class HostsConfigError extends ManifoldError {
  /** The file at fault, when there is one. */
  readonly file: string | undefined;
  /** 1-based line of the problem, when known. */
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(
    message: string,
    where: { file?: string; line?: number; column?: number } = {},
    options: ManifoldErrorOptions = {},
  ) {
    const at =
      where.file === undefined
        ? ''
        : `${where.file}${where.line === undefined ? '' : `:${where.line}${where.column === undefined ? '' : `:${where.column}`}`}: `;
    super('E_REGISTRY_HOSTS_CONFIG', `${at}${message}`, {
      hint:
        options.hint ??
        'registry tables look like [registry."host:port"] with mirrors = [..], http = true|false, insecure = true|false, ca = [..] and [[registry."host".keypair]] key/cert',
      cause: options.cause,
    });
    this.name = 'HostsConfigError';
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

/** Docker credentials that cannot be read: a broken config.json or a failing helper (`E_REGISTRY_CREDENTIALS`). */
export class CredentialsError extends ManifoldError {
  constructor(message: string, options: ManifoldErrorOptions = {}) {
    super('E_REGISTRY_CREDENTIALS', message, options);
    this.name = 'CredentialsError';
  }
}

/**
 * Errors of the file op executor. Each class has one stable code; messages quote the path as the
 * Dockerfile wrote it (or as it reads inside the image, `/etc/x`), state the rule, and the hint
 * says what to do. Host paths of snapshot directories never appear in a message.
 */
import { ManifoldError, type ManifoldErrorOptions } from '../../errors/index.js';

/** A COPY/ADD source path that does not exist in its context or stage (`E_FILEOP_SOURCE_NOT_FOUND`). */
export class SourceNotFoundError extends ManifoldError {
  /** The missing path, absolute inside the source (`/src/app.js`). */
  readonly path: string;
  constructor(path: string, where: string, local: boolean) {
    super('E_FILEOP_SOURCE_NOT_FOUND', `failed to compute cache key: "${path}" not found in ${where}`, {
      hint: local
        ? `source paths are relative to the root of ${where}; check the path, and check that no .dockerignore pattern excludes it`
        : `check the path, and that an earlier step of ${where} creates it`,
    });
    this.name = 'SourceNotFoundError';
    this.path = path;
  }
}

/** A wildcard source that matches nothing while empty matches are not allowed (`E_FILEOP_NO_SOURCE_FILES`). */
export class NoSourceFilesError extends ManifoldError {
  /** The pattern as written. */
  readonly pattern: string;
  constructor(pattern: string, where: string) {
    super(
      'E_FILEOP_NO_SOURCE_FILES',
      `no source files were specified: the pattern "${pattern}" matches nothing in ${where}`,
      { hint: 'check the pattern; files excluded by .dockerignore or --exclude do not match' },
    );
    this.name = 'NoSourceFilesError';
    this.pattern = pattern;
  }
}

/** A destination that cannot take what is copied or made there (`E_FILEOP_DESTINATION`). */
export class DestinationError extends ManifoldError {
  /** The destination path inside the image. */
  readonly path: string;
  constructor(path: string, rule: string, options: ManifoldErrorOptions = {}) {
    super('E_FILEOP_DESTINATION', rule, options);
    this.name = 'DestinationError';
    this.path = path;
  }
}

/** A `--chown` value that cannot be resolved to numeric ids (`E_FILEOP_CHOWN`). */
export class ChownError extends ManifoldError {
  constructor(message: string, options: ManifoldErrorOptions = {}) {
    super('E_FILEOP_CHOWN', message, options);
    this.name = 'ChownError';
  }
}

/** A `--chmod` value that is neither octal nor a chmod(1) symbolic mode (`E_FILEOP_CHMOD`). */
export class ChmodError extends ManifoldError {
  /** The value as written. */
  readonly value: string;
  constructor(value: string, rule: string) {
    super('E_FILEOP_CHMOD', `invalid chmod parameter "${value}": ${rule}`, {
      hint: 'write an octal mode from 0 to 7777 (755, 0644) or a symbolic mode such as u+x or a=rX,u+w',
    });
    this.name = 'ChmodError';
    this.value = value;
  }
}

/** A mkdir/mkfile/rm path that is missing or of the wrong kind (`E_FILEOP_PATH`). */
export class FileActionPathError extends ManifoldError {
  /** The path inside the image. */
  readonly path: string;
  constructor(path: string, message: string, options: ManifoldErrorOptions = {}) {
    super('E_FILEOP_PATH', message, options);
    this.name = 'FileActionPathError';
    this.path = path;
  }
}

/** A file system call that failed for a reason other than the rules above (`E_FILEOP_IO`). */
export class FileOpIoError extends ManifoldError {
  constructor(what: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super('E_FILEOP_IO', `${what}: ${code ?? (cause instanceof Error ? cause.message : String(cause))}`, {
      cause,
    });
    this.name = 'FileOpIoError';
  }
}

/** A copy whose source input the engine did not provide (`E_FILEOP_NO_INPUT`); a bug in the caller. */
export class MissingInputError extends ManifoldError {
  constructor(input: number) {
    super('E_FILEOP_NO_INPUT', `the file op reads input ${input}, but no source root was given for it`, {
      hint: 'this is a bug in the engine: every copy source input must be mounted before the file op runs',
    });
    this.name = 'MissingInputError';
  }
}

/** An archive (ADD) that cannot be decompressed (`E_FILEOP_ARCHIVE`). */
export class ArchiveError extends ManifoldError {
  constructor(message: string, options: ManifoldErrorOptions = {}) {
    super('E_FILEOP_ARCHIVE', message, options);
    this.name = 'ArchiveError';
  }
}

/**
 * Errors of the layer module: tar archives that cannot be read or written, layers that try to
 * leave their root, malformed whiteouts, unsupported compression and missing system helpers.
 * Each class has one stable code; messages quote the offending name and state the rule.
 */
import { ManifoldError, type ManifoldErrorOptions } from '../errors/index.js';

/** A tar stream whose bytes break the format: bad checksum, bad field, oversized PAX data (`E_TAR_CORRUPT`). */
export class TarFormatError extends ManifoldError {
  /** Byte offset of the header block where the problem was found. */
  readonly offset: number;
  constructor(offset: number, rule: string, options: ManifoldErrorOptions = {}) {
    super('E_TAR_CORRUPT', `corrupt tar archive at byte ${offset}: ${rule}`, {
      hint: options.hint ?? 'the layer or archive is damaged or not a tar file; fetch or build it again',
      cause: options.cause,
    });
    this.name = 'TarFormatError';
    this.offset = offset;
  }
}

/** A tar stream that ends in the middle of a header or of an entry's data (`E_TAR_TRUNCATED`). */
export class TarTruncatedError extends ManifoldError {
  /** Byte offset at which the stream ended. */
  readonly offset: number;
  constructor(offset: number, what: string) {
    super('E_TAR_TRUNCATED', `tar archive ends early at byte ${offset}: ${what}`, {
      hint: 'the download or the file was cut short; fetch it again',
    });
    this.name = 'TarTruncatedError';
    this.offset = offset;
  }
}

/** An entry the tar writer cannot encode, or whose body does not match its declared size (`E_TAR_WRITE`). */
export class TarWriteError extends ManifoldError {
  constructor(name: string, rule: string, options: ManifoldErrorOptions = {}) {
    super('E_TAR_WRITE', `cannot write tar entry ${JSON.stringify(name)}: ${rule}`, options);
    this.name = 'TarWriteError';
  }
}

/** An entry name or a destination that leaves the extraction root (`E_LAYER_PATH_ESCAPE`). */
export class PathEscapeError extends ManifoldError {
  /** The name as written in the archive. */
  readonly entryName: string;
  constructor(entryName: string, rule: string) {
    super('E_LAYER_PATH_ESCAPE', `layer entry ${JSON.stringify(entryName)} leaves the root: ${rule}`, {
      hint: 'the layer is malformed or hostile; entry names must stay below the root after removing ".."',
    });
    this.name = 'PathEscapeError';
    this.entryName = entryName;
  }
}

/** A layer entry that cannot be applied as written: bad device numbers, bad hardlink, unknown type (`E_LAYER_INVALID_ENTRY`). */
export class InvalidEntryError extends ManifoldError {
  /** The name as written in the archive. */
  readonly entryName: string;
  constructor(entryName: string, rule: string, options: ManifoldErrorOptions = {}) {
    super('E_LAYER_INVALID_ENTRY', `cannot apply layer entry ${JSON.stringify(entryName)}: ${rule}`, options);
    this.name = 'InvalidEntryError';
    this.entryName = entryName;
  }
}

/** A whiteout whose target is empty, `.` or `..` (`E_LAYER_INVALID_WHITEOUT`). */
export class InvalidWhiteoutError extends ManifoldError {
  /** The name as written in the archive. */
  readonly entryName: string;
  constructor(entryName: string, rule: string) {
    super('E_LAYER_INVALID_WHITEOUT', `invalid whiteout ${JSON.stringify(entryName)}: ${rule}`, {
      hint: 'a whiteout is ".wh." followed by the name of a sibling to delete; this layer is malformed',
    });
    this.name = 'InvalidWhiteoutError';
    this.entryName = entryName;
  }
}

/** A symlink chain longer than the limit during scoped path resolution (`E_LAYER_TOO_MANY_LINKS`). */
export class TooManyLinksError extends ManifoldError {
  /** The path being resolved. */
  readonly path: string;
  constructor(path: string, limit: number) {
    super(
      'E_LAYER_TOO_MANY_LINKS',
      `too many levels of symbolic links resolving ${JSON.stringify(path)} (more than ${limit})`,
      {
        hint: 'the tree holds a symlink loop',
      },
    );
    this.name = 'TooManyLinksError';
    this.path = path;
  }
}

/** A compression format that cannot be read or written here (`E_LAYER_COMPRESSION`). */
export class CompressionError extends ManifoldError {
  constructor(message: string, options: ManifoldErrorOptions = {}) {
    super('E_LAYER_COMPRESSION', message, options);
    this.name = 'CompressionError';
  }
}

/** A system helper (mknod, setfattr, getfattr) that is missing or failed (`E_LAYER_SYSTEM_TOOL`). */
export class SystemToolError extends ManifoldError {
  /** The program that was run. */
  readonly tool: string;
  constructor(tool: string, message: string, options: ManifoldErrorOptions = {}) {
    super('E_LAYER_SYSTEM_TOOL', `${tool}: ${message}`, options);
    this.name = 'SystemToolError';
    this.tool = tool;
  }
}

/** A filesystem operation of apply or diff that failed (`E_LAYER_IO`); `cause` holds the system error. */
export class LayerIoError extends ManifoldError {
  constructor(what: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('E_LAYER_IO', `${what}: ${detail}`, { cause });
    this.name = 'LayerIoError';
  }
}

/**
 * The typed tar entry shared by the reader, the writer, apply and diff. A header is a plain
 * value: the reader fills it from ustar fields, PAX records (global and per entry) and GNU
 * long-name records; the writer encodes it back, choosing PAX records only where ustar fields
 * cannot hold a value. Numbers are plain JavaScript numbers (exact up to 2^53).
 */

/** Entry kinds Manifold reads and writes. `other` is any typeflag it does not apply (GNU sparse, volume labels, …). */
export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo' | 'other';

/** A timestamp with nanosecond precision, as PAX records can carry it. */
export interface TarTime {
  /** Seconds since the Unix epoch (may be negative). */
  readonly seconds: number;
  /** 0 … 999 999 999. */
  readonly nanoseconds: number;
}

/** One tar entry's metadata, after PAX and GNU long-name records have been folded in. */
export interface TarHeader {
  /** Path as written in the archive (may end with `/`, may start with `/`, may contain `..`). */
  readonly name: string;
  readonly type: TarEntryType;
  /** The typeflag byte as a one-character string (`'0'`, `'5'`, `'S'`, …). */
  readonly typeflag: string;
  /** Permission bits plus setuid, setgid and sticky (`mode & 0o7777`). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  /** Bytes of data that follow the header (0 for every type but `file` and `other`). */
  readonly size: number;
  readonly mtime: TarTime;
  /** From PAX `atime`, when present. */
  readonly atime?: TarTime;
  /** Link target (hardlink or symlink), verbatim. */
  readonly linkname: string;
  readonly devmajor: number;
  readonly devminor: number;
  /** Extended attributes from `SCHILY.xattr.*` (and `LIBARCHIVE.xattr.*`) records: binary-safe values. */
  readonly xattrs: ReadonlyMap<string, Buffer>;
  /** Every PAX record that applied to this entry, global ones included (values as raw bytes). */
  readonly pax: ReadonlyMap<string, Buffer>;
  /** True when a text field (name, link, user or group name) was not valid UTF-8 and was decoded lossily. */
  readonly lossyText: boolean;
}

/** What the writer needs to describe an entry; everything but `name` and `type` has a default. */
export interface TarEntryInput {
  name: string;
  type: Exclude<TarEntryType, 'other'>;
  /** Default 0o644 for files, 0o755 for directories, 0o777 for symlinks, 0o644 otherwise. */
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  /** Required for `file` entries: the exact number of bytes the body will deliver. */
  size?: number;
  /** Default: the epoch. Sub-second parts are written only when the writer is asked to. */
  mtime?: TarTime;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Extended attributes, written as `SCHILY.xattr.NAME` PAX records (binary-safe). */
  xattrs?: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;
  /** Extra PAX records, written as given (for keys Manifold has no field for). */
  pax?: Readonly<Record<string, string | Uint8Array>>;
}

/** Prefix of whiteout file names in OCI/AUFS layers. */
export const WHITEOUT_PREFIX = '.wh.';
/** Name of the opaque-directory marker in OCI/AUFS layers. */
export const OPAQUE_MARKER = '.wh..wh..opq';
/** Prefix of AUFS metadata names (`.wh..wh.plnk`, …) that are not whiteouts. */
export const WHITEOUT_META_PREFIX = '.wh..wh.';

/** `{ seconds: 0, nanoseconds: 0 }`. */
export const EPOCH: TarTime = Object.freeze({ seconds: 0, nanoseconds: 0 });

/** Converts a bigint of nanoseconds since the epoch to a {@link TarTime}. */
export function tarTimeFromNs(ns: bigint): TarTime {
  let seconds = ns / 1_000_000_000n;
  let nanoseconds = ns % 1_000_000_000n;
  if (nanoseconds < 0n) {
    nanoseconds += 1_000_000_000n;
    seconds -= 1n;
  }
  return { seconds: Number(seconds), nanoseconds: Number(nanoseconds) };
}

/** Compares two times: negative, zero or positive like a sort comparator. */
export function compareTarTime(a: TarTime, b: TarTime): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanoseconds - b.nanoseconds;
}

/**
 * One 512-byte tar header block: field layout, numeric fields and the checksum.
 *
 * Layout (POSIX ustar): name 0/100, mode 100/8, uid 108/8, gid 116/8, size 124/12, mtime 136/12,
 * chksum 148/8, typeflag 156/1, linkname 157/100, magic 257/6, version 263/2, uname 265/32,
 * gname 297/32, devmajor 329/8, devminor 337/8, prefix 345/155. GNU archives use the same
 * offsets up to devminor but put atime, ctime and sparse data where ustar has `prefix`, so the
 * prefix is honoured only with the POSIX magic `"ustar\0"`, or in a GNU header whose atime/ctime
 * are not numbers (archives of old Go writers). Numeric fields are octal text, or GNU base-256 (first
 * byte has the high bit set; 0xff… is negative, two's complement) when a value does not fit.
 * The checksum is the sum of the block's bytes with the checksum field read as spaces; readers
 * accept the unsigned sum and the historic signed one.
 */
import { TarFormatError } from './errors.js';

export const BLOCK_SIZE = 512;

/** Header layout format, as told by the magic field. */
export type HeaderFormat = 'ustar' | 'gnu' | 'v7';

/** A decoded header block before PAX and GNU records are applied. */
export interface RawHeader {
  readonly format: HeaderFormat;
  /** `prefix + '/' + name` for ustar, else `name`: raw bytes up to the first NUL. */
  readonly path: Buffer;
  readonly mode: bigint;
  readonly uid: bigint;
  readonly gid: bigint;
  readonly size: bigint;
  readonly mtime: bigint;
  readonly typeflag: string;
  readonly linkname: Buffer;
  readonly uname: Buffer;
  readonly gname: Buffer;
  readonly devmajor: bigint;
  readonly devminor: bigint;
}

/** Field values for {@link encodeHeaderBlock}; numbers must be non-negative integers. */
export interface HeaderBlockFields {
  name: Buffer;
  prefix: Buffer;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: Buffer;
  uname: Buffer;
  gname: Buffer;
  devmajor: number;
  devminor: number;
}

const FIELD = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  chksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  version: [263, 2],
  uname: [265, 32],
  gname: [297, 32],
  devmajor: [329, 8],
  devminor: [337, 8],
  prefix: [345, 155],
} as const satisfies Record<string, readonly [number, number]>;

/** True when every byte of the block is zero (an end-of-archive block). */
export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** True when `value` can be written as octal text in a numeric field of `width` bytes. */
export function fitsOctal(value: number, width: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value < 8 ** (width - 1);
}

/** Encodes one header block. Values that do not fit octal are written in base-256. */
export function encodeHeaderBlock(f: HeaderBlockFields): Buffer {
  const block = Buffer.alloc(BLOCK_SIZE);
  putBytes(block, FIELD.name, f.name);
  putNumber(block, FIELD.mode, f.mode);
  putNumber(block, FIELD.uid, f.uid);
  putNumber(block, FIELD.gid, f.gid);
  putNumber(block, FIELD.size, f.size);
  putNumber(block, FIELD.mtime, f.mtime);
  block.write(f.typeflag, FIELD.typeflag[0], 1, 'latin1');
  putBytes(block, FIELD.linkname, f.linkname);
  block.write('ustar\x0000', FIELD.magic[0], 8, 'latin1');
  putBytes(block, FIELD.uname, f.uname);
  putBytes(block, FIELD.gname, f.gname);
  putNumber(block, FIELD.devmajor, f.devmajor);
  putNumber(block, FIELD.devminor, f.devminor);
  putBytes(block, FIELD.prefix, f.prefix);
  block.fill(0x20, FIELD.chksum[0], FIELD.chksum[0] + FIELD.chksum[1]);
  const sum = checksums(block).unsigned;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, FIELD.chksum[0], 8, 'latin1');
  return block;
}

/** Decodes and verifies one header block found at archive offset `offset`. */
export function decodeHeaderBlock(block: Buffer, offset: number): RawHeader {
  const stored = parseNumericField(field(block, FIELD.chksum), 'chksum', offset);
  const { unsigned, signed } = checksums(block);
  if (stored !== BigInt(unsigned) && stored !== BigInt(signed)) {
    throw new TarFormatError(offset, `header checksum is ${stored}, computed ${unsigned}`);
  }
  const magic = field(block, FIELD.magic).toString('latin1');
  const version = field(block, FIELD.version).toString('latin1');
  const format: HeaderFormat =
    magic === 'ustar\0' ? 'ustar' : magic === 'ustar ' && version === ' \0' ? 'gnu' : 'v7';
  const name = cString(field(block, FIELD.name));
  const prefix =
    format === 'ustar' || buggyGnuPrefix(block, format)
      ? cString(field(block, FIELD.prefix))
      : Buffer.alloc(0);
  const num = (key: keyof typeof FIELD) => parseNumericField(field(block, FIELD[key]), key, offset);
  return {
    format,
    path: prefix.length > 0 ? Buffer.concat([prefix, Buffer.from('/'), name]) : name,
    mode: num('mode'),
    uid: num('uid'),
    gid: num('gid'),
    size: num('size'),
    mtime: num('mtime'),
    typeflag: String.fromCharCode(block[FIELD.typeflag[0]]!),
    linkname: cString(field(block, FIELD.linkname)),
    uname: format === 'v7' ? Buffer.alloc(0) : cString(field(block, FIELD.uname)),
    gname: format === 'v7' ? Buffer.alloc(0) : cString(field(block, FIELD.gname)),
    devmajor: format === 'v7' ? 0n : num('devmajor'),
    devminor: format === 'v7' ? 0n : num('devminor'),
  };
}

/**
 * Old writers (Go before 1.8) put a ustar prefix into GNU headers, where GNU keeps atime and
 * ctime (345/12, 357/12). When those do not parse as numbers and the bytes are ASCII, they are
 * a prefix.
 */
function buggyGnuPrefix(block: Buffer, format: HeaderFormat): boolean {
  if (format !== 'gnu') return false;
  const numeric = (start: number) => {
    try {
      parseNumericField(block.subarray(start, start + 12), 'atime', 0);
      return true;
    } catch {
      return false;
    }
  };
  if (numeric(345) && numeric(357)) return false;
  return cString(field(block, FIELD.prefix)).every((b) => b < 0x80);
}

/** Parses an octal or base-256 numeric field. Empty (all NUL/space) fields are 0. */
export function parseNumericField(bytes: Buffer, name: string, offset: number): bigint {
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) {
    const inv = (bytes[0]! & 0x40) !== 0 ? 0xff : 0;
    let x = 0n;
    for (let i = 0; i < bytes.length; i++) {
      let c = bytes[i]! ^ inv;
      if (i === 0) c &= 0x7f;
      x = (x << 8n) | BigInt(c);
    }
    if (x >= 1n << 63n) throw new TarFormatError(offset, `base-256 field ${name} overflows 64 bits`);
    return inv === 0xff ? -x - 1n : x;
  }
  const text = cString(bytes).toString('latin1').trim();
  if (text === '') return 0n;
  if (!/^[0-7]+$/.test(text))
    throw new TarFormatError(offset, `numeric field ${name} is ${JSON.stringify(text)}, not octal`);
  return BigInt(`0o${text}`);
}

function field(block: Buffer, [start, length]: readonly [number, number]): Buffer {
  return block.subarray(start, start + length);
}

function cString(bytes: Buffer): Buffer {
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.subarray(0, nul);
}

function putBytes(block: Buffer, [start, length]: readonly [number, number], bytes: Buffer): void {
  bytes.copy(block, start, 0, Math.min(length, bytes.length));
}

function putNumber(block: Buffer, [start, width]: readonly [number, number], value: number): void {
  if (fitsOctal(value, width)) {
    block.write(`${value.toString(8).padStart(width - 1, '0')}\0`, start, width, 'latin1');
    return;
  }
  // GNU base-256: 0x80 marker, then the value big-endian in the remaining bytes.
  let v = BigInt(value);
  for (let i = width - 1; i >= 1; i--) {
    block[start + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  block[start] = 0x80;
}

function checksums(block: Buffer): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK_SIZE; i++) {
    const inField = i >= FIELD.chksum[0] && i < FIELD.chksum[0] + FIELD.chksum[1];
    const b = inField ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return { unsigned, signed };
}

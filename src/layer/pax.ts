/**
 * PAX extended-header records (POSIX.1-2001 `pax` format): `"<len> <key>=<value>\n"` where
 * `<len>` counts every byte of the record, its own digits included. Records are byte strings:
 * keys are UTF-8, values are kept as raw bytes (xattr values are binary), and lengths are byte
 * counts, never character counts. Also the PAX time syntax (`seconds[.fraction]`).
 */
import { TarFormatError } from './errors.js';
import type { TarTime } from './tar-types.js';

/** Encodes records in the order given. */
export function encodePaxRecords(records: ReadonlyArray<readonly [string, Uint8Array]>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of records) {
    const keyBytes = Buffer.from(key, 'utf8');
    const body = 1 + keyBytes.length + 1 + value.length + 1; // ' ' key '=' value '\n'
    let length = body + 1;
    while (String(length).length + body !== length) length = String(length).length + body;
    parts.push(
      Buffer.from(`${length} `, 'ascii'),
      keyBytes,
      Buffer.from('='),
      Buffer.from(value),
      Buffer.from('\n'),
    );
  }
  return Buffer.concat(parts);
}

/**
 * Parses the data of a PAX header. Later records with the same key win, as POSIX says.
 * `offset` is the archive offset of the header, for error messages.
 */
export function parsePaxRecords(data: Buffer, offset: number): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // some writers pad the block with NULs
    let digitsEnd = pos;
    while (digitsEnd < data.length && data[digitsEnd]! >= 0x30 && data[digitsEnd]! <= 0x39) digitsEnd++;
    if (digitsEnd === pos || data[digitsEnd] !== 0x20) {
      throw new TarFormatError(offset, `PAX record at +${pos} does not start with "<length> "`);
    }
    const length = Number(data.subarray(pos, digitsEnd).toString('ascii'));
    const end = pos + length;
    if (!Number.isSafeInteger(length) || length <= digitsEnd - pos + 1 || end > data.length) {
      throw new TarFormatError(offset, `PAX record at +${pos} declares length ${length}, beyond its header`);
    }
    if (data[end - 1] !== 0x0a)
      throw new TarFormatError(offset, `PAX record at +${pos} does not end with a newline`);
    const record = data.subarray(digitsEnd + 1, end - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw new TarFormatError(offset, `PAX record at +${pos} has no "key=value"`);
    out.set(record.subarray(0, eq).toString('utf8'), Buffer.from(record.subarray(eq + 1)));
    pos = end;
  }
  return out;
}

/** Parses a PAX time value such as `1700000000.123456789` or `-1.5`; undefined when malformed. */
export function parsePaxTime(text: string): TarTime | undefined {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return undefined;
  const whole = Number(m[2]);
  const fraction = Number((m[3] ?? '').slice(0, 9).padEnd(9, '0'));
  if (!Number.isSafeInteger(whole)) return undefined;
  if (m[1] !== '-') return { seconds: whole, nanoseconds: fraction };
  return fraction === 0
    ? { seconds: -whole, nanoseconds: 0 }
    : { seconds: -whole - 1, nanoseconds: 1e9 - fraction };
}

/** Formats a time for a PAX record: whole seconds, plus a fraction without trailing zeros when non-zero. */
export function formatPaxTime(time: TarTime): string {
  if (time.nanoseconds === 0) return String(time.seconds);
  if (time.seconds < 0) {
    // -1.5 s is seconds = -2, nanoseconds = 5e8.
    const whole = -(time.seconds + 1);
    const fraction = String(1e9 - time.nanoseconds)
      .padStart(9, '0')
      .replace(/0+$/, '');
    return `-${whole}.${fraction}`;
  }
  return `${time.seconds}.${String(time.nanoseconds).padStart(9, '0').replace(/0+$/, '')}`;
}

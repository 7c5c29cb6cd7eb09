/**
 * Test helper: builds tar bytes from the entry lists of the reliability conformance data, with
 * full control over the header (negative or huge device numbers, NUL typeflags, declared sizes
 * that differ from the data, truncated streams, GNU long names, oversized PAX records). It does
 * not use the module's TarWriter on purpose: the writer refuses most of these.
 */
import { createHash } from 'node:crypto';

/** One entry as the conformance files describe it. */
export interface CraftEntry {
  type: string;
  name: string;
  mode?: string;
  linkname?: string;
  content?: string;
  content_hex?: string;
  size?: number;
  data_truncated_after?: number;
  pax?: Record<string, string>;
  pax_record_bytes?: number;
  header_format?: 'pax' | 'gnu';
  typeflag_zero?: boolean;
  devmajor?: number;
  devminor?: number;
}

const TYPEFLAG: Record<string, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
  'pax-global': 'g',
};

interface RawFields {
  name: Buffer;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  typeflag: string;
  linkname: Buffer;
  devmajor: number;
  devminor: number;
  gnu: boolean;
}

/** Builds an archive; the stream stops early when an entry has `data_truncated_after`. */
export function craftTar(entries: readonly CraftEntry[], owner = { uid: 0, gid: 0 }): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data =
      e.content_hex !== undefined ? Buffer.from(e.content_hex, 'hex') : Buffer.from(e.content ?? '', 'utf8');
    const name = Buffer.from(e.name, 'utf8');
    const link = Buffer.from(e.linkname ?? '', 'utf8');
    const gnu = e.header_format === 'gnu';
    const pax: Array<[string, Buffer]> = Object.entries(e.pax ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v, 'utf8'),
    ]);
    if (e.pax_record_bytes !== undefined) pax.push(['comment', Buffer.alloc(e.pax_record_bytes, 0x41)]);
    if (gnu && name.length > 100) parts.push(...gnuLong('L', name));
    if (gnu && link.length > 100) parts.push(...gnuLong('K', link));
    if (!gnu && name.length > 100) pax.push(['path', name]);
    if (!gnu && link.length > 100) pax.push(['linkpath', link]);
    if (e.type === 'pax-global') {
      const body = paxData(pax);
      parts.push(
        header({ ...base(e, owner), name, size: body.length, typeflag: 'g', gnu: false }),
        pad(body),
      );
      continue;
    }
    if (pax.length > 0) {
      const body = paxData(pax);
      parts.push(
        header({
          ...base(e, owner),
          name: Buffer.from('PaxHeaders/x'),
          size: body.length,
          typeflag: 'x',
          gnu: false,
        }),
      );
      parts.push(pad(body));
    }
    const declared = e.size ?? data.length;
    const typeflag = e.typeflag_zero ? '\0' : (TYPEFLAG[e.type] ?? '0');
    parts.push(
      header({
        ...base(e, owner),
        name: name.subarray(0, 100),
        linkname: link.subarray(0, 100),
        size: declared,
        typeflag,
        gnu,
      }),
    );
    if (e.data_truncated_after !== undefined) {
      const n = e.data_truncated_after;
      parts.push(
        data.length >= n ? data.subarray(0, n) : Buffer.concat([data, Buffer.alloc(n - data.length, 0x61)]),
      );
      return Buffer.concat(parts);
    }
    if (declared > 0) parts.push(pad(data.length === declared ? data : Buffer.alloc(declared, 0x61)));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function base(e: CraftEntry, owner: { uid: number; gid: number }): RawFields {
  return {
    name: Buffer.alloc(0),
    mode: Number.parseInt(e.mode ?? '0644', 8),
    uid: owner.uid,
    gid: owner.gid,
    size: 0,
    typeflag: '0',
    linkname: Buffer.alloc(0),
    devmajor: e.devmajor ?? 0,
    devminor: e.devminor ?? 0,
    gnu: false,
  };
}

function gnuLong(typeflag: 'L' | 'K', value: Buffer): Buffer[] {
  const body = Buffer.concat([value, Buffer.alloc(1)]);
  return [
    header({
      name: Buffer.from('././@LongLink'),
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: body.length,
      typeflag,
      linkname: Buffer.alloc(0),
      devmajor: 0,
      devminor: 0,
      gnu: true,
    }),
    pad(body),
  ];
}

function paxData(records: ReadonlyArray<[string, Buffer]>): Buffer {
  const out: Buffer[] = [];
  for (const [k, v] of records) {
    const body = 1 + Buffer.byteLength(k) + 1 + v.length + 1;
    let len = body + 1;
    while (String(len).length + body !== len) len = String(len).length + body;
    out.push(Buffer.from(`${len} ${k}=`), v, Buffer.from('\n'));
  }
  return Buffer.concat(out);
}

function pad(b: Buffer): Buffer {
  const p = (512 - (b.length % 512)) % 512;
  return p === 0 ? b : Buffer.concat([b, Buffer.alloc(p)]);
}

/** Octal when it fits, else base-256 (two's complement for negatives). */
function numeric(value: number, width: number): Buffer {
  const out = Buffer.alloc(width);
  if (value >= 0 && value < 8 ** (width - 1)) {
    out.write(`${value.toString(8).padStart(width - 1, '0')}\0`, 'latin1');
    return out;
  }
  let v = BigInt(value);
  if (v < 0n) v += 1n << BigInt(width * 8);
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  out[0] = value < 0 ? 0xff : 0x80 | (out[0]! & 0x7f);
  return out;
}

function header(f: RawFields): Buffer {
  const b = Buffer.alloc(512);
  f.name.copy(b, 0, 0, 100);
  numeric(f.mode, 8).copy(b, 100);
  numeric(f.uid, 8).copy(b, 108);
  numeric(f.gid, 8).copy(b, 116);
  numeric(f.size, 12).copy(b, 124);
  numeric(0, 12).copy(b, 136);
  b.write(f.typeflag, 156, 1, 'latin1');
  f.linkname.copy(b, 157, 0, 100);
  b.write(f.gnu ? 'ustar  \0' : 'ustar\x0000', 257, 8, 'latin1');
  numeric(f.devmajor, 8).copy(b, 329);
  numeric(f.devminor, 8).copy(b, 337);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return b;
}

/** `sha256:<hex>` of bytes. */
export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

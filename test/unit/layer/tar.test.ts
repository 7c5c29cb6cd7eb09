/**
 * The tar writer and reader: round trips through GNU tar both ways (long names and links, large
 * ids, sub-second times, binary xattrs), GNU and PAX archives made by GNU tar, determinism,
 * backpressure, and the errors for corrupt, truncated and oversized input.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { readTar, type TarEntryInput, type TarHeader, TarWriter } from '../../../src/layer/index.js';
import { conformancePath } from '../../helpers/paths.js';
import { sha256 } from './craft-tar.js';
import { collector, hasProgram, tempDir, xattrsOf } from './fs-fixture.js';

const BINARY_XATTR = Buffer.from([0x00, 0xff, 0x0a, 0x3d, 0x20, 0x00, 0xc3, 0x28]);
const LONG_DIR = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}/${'g'.repeat(60)}`;
const LONG_NAME = `${LONG_DIR}/${'é'.repeat(60)}.txt`; // > 255 bytes, multi-byte characters
const SPLIT_NAME = `${'p'.repeat(120)}/${'n'.repeat(90)}`; // fits ustar prefix + name
const LONG_LINK = `../${'l'.repeat(150)}`;

async function writeTar(entries: Array<[TarEntryInput, Buffer?]>, options = {}): Promise<Buffer> {
  const out = collector();
  const w = new TarWriter(out.sink, options);
  for (const [entry, body] of entries) await w.add(entry, body);
  await w.finish();
  return out.bytes();
}

async function readAll(
  source: Parameters<typeof readTar>[0],
): Promise<Array<{ header: TarHeader; body: Buffer }>> {
  const out: Array<{ header: TarHeader; body: Buffer }> = [];
  for await (const e of readTar(source)) {
    const chunks: Buffer[] = [];
    for await (const c of e.body) chunks.push(c as Buffer);
    out.push({ header: e.header, body: Buffer.concat(chunks) });
  }
  return out;
}

const SAMPLE: Array<[TarEntryInput, Buffer?]> = [
  [{ name: LONG_DIR, type: 'dir', mode: 0o755 }],
  [
    {
      name: LONG_NAME,
      type: 'file',
      size: 5,
      mode: 0o4755,
      uid: 300000,
      gid: 400000,
      uname: 'u'.repeat(40),
      mtime: { seconds: 1700000000, nanoseconds: 123456789 },
      xattrs: { 'user.binary': BINARY_XATTR, 'user.text': Buffer.from('hello') },
    },
    Buffer.from('hello'),
  ],
  [{ name: SPLIT_NAME.split('/')[0]!, type: 'dir' }],
  [{ name: SPLIT_NAME, type: 'file', size: 3, mtime: { seconds: 1, nanoseconds: 0 } }, Buffer.from('abc')],
  [{ name: 'link', type: 'symlink', linkname: LONG_LINK }],
  [{ name: 'hard', type: 'hardlink', linkname: SPLIT_NAME }],
  [{ name: 'fifo', type: 'fifo', mode: 0o600 }],
  [{ name: 'null', type: 'char', devmajor: 1, devminor: 3, mode: 0o666 }],
];

describe('tar writer → GNU tar and back', () => {
  let dir: string;
  before(() => {
    dir = tempDir('tar');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('our reader reads every field back, xattrs byte for byte', async () => {
    const tar = await writeTar(SAMPLE, { subSecondTimes: true });
    const got = await readAll([tar]);
    assert.deepEqual(
      got.map((e) => e.header.name),
      [`${LONG_DIR}/`, LONG_NAME, `${SPLIT_NAME.split('/')[0]}/`, SPLIT_NAME, 'link', 'hard', 'fifo', 'null'],
    );
    const file = got[1]!;
    assert.equal(file.header.uid, 300000);
    assert.equal(file.header.gid, 400000);
    assert.equal(file.header.uname, 'u'.repeat(40));
    assert.equal(file.header.mode, 0o4755);
    assert.deepEqual(file.header.mtime, { seconds: 1700000000, nanoseconds: 123456789 });
    assert.deepEqual(file.header.xattrs.get('user.binary'), BINARY_XATTR);
    assert.equal(file.body.toString(), 'hello');
    assert.equal(got[4]!.header.linkname, LONG_LINK);
    assert.equal(got[5]!.header.type, 'hardlink');
    assert.deepEqual([got[7]!.header.devmajor, got[7]!.header.devminor], [1, 3]);
  });

  it('GNU tar lists what we wrote (long names, uid 300000, sub-second mtime, device)', async (t) => {
    if (!hasProgram('tar')) return t.skip('no tar');
    const file = path.join(dir, 'ours.tar');
    writeFileSync(file, await writeTar(SAMPLE, { subSecondTimes: true }));
    const listing = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvf', file], {
      encoding: 'utf8',
    });
    assert.match(
      listing,
      new RegExp(`-rwsr-xr-x 300000/400000\\s+5 2023-11-14 22:13:20\\.123456789 ${LONG_NAME}\\n`),
    );
    assert.match(listing, new RegExp(` ${SPLIT_NAME}\\n`));
    assert.match(listing, new RegExp(`link -> ${LONG_LINK}\\n`));
    assert.match(listing, /crw-rw-rw- 0\/0\s+1,3 /);
    t.diagnostic(`${listing.trim().split('\n').length} entries listed by GNU tar`);
  });

  it('GNU tar extracts what we wrote, binary xattrs included (checked with getfattr)', async (t) => {
    if (!hasProgram('getfattr') || process.getuid?.() !== 0) return t.skip('needs root and getfattr');
    const file = path.join(dir, 'x.tar');
    writeFileSync(file, await writeTar(SAMPLE.slice(0, 2)));
    const dest = path.join(dir, 'gnu-extract');
    mkdirSync(dest);
    execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-xpf', file, '-C', dest]);
    const extracted = path.join(dest, LONG_NAME);
    assert.equal(readFileSync(extracted, 'utf8'), 'hello');
    assert.deepEqual(xattrsOf(extracted).get('user.binary'), BINARY_XATTR);
  });

  it('reads archives GNU tar made in posix (PAX) and gnu (L/K records, base-256 ids) formats', async (t) => {
    if (!hasProgram('setfattr')) return t.skip('needs setfattr');
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, LONG_DIR), { recursive: true });
    writeFileSync(path.join(src, LONG_NAME), 'posix');
    execFileSync('setfattr', [
      '-n',
      'user.binary',
      '-v',
      `0x${BINARY_XATTR.toString('hex')}`,
      path.join(src, LONG_NAME),
    ]);
    execFileSync('ln', ['-s', LONG_LINK, path.join(src, 'link')]);
    for (const [format, owner] of [
      ['posix', '300000'],
      ['gnu', '3000000'],
    ] as const) {
      const file = path.join(dir, `${format}.tar`);
      execFileSync('tar', [
        `--format=${format}`,
        '--xattrs',
        '--xattrs-include=*',
        `--owner=:${owner}`,
        '--group=:7',
        '--sort=name',
        '-cf',
        file,
        '-C',
        src,
        '.',
      ]);
      const got = await readAll(createReadStream(file));
      const entry = got.find((e) => e.header.name === `./${LONG_NAME}`);
      assert.ok(entry, `${format}: long name read`);
      assert.equal(entry.body.toString(), 'posix');
      assert.equal(entry.header.uid, Number(owner), `${format}: uid`);
      assert.equal(entry.header.gid, 7);
      if (format === 'posix') assert.deepEqual(entry.header.xattrs.get('user.binary'), BINARY_XATTR);
      assert.equal(
        got.find((e) => e.header.name === './link')?.header.linkname,
        LONG_LINK,
        `${format}: long link`,
      );
      t.diagnostic(`${format}: ${got.length} entries`);
    }
  });
});

describe('tar writer properties', () => {
  it('is deterministic: equal input, equal bytes', async () => {
    assert.equal(sha256(await writeTar(SAMPLE)), sha256(await writeTar(SAMPLE)));
  });

  it('truncates mtimes to seconds unless asked', async () => {
    const [e] = await readAll([await writeTar(SAMPLE.slice(1, 2))]);
    assert.deepEqual(e!.header.mtime, { seconds: 1700000000, nanoseconds: 0 });
  });

  it('honours backpressure of a slow destination and streams the body', async () => {
    const size = 3 * 1024 * 1024 + 17;
    const data = Buffer.alloc(size, 7);
    const chunks: Buffer[] = [];
    let maxBuffered = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        setImmediate(cb);
      },
    });
    const w = new TarWriter(slow);
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < size; i += 65536) {
          maxBuffered = Math.max(maxBuffered, slow.writableLength);
          yield data.subarray(i, i + 65536);
        }
      })(),
    );
    await w.add({ name: 'big', type: 'file', size }, body);
    await w.finish();
    assert.ok(maxBuffered <= 16 * 1024 + 65536, `buffered at most one chunk over the mark (${maxBuffered})`);
    const [e] = await readAll([Buffer.concat(chunks)]);
    assert.equal(e!.body.length, size);
  });

  it('refuses a body that does not match its size', async () => {
    const out = collector();
    const w = new TarWriter(out.sink);
    await assert.rejects(w.add({ name: 'f', type: 'file', size: 4 }, Buffer.from('abc')), {
      code: 'E_TAR_WRITE',
    });
  });
});

describe('tar reader errors and edge cases', () => {
  it('lists the moby broken.tar fixture (GNU ids with a ustar prefix)', async () => {
    const got = await readAll(
      createReadStream(conformancePath('reliability', 'fixtures', 'moby-go-archive-broken.tar')),
    );
    assert.ok(
      got.some(
        (e) =>
          e.header.name ===
          'root/.cpanm/work/1395823785.24209/Plack-1.0030/blib/man3/Plack::Middleware::LighttpdScriptNameFix.3pm',
      ),
    );
  });

  it('verifies header checksums', async () => {
    const tar = await writeTar(SAMPLE.slice(4, 5));
    tar[10] = 0x41;
    await assert.rejects(readAll([tar]), { code: 'E_TAR_CORRUPT' });
  });

  it('reports a stream cut inside a header or inside data', async () => {
    const tar = await writeTar(SAMPLE.slice(1, 2));
    await assert.rejects(readAll([tar.subarray(0, 700)]), { code: 'E_TAR_TRUNCATED' });
    const body = tar.length - 1024 - 512 + 2; // inside the file data
    await assert.rejects(readAll([tar.subarray(0, body)]), { code: 'E_TAR_TRUNCATED' });
  });

  it('skips unread bodies when moving to the next entry', async () => {
    const tar = await writeTar(SAMPLE);
    const names: string[] = [];
    for await (const e of readTar([tar])) names.push(e.header.name);
    assert.equal(names.length, SAMPLE.length);
  });

  it('applies PAX global records to later entries, local ones override', async () => {
    const local = 'l'.repeat(40); // over 32 bytes: written as a local PAX record
    const out = await writeTar([
      [{ name: 'a', type: 'file', size: 0, uname: local }],
      [{ name: 'b', type: 'file', size: 0, uname: 'field' }],
    ]);
    const global = Buffer.from('16 uname=global\n13 gname=grp\n');
    const globalTar = await writeTar([[{ name: 'g', type: 'file', size: global.length }, global]]);
    // Turn the first entry into a 'g' header by rewriting its typeflag and checksum.
    const head = Buffer.from(globalTar.subarray(0, 512));
    head[156] = 0x67;
    head.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of head) sum += b;
    head.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
    const combined = Buffer.concat([head, globalTar.subarray(512, 1024), out]);
    const [a, b] = await readAll([combined]);
    assert.equal(a!.header.name, 'a');
    assert.equal(a!.header.gname, 'grp');
    assert.equal(a!.header.uname, local);
    assert.equal(b!.header.uname, 'global', 'a global record overrides the ustar field');
  });
});

/** gzip in parallel members: readable by every gzip reader, and the same bytes however fed. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import { BLOCK, ParallelGzip } from '../../../src/layer/parallel-gzip.js';

/** Compressible but not trivial: text lines with random words. */
function sample(size: number): Buffer {
  const words = ['layer', 'manifest', 'index', 'blob', randomBytes(4).toString('hex')];
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const line = `${i} ${words[i % words.length]} ${randomBytes(3).toString('base64')}\n`;
    parts.push(line);
    n += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

async function compress(input: Buffer, pieceSize: number, level = 6): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < input.length; i += pieceSize) pieces.push(input.subarray(i, i + pieceSize));
  return buffer(Readable.from(pieces).pipe(new ParallelGzip(level)));
}

describe('parallel gzip', () => {
  const input = sample(3 * BLOCK + 12345);

  it('writes one member per MiB that gzip, zlib and Node read back as the input', async () => {
    const out = await compress(input, 64 * 1024);
    // Four members: each starts with the gzip magic and deflate method.
    const magic = Buffer.from([0x1f, 0x8b, 0x08]);
    let members = 0;
    for (let i = out.indexOf(magic); i >= 0; i = out.indexOf(magic, i + 1)) members++;
    assert.ok(members >= 4, `expected at least 4 members, found ${members}`);
    assert.ok(zlib.gunzipSync(out).equals(input));
    const gz = spawnSync('gzip', ['-dc'], { input: out, maxBuffer: 64 * 1024 * 1024 });
    assert.equal(gz.status, 0, gz.stderr.toString());
    assert.equal(
      createHash('sha256').update(gz.stdout).digest('hex'),
      createHash('sha256').update(input).digest('hex'),
    );
    assert.ok(out.length < input.length / 2, 'it compresses');
  });

  it('gives the same bytes whatever the sizes of the chunks written', async () => {
    const a = await compress(input, 997);
    const b = await compress(input, 7 * BLOCK);
    const c = await compress(input, BLOCK - 1);
    assert.ok(a.equals(b));
    assert.ok(a.equals(c));
    assert.notEqual((await compress(input, 4096, 1)).length, a.length, 'the level is applied');
  });

  it('makes a valid gzip file of nothing', async () => {
    const out = await compress(Buffer.alloc(0), 16);
    assert.equal(zlib.gunzipSync(out).length, 0);
    assert.equal(spawnSync('gzip', ['-t'], { input: out }).status, 0);
  });
});

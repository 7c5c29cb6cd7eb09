import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import {
  applyLayer,
  createGzip,
  decompress,
  detectCompression,
  readTar,
  TarWriter,
  zstdAvailable,
} from '../../../src/layer/index.js';
import { sha256 } from './craft-tar.js';
import { collector, hasProgram, tempDir } from './fs-fixture.js';

async function sampleTar(): Promise<Buffer> {
  const out = collector();
  const w = new TarWriter(out.sink);
  const body = Buffer.from('compressed layer body\n'.repeat(1000));
  await w.add({ name: 'etc/motd', type: 'file', size: body.length }, body);
  await w.finish();
  return out.bytes();
}

async function gzip(bytes: Buffer, level: number): Promise<Buffer> {
  const out = collector();
  await pipeline(Readable.from([bytes]), createGzip({ level }), out.sink);
  return out.bytes();
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

describe('compression', () => {
  it('detects formats by magic bytes', () => {
    assert.equal(detectCompression(Buffer.from([0x1f, 0x8b, 8, 0])), 'gzip');
    assert.equal(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0])), 'zstd');
    assert.equal(detectCompression(Buffer.from('BZh91AY')), 'bzip2');
    assert.equal(detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0])), 'xz');
    assert.equal(detectCompression(Buffer.from('etc/motd')), 'none');
    assert.equal(detectCompression(Buffer.alloc(0)), 'none');
  });

  it('gzips at the chosen level, and decompression restores the exact tar (same diffID)', async () => {
    const tar = await sampleTar();
    const fast = await gzip(tar, 1);
    const best = await gzip(tar, 9);
    assert.ok(best.length <= fast.length);
    for (const z of [fast, best]) {
      const { compression, stream } = await decompress(Readable.from([z.subarray(0, 3), z.subarray(3)]));
      assert.equal(compression, 'gzip');
      assert.equal(sha256(await drain(stream)), sha256(tar));
    }
    assert.throws(() => createGzip({ level: 12 }), { code: 'E_LAYER_COMPRESSION' });
  });

  it('passes an uncompressed stream through, and applies a gzipped layer end to end', async () => {
    const tar = await sampleTar();
    const plain = await decompress([tar]);
    assert.equal(plain.compression, 'none');
    assert.equal(sha256(await drain(plain.stream)), sha256(tar));
    const root = tempDir('gz-apply');
    const { stream } = await decompress([await gzip(tar, 6)]);
    try {
      const result = await applyLayer(root, stream);
      assert.equal(result.diffId, sha256(tar), 'the diffID is the digest of the uncompressed tar');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('zstd: decompresses through node:zlib where it has zstd, else the zstd program', async (t) => {
    if (!hasProgram('zstd')) {
      t.skip("Debian's zstd program is not installed");
      return;
    }
    const tar = await sampleTar();
    const zst = execFileSync('zstd', ['-q', '-c'], { input: tar });
    const { compression, stream } = await decompress([zst]);
    assert.equal(compression, 'zstd');
    const names: string[] = [];
    for await (const e of readTar(stream)) names.push(e.header.name);
    assert.deepEqual(names, ['etc/motd']);
    t.diagnostic(`zstd decompressed by ${zstdAvailable() ? 'node:zlib' : 'the zstd program'}`);
  });

  it('refuses bzip2 and xz layers', async () => {
    await assert.rejects(decompress([Buffer.from('BZh91AY&SY')]), { code: 'E_LAYER_COMPRESSION' });
    await assert.rejects(decompress([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 1])]), {
      code: 'E_LAYER_COMPRESSION',
    });
  });

  it('surfaces corrupt gzip data as a stream error', async () => {
    const z = await gzip(await sampleTar(), 6);
    z[z.length - 5] = (z[z.length - 5] ?? 0) ^ 0xff; // break the CRC trailer
    const { stream } = await decompress([z]);
    await assert.rejects(drain(stream));
  });
});

/**
 * The zstd codec: the `zstd` program as a streaming child process. Round trips, levels (and
 * their limits), byte-for-byte agreement with the zstd CLI, errors, and a 100 MB stream that
 * must pass through without being buffered.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, describe, it } from 'node:test';
import {
  createCompressor,
  createZstdCompress,
  createZstdDecompress,
  decompress,
  readTar,
  TarWriter,
  zstdLevel,
} from '../../../src/layer/index.js';
import { sha256 } from './craft-tar.js';
import { collector, hasProgram } from './fs-fixture.js';

const skip = hasProgram('zstd') ? false : "Debian's zstd program is not installed";
const counts = { roundTrips: 0, levels: 0, streamedMiB: 0, peakGrowthMiB: 0 };

async function sampleTar(): Promise<Buffer> {
  const out = collector();
  const w = new TarWriter(out.sink);
  const body = Buffer.from('a zstd layer body, quite compressible\n'.repeat(4000));
  await w.add({ name: 'usr/share/doc/readme', type: 'file', size: body.length }, body);
  await w.finish();
  return out.bytes();
}

async function through(input: Buffer, stream: NodeJS.ReadWriteStream): Promise<Buffer> {
  const out = collector();
  await pipeline(Readable.from([input.subarray(0, 7), input.subarray(7)]), stream, out.sink);
  return out.bytes();
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

describe('zstd codec', { skip }, () => {
  after(() => console.log(`zstd codec: ${JSON.stringify(counts)}`));

  it('round-trips a tar through the program both ways, and decompress() detects it', async () => {
    const tar = await sampleTar();
    const zst = await through(tar, createZstdCompress());
    assert.deepEqual([...zst.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd], 'a zstd frame');
    assert.ok(zst.length < tar.length / 10, `${zst.length} bytes from ${tar.length}`);
    const back = await through(zst, createZstdDecompress({ preferProgram: true }));
    assert.equal(sha256(back), sha256(tar));
    const detected = await decompress(Readable.from([zst.subarray(0, 2), zst.subarray(2)]), {
      zstd: { preferProgram: true },
    });
    assert.equal(detected.compression, 'zstd');
    const names: string[] = [];
    for await (const e of readTar(detected.stream)) names.push(e.header.name);
    assert.deepEqual(names, ['usr/share/doc/readme']);
    counts.roundTrips += 2;
  });

  it('writes what the zstd CLI writes at the same level, the same bytes every time', async () => {
    const tar = await sampleTar();
    for (const level of [1, 3, 19]) {
      const ours = await through(tar, createZstdCompress({ level }));
      const again = await through(tar, createZstdCompress({ level }));
      const cli = execFileSync('zstd', ['-q', '-c', `-${level}`], { input: tar });
      assert.equal(sha256(ours), sha256(again), `level ${level} is deterministic`);
      assert.equal(sha256(ours), sha256(cli), `level ${level} matches the CLI`);
      counts.levels++;
    }
    const level0 = await through(tar, createZstdCompress({ level: 0 }));
    const level3 = await through(tar, createZstdCompress({ level: 3 }));
    assert.equal(sha256(level0), sha256(level3), 'level 0 is the default, 3');
  });

  it('compresses smaller at a higher level; 20–22 work (--ultra); others are refused', async () => {
    // Text-like and deterministic (a fixed LCG picks words), so the sizes compare the same every run.
    const words = [
      'layer',
      'image',
      'manifest',
      'platform',
      'arm64',
      'amd64',
      'build',
      'cache',
      'digest',
      'zstd',
    ];
    let seed = 12345;
    const parts: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      parts.push(words[seed % words.length]!, i % 12 === 11 ? '\n' : ' ');
    }
    const input = Buffer.from(parts.join(''));
    const fast = await through(input, createCompressor('zstd', { level: 1 }) as NodeJS.ReadWriteStream);
    const best = await through(input, createCompressor('zstd', { level: 19 }) as NodeJS.ReadWriteStream);
    const ultra = await through(input, createZstdCompress({ level: 22 }));
    assert.ok(best.length < fast.length, `level 19: ${best.length} < level 1: ${fast.length}`);
    assert.equal(sha256(await through(ultra, createZstdDecompress({ preferProgram: true }))), sha256(input));
    for (const bad of [-1, 23, 2.5]) {
      assert.throws(() => createZstdCompress({ level: bad }), { code: 'E_LAYER_COMPRESSION' });
    }
    assert.equal(zstdLevel(undefined), 3);
    counts.levels += 3;
  });

  it('fails clearly on damaged data and on a missing program', async () => {
    const zst = await through(await sampleTar(), createZstdCompress());
    const damaged = Buffer.from(zst);
    damaged.fill(0x55, 12, Math.min(damaged.length - 4, 200));
    await assert.rejects(
      through(damaged, createZstdDecompress({ preferProgram: true })),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'E_LAYER_COMPRESSION');
        assert.match(err.message, /^zstd decompression failed: zstd exited with status \d+/);
        return true;
      },
    );
    await assert.rejects(
      through(Buffer.from('abc'), createZstdCompress({ program: 'zstd-not-installed-here' })),
      (err: Error & { code?: string; hint?: string }) => {
        assert.equal(err.code, 'E_LAYER_COMPRESSION');
        assert.match(err.message, /needs the zstd-not-installed-here program: it is not on PATH/);
        assert.match(err.hint ?? '', /apt-get install zstd/);
        return true;
      },
    );
    const { stream } = await decompress([damaged], { zstd: { preferProgram: true } });
    await assert.rejects(drain(stream), { code: 'E_LAYER_COMPRESSION' });
  });

  it('streams 100 MB through compress and decompress without buffering it', async () => {
    const total = 100 * 1024 * 1024;
    const block = randomBytes(64 * 1024);
    const chunk = Buffer.concat(Array.from({ length: 16 }, (_, i) => (i % 2 ? block : block.reverse())));
    let produced = 0;
    const inHash = createHash('sha256');
    const source = new Readable({
      read() {
        if (produced >= total) {
          this.push(null);
          return;
        }
        produced += chunk.length;
        inHash.update(chunk);
        this.push(chunk);
      },
    });
    const outHash = createHash('sha256');
    let received = 0;
    let compressedBytes = 0;
    const counter = new Transform({
      transform(c: Buffer, _e, done: TransformCallback) {
        compressedBytes += c.length;
        done(null, c);
      },
    });
    const sink = new Writable({
      write(c: Buffer, _e, done) {
        received += c.length;
        outHash.update(c);
        done();
      },
    });
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      await pipeline(
        source,
        createZstdCompress(),
        counter,
        createZstdDecompress({ preferProgram: true }),
        sink,
      );
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    assert.equal(received, total);
    assert.equal(outHash.digest('hex'), inHash.digest('hex'));
    assert.ok(compressedBytes > 0 && compressedBytes < total);
    const growthMiB = (peak - base) / (1024 * 1024);
    counts.streamedMiB = total / (1024 * 1024);
    counts.peakGrowthMiB = Math.round(growthMiB);
    // Buffering would need the whole 100 MiB (twice); streaming stays within the pipes' windows.
    assert.ok(growthMiB < 64, `memory grew by ${growthMiB.toFixed(1)} MiB while streaming 100 MiB`);
  });
});

/**
 * gzip on several cores: the input is cut at every {@link BLOCK} bytes exactly, each block is
 * compressed on libuv's thread pool as a gzip member of its own, and the members are written in
 * order. A gzip file may hold several members, read back as one stream (RFC 1952 §2.2); Go's
 * gzip reader (docker, containerd, skopeo), zlib's and Node's read them as one, and eStargz
 * layers are made this way. The cut points depend only on the bytes, so the output is as
 * reproducible as single-stream gzip; it is about 20 bytes per MiB larger.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gzip = promisify(zlib.gzip);

/** Bytes per member: large enough that the dictionary reset costs nothing measurable. */
export const BLOCK = 1024 * 1024;

/** Members compressed at once (the thread pool has four threads). */
const IN_FLIGHT = 4;

/** A Transform that gzips in parallel blocks (see the module comment). */
export class ParallelGzip extends Transform {
  readonly #level: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Members being compressed, in output order. */
  readonly #queue: Array<Promise<Buffer>> = [];

  constructor(level: number) {
    super({ highWaterMark: BLOCK });
    this.#level = level;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    this.#cutBlocks().then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    const rest = Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    // An empty input still gives one (empty) member: a valid gzip file, as zlib's own.
    if (rest.length > 0 || this.#queue.length === 0) this.#queue.push(this.#compress(rest));
    this.#drain(0).then(() => done(), done);
  }

  /** Starts a member for every whole block gathered, waiting when enough are in flight. */
  async #cutBlocks(): Promise<void> {
    while (this.#pendingBytes >= BLOCK) {
      const all = Buffer.concat(this.#pending, this.#pendingBytes);
      this.#queue.push(this.#compress(all.subarray(0, BLOCK)));
      const rest = all.subarray(BLOCK);
      this.#pending = rest.length > 0 ? [rest] : [];
      this.#pendingBytes = rest.length;
      await this.#drain(IN_FLIGHT - 1);
    }
  }

  /** Writes finished members, in order, until at most `keep` are in flight. */
  async #drain(keep: number): Promise<void> {
    while (this.#queue.length > keep) {
      const member = await (this.#queue.shift() as Promise<Buffer>);
      this.push(member);
    }
  }

  #compress(block: Buffer): Promise<Buffer> {
    const member = gzip(block, { level: this.#level });
    // Awaited in order by #drain; a failure before then must not count as unhandled.
    member.catch(() => {});
    return member;
  }
}

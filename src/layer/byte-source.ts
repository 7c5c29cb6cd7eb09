/**
 * Pull-style reading of exact byte counts from a stream, for the tar reader: one chunk is
 * pulled from the source only when the buffered bytes run out, so memory stays bounded by the
 * source's chunk size plus the largest exact read asked for (one header block, or a capped PAX
 * or GNU long-name record). Reads report short counts at end of stream; the caller decides
 * whether that is an error.
 */

/** Bytes as a stream: a Readable, any async iterable of chunks, or an array of buffers. */
export type ByteStream = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Reads bytes from a {@link ByteStream}. Not safe for concurrent calls. */
export class ByteSource {
  readonly #iter: AsyncIterator<Uint8Array>;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #ended = false;
  #offset = 0;

  constructor(source: ByteStream) {
    this.#iter = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : syncToAsync(source);
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.#offset;
  }

  /** Reads exactly `n` bytes, or fewer when the stream ends first. */
  async readExact(n: number): Promise<Buffer> {
    while (this.#buffered < n && (await this.#pull()));
    return this.#take(Math.min(n, this.#buffered));
  }

  /** Reads between 1 and `max` bytes; an empty buffer means end of stream. */
  async readSome(max: number): Promise<Buffer> {
    if (this.#buffered === 0 && !(await this.#pull())) return Buffer.alloc(0);
    return this.#take(Math.min(max, this.#chunks[0]!.length));
  }

  /** Discards up to `n` bytes; returns how many were discarded (fewer at end of stream). */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      if (this.#buffered === 0 && !(await this.#pull())) break;
      left -= this.#take(Math.min(left, this.#chunks[0]!.length)).length;
    }
    return n - left;
  }

  /** Reads to the end of the stream; returns how many bytes that was. */
  async drain(): Promise<number> {
    let total = this.#buffered;
    this.#offset += this.#buffered;
    this.#chunks = [];
    this.#buffered = 0;
    while (await this.#pull()) {
      total += this.#buffered;
      this.#offset += this.#buffered;
      this.#chunks = [];
      this.#buffered = 0;
    }
    return total;
  }

  /** Stops reading the source early (lets a Readable clean up). */
  async close(): Promise<void> {
    if (!this.#ended) {
      this.#ended = true;
      await this.#iter.return?.();
    }
  }

  async #pull(): Promise<boolean> {
    while (!this.#ended) {
      const next = await this.#iter.next();
      if (next.done) {
        this.#ended = true;
        return false;
      }
      const chunk = Buffer.isBuffer(next.value)
        ? next.value
        : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      if (chunk.length === 0) continue;
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      return true;
    }
    return false;
  }

  #take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.#chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const chunk = this.#chunks[0]!;
        const take = Math.min(chunk.length, n - filled);
        chunk.copy(out, filled, 0, take);
        filled += take;
        if (take === chunk.length) this.#chunks.shift();
        else this.#chunks[0] = chunk.subarray(take);
      }
    }
    this.#buffered -= n;
    this.#offset += n;
    return out;
  }
}

async function* syncToAsync(source: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* source;
}

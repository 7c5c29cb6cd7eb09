/**
 * Helpers for code that reports progress: a status of a vertex (a transfer with bytes, or a
 * sub-step such as "exporting layers"), and a vertex of the build's own (work that is not a
 * graph vertex: loading metadata, exporting, pushing).
 *
 * A status reports its start at once (unless `announce: false`: transfers, whose first line
 * BuildKit prints only once bytes have moved) and its end always; byte counts in between only
 * once the transfer has run for a second, then at most every 100 ms. Short transfers therefore
 * give the same events on every run (what makes plain output comparable across builds), and
 * long ones show their bytes and rate as they go without flooding the stream.
 */
import { createHash } from 'node:crypto';
import type { Digest } from '../oci/digest.js';
import type { ProgressSink } from './events.js';

/** Options of {@link StatusReporter}. */
export interface StatusReporterOptions {
  /** Bytes expected, when known. */
  readonly total?: number;
  /** Report the start at once (default true). */
  readonly announce?: boolean;
  /** No byte updates before this many ms (default 1000). */
  readonly quietMs?: number;
  /** At most one byte update per this many ms (default 100). */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

/** One status of a vertex. */
export class StatusReporter {
  private readonly started: number;
  private readonly now: () => number;
  private lastEmit = 0;
  private current = 0;
  private total: number | undefined;
  private ended = false;

  constructor(
    private readonly sink: ProgressSink,
    private readonly digest: Digest,
    readonly id: string,
    private readonly options: StatusReporterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.total = options.total;
    if (options.announce !== false) this.emit(false);
  }

  /** Reports `current` bytes (throttled). */
  update(current: number, total?: number): void {
    if (this.ended) return;
    this.current = current;
    if (total !== undefined) this.total = total;
    const now = this.now();
    if (now - this.started < (this.options.quietMs ?? 1000)) return;
    if (now - this.lastEmit < (this.options.intervalMs ?? 100)) return;
    this.emit(false);
  }

  /** Reports the end (once); `current` defaults to the last count, or the total. */
  complete(current?: number): void {
    if (this.ended) return;
    this.ended = true;
    this.current = current ?? (this.current || this.total || 0);
    this.emit(true);
  }

  private emit(completed: boolean): void {
    this.lastEmit = this.now();
    this.sink({
      type: 'status',
      digest: this.digest,
      id: this.id,
      current: this.current,
      ...(this.total === undefined ? {} : { total: this.total }),
      time: this.lastEmit,
      started: this.started,
      ...(completed ? { completed: true } : {}),
    });
  }
}

/** A vertex that is not in the build graph (`exporting to image`, `[internal] load metadata …`). */
export class ProgressVertex {
  readonly digest: Digest;
  private startedAt: number | undefined;
  private ended = false;

  /** `key` tells apart vertices of the same name (default: the name). */
  constructor(
    private readonly sink: ProgressSink,
    readonly name: string,
    key: string = name,
  ) {
    this.digest =
      `sha256:${createHash('sha256').update(`manifold progress vertex\n${key}`).digest('hex')}` as Digest;
  }

  /** Reports the start. */
  start(): this {
    this.startedAt = Date.now();
    this.sink({
      type: 'vertex',
      digest: this.digest,
      name: this.name,
      status: 'started',
      time: this.startedAt,
    });
    return this;
  }

  /** A status of this vertex. */
  status(id: string, options: StatusReporterOptions = {}): StatusReporter {
    return new StatusReporter(this.sink, this.digest, id, options);
  }

  /** A sub-step that is over as soon as it is said (`naming to …`, `exporting manifest …`). */
  note(id: string): void {
    const time = Date.now();
    this.sink({ type: 'status', digest: this.digest, id, current: 0, time, started: time, completed: true });
  }

  /** Reports the end. */
  done(): void {
    this.end('done');
  }

  /** Reports a failure. */
  error(err: unknown): void {
    this.end('error', err instanceof Error ? err.message : String(err));
  }

  /** Starts, runs `fn`, and reports its end. */
  async run<T>(fn: (vertex: this) => Promise<T>): Promise<T> {
    this.start();
    try {
      const result = await fn(this);
      this.done();
      return result;
    } catch (err) {
      this.error(err);
      throw err;
    }
  }

  private end(status: 'done' | 'error', error?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.sink({
      type: 'vertex',
      digest: this.digest,
      name: this.name,
      status,
      time: Date.now(),
      ...(this.startedAt === undefined ? {} : { started: this.startedAt }),
      ...(error === undefined ? {} : { error }),
    });
  }
}

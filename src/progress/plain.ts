/**
 * The plain renderer (`--progress plain`), for CI logs: BuildKit's numbered blocks.
 *
 *   #3 [linux/arm64 build 2/3] RUN make
 *   #3 0.412 compiling…
 *   #3 DONE 1.2s
 *
 *   #4 [linux/arm64 1/2] FROM docker.io/library/alpine@sha256:…
 *   #4 sha256:4abcf2… 3.40MB / 3.40MB 0.2s done
 *   #4 CACHED
 *
 * As BuildKit prints them: vertices are numbered in the order they first appear; a blank line
 * comes before each block but the first; when output moves to another vertex while one is still
 * running, `#N ...` marks the interruption and the next block repeats the header. A vertex that
 * starts while another block is open gets its header with its first output. Log lines carry
 * the seconds since the vertex started (three decimals under 10 s). A status line (pull, push,
 * context transfer) shows `current / total` bytes, its duration when over 0.01 s, and `done`;
 * updates of a running status are printed only after 5 % more of the total or 5 s, as BuildKit
 * throttles them. Transfers that ran a second or more also show their rate (BuildKit does not).
 * Errors print their first line (`#N ERROR: …`, or `#N CANCELED` for steps stopped because
 * another failed); the full message is the command's to print.
 *
 * The renderer is a pure function of the event stream (every time comes from the events), so a
 * rawjson recording replays into the same text (replay.ts).
 */
import type { Digest } from '../oci/digest.js';
import type { LogEvent, ProgressEvent, StatusEvent, VertexEvent } from './events.js';
import { formatLogOffset, formatRate, formatSeconds, formatStatusBytes } from './format.js';

type Stream = 'stdout' | 'stderr';

interface PlainVertex {
  readonly digest: Digest;
  readonly index: number;
  name: string;
  started?: number;
  /** A line still without its newline, and when it began. */
  readonly partial: Record<Stream, { text: string; time: number } | undefined>;
}

/** Below this progress (a fraction of the total) and time, a running status is not reprinted. */
const MIN_PROGRESS_DELTA = 0.05;
const MIN_TIME_DELTA_MS = 5000;
/** A status whose transfer took at least this long shows its rate. */
const RATE_AFTER_MS = 1000;

/** True for the error of a step stopped because another failed (shown as CANCELED). */
export function isCancellation(message: string): boolean {
  return /context canceled$|^(The|This) operation was aborted/.test(message);
}

/** Turns progress events into plain text, written through `write`. */
export class PlainRenderer {
  private readonly vertices = new Map<Digest, PlainVertex>();
  /** Last printed update of each running status, and when each status began. */
  private readonly lastStatus = new Map<string, { current: number; time: number }>();
  private readonly statusStart = new Map<string, number>();
  private current: Digest | undefined;
  private notFirst = false;
  private next = 1;

  constructor(private readonly write: (text: string) => void) {}

  /** Handles one event. */
  handle(event: ProgressEvent): void {
    if (event.type === 'vertex') this.onVertex(event);
    else if (event.type === 'log') this.onLog(event);
    else this.onStatus(event);
  }

  /** Prints log lines still waiting for their newline (call once the build has ended). */
  finish(): void {
    for (const v of this.vertices.values()) {
      if (v.partial.stdout || v.partial.stderr) {
        this.switchTo(v);
        this.flushPartial(v);
      }
    }
  }

  private onVertex(event: VertexEvent): void {
    let v = this.vertices.get(event.digest);
    if (!v) {
      v = {
        digest: event.digest,
        index: this.next++,
        name: event.name,
        partial: { stdout: undefined, stderr: undefined },
      };
      this.vertices.set(event.digest, v);
    }
    v.name = event.name;
    if (event.status === 'started') {
      v.started = event.time;
      // A start does not interrupt another running block; the header comes with the output.
      if (this.current === undefined) this.switchTo(v);
      return;
    }
    this.switchTo(v);
    this.flushPartial(v);
    if (event.status === 'cached') {
      this.line(v, 'CACHED');
    } else if (event.status === 'done') {
      const started = event.started ?? v.started;
      this.line(v, started === undefined ? 'DONE' : `DONE ${formatSeconds(event.time - started)}s`);
    } else {
      const message = (event.error ?? 'failed').split('\n')[0] ?? 'failed';
      this.line(v, isCancellation(message) ? 'CANCELED' : `ERROR: ${message}`);
    }
    this.current = undefined;
  }

  private onLog(event: LogEvent): void {
    const v = this.vertices.get(event.digest);
    if (!v) return;
    const pending = v.partial[event.stream];
    const lines = event.data.split('\n');
    const rest = lines.pop() ?? '';
    if (lines.length > 0) this.switchTo(v);
    let lineTime = pending?.time ?? event.time;
    let head = pending?.text ?? '';
    for (const text of lines) {
      this.line(v, `${formatLogOffset(lineTime - (v.started ?? lineTime))} ${head}${text}`);
      head = '';
      lineTime = event.time;
    }
    v.partial[event.stream] =
      lines.length === 0
        ? { text: head + rest, time: lineTime }
        : rest === ''
          ? undefined
          : { text: rest, time: event.time };
  }

  private onStatus(event: StatusEvent): void {
    const v = this.vertices.get(event.digest);
    if (!v) return;
    const key = `${event.digest} ${event.id}`;
    const started = event.started ?? this.statusStart.get(key) ?? event.time;
    if (!this.statusStart.has(key)) this.statusStart.set(key, started);
    const last = this.lastStatus.get(key);
    if (last && !event.completed) {
      const progress = event.total ? (event.current - last.current) / event.total : 0;
      if (progress < MIN_PROGRESS_DELTA && event.time - last.time < MIN_TIME_DELTA_MS) return;
    }
    this.lastStatus.set(key, { current: event.current, time: event.time });
    this.switchTo(v);
    let bytes = '';
    if (event.total) bytes = ` ${formatStatusBytes(event.current)} / ${formatStatusBytes(event.total)}`;
    else if (event.current) bytes = ` ${formatStatusBytes(event.current)}`;
    const elapsed = event.time - started;
    const rate = bytes && elapsed >= RATE_AFTER_MS ? ` ${formatRate(event.current, elapsed)}` : '';
    const time = elapsed > 10 ? ` ${formatSeconds(elapsed)}s` : '';
    this.line(v, `${event.id}${bytes}${rate}${time}${event.completed ? ' done' : ''}`);
  }

  /** Starts `v`'s block unless output is already in it. */
  private switchTo(v: PlainVertex): void {
    if (this.current === v.digest) return;
    if (this.current !== undefined) {
      const old = this.vertices.get(this.current);
      if (old) this.write(`#${old.index} ...\n`);
    }
    if (this.notFirst) this.write('\n');
    this.notFirst = true;
    this.write(`#${v.index} ${v.name}\n`);
    this.current = v.digest;
  }

  private flushPartial(v: PlainVertex): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const pending = v.partial[stream];
      if (pending)
        this.line(v, `${formatLogOffset(pending.time - (v.started ?? pending.time))} ${pending.text}`);
      v.partial[stream] = undefined;
    }
  }

  private line(v: PlainVertex, text: string): void {
    this.write(`#${v.index} ${text}\n`);
  }
}

/**
 * Progress events: what the solver and the worker report while a build runs, keyed by vertex
 * digest (as BuildKit's progress writer keys its updates). Renderers (plain, tty, rawjson,
 * quiet) consume the same stream; the library itself never writes to stdout or stderr.
 *
 * Every event carries its own time, and renderers read time only from events (the tty view's
 * running timers aside), so a recorded stream (rawjson) replays into the same text.
 */
import type { Digest } from '../oci/digest.js';

/** A vertex began, was found in the cache, finished, or failed. */
export interface VertexEvent {
  readonly type: 'vertex';
  readonly digest: Digest;
  readonly name: string;
  readonly status: 'started' | 'cached' | 'done' | 'error';
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly error?: string;
  /** For `done`, `error` and `cached`: when the vertex started, if the emitter knows. */
  readonly started?: number;
  /** Digests of the vertices this one reads (BuildKit's `inputs`). */
  readonly inputs?: readonly Digest[];
}

/** Output of a running vertex (a RUN step's stdout/stderr). */
export interface LogEvent {
  readonly type: 'log';
  readonly digest: Digest;
  readonly stream: 'stdout' | 'stderr';
  readonly data: string;
  readonly time: number;
}

/** Bytes moved for a transfer inside a vertex (pull, push, context upload). */
export interface StatusEvent {
  readonly type: 'status';
  readonly digest: Digest;
  /** What is moving, e.g. `sha256:abc… 1.2MB / 3.4MB`. */
  readonly id: string;
  readonly current: number;
  readonly total?: number;
  readonly time: number;
  readonly completed?: boolean;
  /** When this transfer or sub-step began (default: the time of its first event). */
  readonly started?: number;
}

/** Every progress event. */
export type ProgressEvent = VertexEvent | LogEvent | StatusEvent;

/** Receives progress events; must not throw. */
export type ProgressSink = (event: ProgressEvent) => void;

/** A sink that drops everything. */
export const discardProgress: ProgressSink = () => {};

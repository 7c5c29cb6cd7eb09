/**
 * The state of a build as the tty view draws it: every vertex in the order it appeared, with
 * its platform (read from its name, `[linux/arm64 2/4] RUN …`), its start and end, whether it
 * was cached, failed or canceled, its statuses (transfers and sub-steps, with bytes), and the
 * last lines it printed. Built from events only.
 */
import type { Digest } from '../oci/digest.js';
import type { ProgressEvent } from './events.js';
import { isCancellation } from './plain.js';

/** A transfer or sub-step of a vertex. */
export interface TraceStatus {
  readonly id: string;
  current: number;
  total?: number;
  readonly started: number;
  time: number;
  completed: boolean;
}

/** One vertex. */
export interface TraceVertex {
  readonly digest: Digest;
  readonly index: number;
  name: string;
  /** `os/arch[/variant]` when the name starts with one, else undefined (shared work). */
  platform: string | undefined;
  started?: number;
  completed?: number;
  cached: boolean;
  error?: string;
  canceled: boolean;
  readonly statuses: TraceStatus[];
  /** The last complete lines of output, newest last. */
  readonly logTail: string[];
  partial: string;
}

/** Lines of output kept per vertex. */
const TAIL = 3;

const PLATFORM = /^\[([a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?)[ \]]/;

/** The platform a vertex name starts with, if any. */
export function platformOfName(name: string): string | undefined {
  return PLATFORM.exec(name)?.[1];
}

/** Removes terminal control sequences and carriage-return overwrites from a line of output. */
export function cleanLogLine(line: string): string {
  const visible = line.slice(line.lastIndexOf('\r') + 1);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what is removed
  return visible.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

/** Vertices and their statuses, updated by events. */
export class ProgressTrace {
  readonly vertices: TraceVertex[] = [];
  private readonly byDigest = new Map<Digest, TraceVertex>();
  /** Time of the first event. */
  start: number | undefined;

  /** Applies one event. */
  apply(event: ProgressEvent): void {
    this.start ??= event.time;
    if (event.type === 'vertex') {
      let v = this.byDigest.get(event.digest);
      if (!v) {
        v = {
          digest: event.digest,
          index: this.vertices.length + 1,
          name: event.name,
          platform: platformOfName(event.name),
          cached: false,
          canceled: false,
          statuses: [],
          logTail: [],
          partial: '',
        };
        this.byDigest.set(event.digest, v);
        this.vertices.push(v);
      }
      v.name = event.name;
      v.platform = platformOfName(event.name);
      if (event.status === 'started') {
        v.started = event.time;
        v.completed = undefined;
        return;
      }
      v.started ??= event.started ?? event.time;
      v.completed = event.time;
      if (event.status === 'cached') v.cached = true;
      if (event.status === 'error') {
        v.error = (event.error ?? 'failed').split('\n')[0] ?? 'failed';
        v.canceled = isCancellation(v.error);
      }
      return;
    }
    const v = this.byDigest.get(event.digest);
    if (!v) return;
    if (event.type === 'log') {
      const lines = (v.partial + event.data).split('\n');
      v.partial = lines.pop() ?? '';
      for (const line of lines) {
        const clean = cleanLogLine(line);
        if (clean.trim() !== '') v.logTail.push(clean);
      }
      if (v.logTail.length > TAIL) v.logTail.splice(0, v.logTail.length - TAIL);
      return;
    }
    let s = v.statuses.find((x) => x.id === event.id);
    if (!s) {
      s = {
        id: event.id,
        current: 0,
        started: event.started ?? event.time,
        time: event.time,
        completed: false,
      };
      v.statuses.push(s);
    }
    s.current = event.current;
    if (event.total !== undefined) s.total = event.total;
    s.time = event.time;
    s.completed = event.completed === true;
  }

  /** Vertices that ended, and all that appeared. */
  counts(): { completed: number; total: number } {
    return {
      completed: this.vertices.filter((v) => v.completed !== undefined).length,
      total: this.vertices.length,
    };
  }
}

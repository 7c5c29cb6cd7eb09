/**
 * The plain renderer (`--progress plain`), for CI logs: BuildKit-style numbered lines.
 *
 *   #3 [linux/arm64 build 2/3] RUN make
 *   #3 0.412 compiling…
 *   #3 DONE 1.2s
 *
 * Vertices are numbered in the order they first appear. Log lines carry the seconds since the
 * vertex started. The renderer is a pure function of the event stream (timings come from the
 * events), so a rawjson recording replays into the same text.
 */
import type { Digest } from '../oci/digest.js';
import type { ProgressEvent } from './events.js';

interface VertexState {
  readonly number: number;
  readonly name: string;
  started?: number;
  partial: Record<'stdout' | 'stderr', string>;
}

/** Turns progress events into plain text lines, written through `write`. */
export class PlainRenderer {
  private readonly vertices = new Map<Digest, VertexState>();
  private next = 1;

  constructor(private readonly write: (text: string) => void) {}

  /** Handles one event. */
  handle(event: ProgressEvent): void {
    const v = this.vertex(event);
    if (!v) return;
    if (event.type === 'vertex') {
      switch (event.status) {
        case 'started':
          v.started = event.time;
          this.write(`#${v.number} ${v.name}\n`);
          break;
        case 'cached':
          this.write(`#${v.number} ${v.name}\n#${v.number} CACHED\n\n`);
          break;
        case 'done':
          this.flushPartial(v, event.time);
          this.write(`#${v.number} DONE ${seconds(event.time - (v.started ?? event.time))}s\n\n`);
          break;
        case 'error':
          this.flushPartial(v, event.time);
          this.write(`#${v.number} ERROR: ${event.error ?? 'failed'}\n\n`);
          break;
      }
    } else if (event.type === 'log') {
      const text = v.partial[event.stream] + event.data;
      const lines = text.split('\n');
      v.partial[event.stream] = lines.pop() ?? '';
      for (const line of lines)
        this.write(`#${v.number} ${seconds(event.time - (v.started ?? event.time))} ${line}\n`);
    } else {
      const total = event.total === undefined ? '' : ` / ${formatBytes(event.total)}`;
      const state = event.completed ? ' done' : '';
      this.write(`#${v.number} ${event.id} ${formatBytes(event.current)}${total}${state}\n`);
    }
  }

  private vertex(event: ProgressEvent): VertexState | undefined {
    let v = this.vertices.get(event.digest);
    if (!v) {
      if (event.type !== 'vertex') return undefined;
      v = { number: this.next++, name: event.name, partial: { stdout: '', stderr: '' } };
      this.vertices.set(event.digest, v);
    }
    return v;
  }

  private flushPartial(v: VertexState, time: number): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (v.partial[stream] !== '') {
        this.write(`#${v.number} ${seconds(time - (v.started ?? time))} ${v.partial[stream]}\n`);
        v.partial[stream] = '';
      }
    }
  }
}

function seconds(ms: number): string {
  return (Math.max(ms, 0) / 1000).toFixed(1);
}

/** Formats a byte count as Docker does (`1.2MB`, decimal units). */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value}B` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)}${units[unit]}`;
}

/**
 * The rawjson format: one JSON object per line, each a BuildKit `SolveStatus` (what
 * `buildx build --progress rawjson` prints), so programs written for buildx read it:
 *
 *   {"vertexes":[{"digest":"sha256:…","inputs":[…],"name":"[2/3] RUN make","started":"…Z"}]}
 *   {"statuses":[{"id":"sha256:…","vertex":"sha256:…","total":3400000,"current":1200000,
 *                 "timestamp":"…Z","started":"…Z"}]}
 *   {"logs":[{"vertex":"sha256:…","stream":1,"data":"<base64>","timestamp":"…Z"}]}
 *
 * Field names, `omitempty` rules and encodings are BuildKit's (`client/graph.go`): times are RFC
 * 3339 (here with milliseconds), log data is base64, stream 1 is stdout and 2 stderr, a vertex
 * update repeats its name and start and adds `completed`, `cached` or `error` when it ends.
 * Manifold writes one event per line (BuildKit batches several); a reader must accept both.
 *
 * {@link SolveStatusEncoder} turns events into these objects; {@link SolveStatusDecoder} turns
 * them back into events (for replay, and for streams recorded by buildx itself).
 */
import type { Digest } from '../oci/digest.js';
import type { ProgressEvent } from './events.js';

/** A vertex as BuildKit reports it. */
export interface SolveVertex {
  readonly digest: string;
  readonly inputs?: readonly string[];
  readonly name?: string;
  readonly started?: string;
  readonly completed?: string;
  readonly cached?: boolean;
  readonly error?: string;
}

/** A sub-step or transfer of a vertex (`VertexStatus`). */
export interface SolveVertexStatus {
  readonly id: string;
  readonly vertex?: string;
  readonly name?: string;
  readonly total?: number;
  readonly current: number;
  readonly timestamp: string;
  readonly started?: string;
  readonly completed?: string;
}

/** Output of a vertex (`VertexLog`); `data` is base64. */
export interface SolveVertexLog {
  readonly vertex?: string;
  readonly stream?: number;
  readonly data: string;
  readonly timestamp: string;
}

/** One rawjson line (`SolveStatus`). */
export interface SolveStatus {
  readonly vertexes?: readonly SolveVertex[];
  readonly statuses?: readonly SolveVertexStatus[];
  readonly logs?: readonly SolveVertexLog[];
  readonly warnings?: readonly unknown[];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function ms(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/** Events → SolveStatus objects; remembers start times so that every update is whole. */
export class SolveStatusEncoder {
  private readonly vertexStart = new Map<Digest, number>();
  private readonly statusStart = new Map<string, number>();

  /** The SolveStatus of one event. */
  encode(event: ProgressEvent): SolveStatus {
    if (event.type === 'vertex') {
      const started = event.started ?? this.vertexStart.get(event.digest) ?? event.time;
      if (event.status === 'started') this.vertexStart.set(event.digest, event.time);
      const vertex: SolveVertex = {
        digest: event.digest,
        ...(event.inputs?.length ? { inputs: [...event.inputs] } : {}),
        name: event.name,
        started: iso(event.status === 'started' ? event.time : started),
        ...(event.status === 'started' ? {} : { completed: iso(event.time) }),
        ...(event.status === 'cached' ? { cached: true } : {}),
        ...(event.status === 'error' ? { error: event.error ?? 'failed' } : {}),
      };
      return { vertexes: [vertex] };
    }
    if (event.type === 'log') {
      const log: SolveVertexLog = {
        vertex: event.digest,
        stream: event.stream === 'stdout' ? 1 : 2,
        data: Buffer.from(event.data, 'utf8').toString('base64'),
        timestamp: iso(event.time),
      };
      return { logs: [log] };
    }
    const key = `${event.digest} ${event.id}`;
    const started = event.started ?? this.statusStart.get(key) ?? event.time;
    this.statusStart.set(key, started);
    const status: SolveVertexStatus = {
      id: event.id,
      vertex: event.digest,
      ...(event.total ? { total: event.total } : {}),
      current: event.current,
      timestamp: iso(event.time),
      started: iso(started),
      ...(event.completed ? { completed: iso(event.time) } : {}),
    };
    return { statuses: [status] };
  }
}

/** SolveStatus objects → events, in the order a renderer needs them. */
export class SolveStatusDecoder {
  private readonly started = new Map<string, number>();
  private readonly ended = new Set<string>();

  /** The events one SolveStatus stands for (vertexes, then statuses, then logs, as BuildKit applies them). */
  decode(status: SolveStatus): ProgressEvent[] {
    const out: ProgressEvent[] = [];
    for (const v of status.vertexes ?? []) this.vertex(v, out);
    for (const s of status.statuses ?? []) {
      if (!s.vertex) continue;
      const time = ms(s.timestamp) ?? 0;
      const started = ms(s.started);
      out.push({
        type: 'status',
        digest: s.vertex as Digest,
        id: s.id,
        current: s.current ?? 0,
        ...(s.total ? { total: s.total } : {}),
        time: ms(s.completed) ?? time,
        ...(s.completed ? { completed: true } : {}),
        ...(started === undefined ? {} : { started }),
      });
    }
    for (const l of status.logs ?? []) {
      if (!l.vertex) continue;
      out.push({
        type: 'log',
        digest: l.vertex as Digest,
        stream: l.stream === 2 ? 'stderr' : 'stdout',
        data: Buffer.from(l.data ?? '', 'base64').toString('utf8'),
        time: ms(l.timestamp) ?? 0,
      });
    }
    return out;
  }

  private vertex(v: SolveVertex, out: ProgressEvent[]): void {
    const digest = v.digest as Digest;
    const name = v.name ?? v.digest;
    const inputs = v.inputs?.length ? { inputs: v.inputs as readonly Digest[] } : {};
    const started = ms(v.started);
    const completed = ms(v.completed);
    if (started === undefined && !v.cached) return; // not started yet: nothing to show
    if (v.cached) {
      if (completed === undefined && this.ended.has(v.digest)) return;
      this.ended.add(v.digest);
      const time = completed ?? started ?? 0;
      out.push({
        type: 'vertex',
        digest,
        name,
        status: 'cached',
        time,
        ...(started === undefined ? {} : { started }),
        ...inputs,
      });
      return;
    }
    // A vertex is announced once per run: first sight, or a new start after it had ended.
    const previous = this.started.get(v.digest);
    if (
      started !== undefined &&
      (previous === undefined || (this.ended.has(v.digest) && previous !== started))
    ) {
      this.started.set(v.digest, started);
      this.ended.delete(v.digest);
      out.push({ type: 'vertex', digest, name, status: 'started', time: started, ...inputs });
    }
    if (completed === undefined || this.ended.has(v.digest)) return;
    this.ended.add(v.digest);
    out.push({
      type: 'vertex',
      digest,
      name,
      status: v.error ? 'error' : 'done',
      time: completed,
      ...(started === undefined ? {} : { started }),
      ...(v.error ? { error: v.error } : {}),
      ...inputs,
    });
  }
}

/** Parses one rawjson line; undefined for blank lines and lines that are not JSON objects. */
export function parseSolveStatusLine(line: string): SolveStatus | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as SolveStatus;
  } catch {
    return undefined;
  }
}

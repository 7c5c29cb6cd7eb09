/**
 * Where a Manifold build's wall time goes, from its `--progress rawjson` events (vertex
 * started/cached/done with epoch-millisecond times) and the harness's own spawn and exit times:
 * - start: spawn → first progress event (node start-up, CLI, Dockerfile parse and conversion,
 *   resolving base images: everything before the solver reports a step);
 * - steps: first progress event → start of "exporting…" (or the last event when there is none):
 *   the solver's steps (pulls, context transfer, RUN, COPY);
 * - export: from there → exit (layers, compression, image assembly, push, process exit).
 * Per vertex kind (FROM, RUN, COPY, context…), the sum of started → done durations.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { median, type RunRecord } from './records.js';

/** Phases of one build, in milliseconds. */
export interface Phases {
  readonly startMs: number;
  readonly stepsMs: number;
  readonly exportMs: number;
  /** Sum of started → done per vertex kind. */
  readonly byKind: Readonly<Record<string, number>>;
}

/** A vertex as the log tells it: name and the times it started and completed (epoch ms). */
interface VertexTimes {
  name: string;
  started?: number;
  completed?: number;
}

function vertexKind(name: string): string {
  if (name.startsWith('[internal]')) return 'context';
  if (name.startsWith('export')) return 'export';
  if (name.includes('internal] load metadata')) return 'metadata';
  const m = /\]\s+([A-Z]+)/.exec(name);
  return m?.[1] ?? 'other';
}

interface OldEvent {
  readonly type: 'vertex';
  readonly digest: string;
  readonly name: string;
  readonly status: string;
  readonly time: number;
}

interface SolveStatusLine {
  readonly vertexes?: { digest: string; name: string; started?: string; completed?: string }[];
  readonly statuses?: { timestamp?: string }[];
  readonly logs?: { timestamp?: string }[];
}

/**
 * Reads both progress formats Manifold has printed for `--progress rawjson`: one event per line
 * (`{"type":"vertex","status":…,"time":ms}`), and BuildKit's SolveStatus lines
 * (`{"vertexes":[{digest,name,started,completed}],"statuses":[…],"logs":[…]}`, RFC 3339 times).
 */
function readProgress(text: string): { vertices: Map<string, VertexTimes>; times: number[] } {
  const vertices = new Map<string, VertexTimes>();
  const times: number[] = [];
  const at = (digest: string, name: string) => {
    const v = vertices.get(digest) ?? { name };
    vertices.set(digest, v);
    return v;
  };
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    const obj = JSON.parse(line) as OldEvent | SolveStatusLine;
    if ('type' in obj && obj.type === 'vertex') {
      times.push(obj.time);
      const v = at(obj.digest, obj.name);
      if (obj.status === 'started') v.started = obj.time;
      if (obj.status === 'done' || obj.status === 'error') v.completed = obj.time;
      continue;
    }
    const status = obj as SolveStatusLine;
    for (const x of status.vertexes ?? []) {
      const v = at(x.digest, x.name);
      if (x.started) v.started = Date.parse(x.started);
      if (x.completed) v.completed = Date.parse(x.completed);
      times.push(...[v.started, v.completed].filter((t): t is number => t !== undefined));
    }
    for (const x of [...(status.statuses ?? []), ...(status.logs ?? [])])
      if (x.timestamp) times.push(Date.parse(x.timestamp));
  }
  return { vertices, times };
}

/** Phases of one Manifold run from its log; undefined when it has no progress events. */
export async function phasesOf(record: RunRecord, repoRoot: string): Promise<Phases | undefined> {
  const text = await readFile(path.join(repoRoot, record.log), 'utf8').catch(() => '');
  const { vertices, times } = readProgress(text);
  if (times.length === 0) return undefined;
  const first = Math.min(...times);
  const exportStarts = [...vertices.values()]
    .filter((v) => vertexKind(v.name) === 'export' && v.started !== undefined)
    .map((v) => v.started!);
  const last = exportStarts.length > 0 ? Math.min(...exportStarts) : Math.max(...times);
  const byKind: Record<string, number> = {};
  for (const v of vertices.values()) {
    if (v.started === undefined || v.completed === undefined) continue;
    const kind = vertexKind(v.name);
    byKind[kind] = (byKind[kind] ?? 0) + (v.completed - v.started);
  }
  const end = record.sample.startedAt + record.sample.wallMs;
  return { startMs: first - record.sample.startedAt, stepsMs: last - first, exportMs: end - last, byKind };
}

/** Median phases of a (scenario, variant)'s Manifold runs. */
export interface PhaseSummary {
  readonly scenario: string;
  readonly variant: string;
  readonly wallMs: number;
  readonly startMs: number;
  readonly stepsMs: number;
  readonly exportMs: number;
  readonly byKind: Readonly<Record<string, number>>;
}

/** Median phases per (scenario, variant) over Manifold's runs. */
export async function summarizePhases(
  records: readonly RunRecord[],
  repoRoot: string,
): Promise<PhaseSummary[]> {
  const groups = new Map<string, { r: RunRecord; p: Phases }[]>();
  for (const r of records) {
    if (r.tool !== 'manifold') continue;
    const p = await phasesOf(r, repoRoot);
    if (!p) continue;
    const key = `${r.scenario}\u0000${r.variant}`;
    groups.set(key, [...(groups.get(key) ?? []), { r, p }]);
  }
  return [...groups.values()].map((list) => {
    const kinds = new Set(list.flatMap(({ p }) => Object.keys(p.byKind)));
    const byKind: Record<string, number> = {};
    for (const k of kinds) byKind[k] = median(list.map(({ p }) => p.byKind[k] ?? 0));
    return {
      scenario: list[0]!.r.scenario,
      variant: list[0]!.r.variant,
      wallMs: median(list.map(({ r }) => r.sample.wallMs)),
      startMs: median(list.map(({ p }) => p.startMs)),
      stepsMs: median(list.map(({ p }) => p.stepsMs)),
      exportMs: median(list.map(({ p }) => p.exportMs)),
      byKind,
    };
  });
}

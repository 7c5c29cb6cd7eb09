/**
 * What a benchmark run records and the statistics made of it: one record per measured run
 * (scenario, variant, tool, repetition), grouped by (scenario, variant, tool) into median, min
 * and max of wall time, CPU time (user + system) and peak RSS, and ratios of medians
 * Manifold/peer per (scenario, variant).
 */
import type { Sample } from './measure.js';

/** One measured run. */
export interface RunRecord {
  readonly scenario: string;
  readonly variant: string;
  /** `manifold`, `buildah`, `podman`, `skopeo`. */
  readonly tool: string;
  /** 1-based repetition. */
  readonly rep: number;
  readonly sample: Sample;
  /** The run's log, relative to the repository root. */
  readonly log: string;
  /** Bytes moved (the big scenario), for throughput. */
  readonly bytes?: number;
  /** What exactly was run, when a scenario has more than one way (big: `pull`, `run`…). */
  readonly how?: string;
}

/** Median, minimum and maximum. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Statistics of one (scenario, variant, tool). */
export interface GroupStats {
  readonly scenario: string;
  readonly variant: string;
  readonly tool: string;
  readonly n: number;
  readonly wallMs: Spread;
  readonly cpuMs: Spread;
  readonly maxRssKb: Spread;
  /** MB/s of the median run, when bytes are known. */
  readonly throughputMBps?: number;
  readonly how?: string;
}

/** The median (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median, min and max of `values`. */
export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Groups records by (scenario, variant, tool), in first-seen order. */
export function groupStats(records: readonly RunRecord[]): GroupStats[] {
  const groups = new Map<string, RunRecord[]>();
  for (const r of records) {
    const key = `${r.scenario}\u0000${r.variant}\u0000${r.tool}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  return [...groups.values()].map((list) => {
    const first = list[0]!;
    const wall = spread(list.map((r) => r.sample.wallMs));
    const bytes = first.bytes;
    return {
      scenario: first.scenario,
      variant: first.variant,
      tool: first.tool,
      n: list.length,
      wallMs: wall,
      cpuMs: spread(list.map((r) => r.sample.userMs + r.sample.sysMs)),
      maxRssKb: spread(list.map((r) => r.sample.maxRssKb)),
      ...(bytes === undefined ? {} : { throughputMBps: bytes / 1e6 / (wall.median / 1000) }),
      ...(first.how === undefined ? {} : { how: first.how }),
    };
  });
}

/** Ratio of medians Manifold/peer for one (scenario, variant), undefined when either is missing. */
export function ratio(
  stats: readonly GroupStats[],
  scenario: string,
  variant: string,
  peer: string,
  peerVariant = variant,
): number | undefined {
  const m = stats.find((s) => s.scenario === scenario && s.variant === variant && s.tool === 'manifold');
  const p = stats.find((s) => s.scenario === scenario && s.variant === peerVariant && s.tool === peer);
  if (!m || !p) return undefined;
  return m.wallMs.median / p.wallMs.median;
}

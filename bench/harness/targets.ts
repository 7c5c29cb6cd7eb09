/**
 * The bars of issue 8, checked against a run's statistics: ratios Manifold/buildah of the
 * median wall times per (scenario, variant); for the big scenario, Manifold's push and pull
 * medians against skopeo's (ratio ≤ 1) and Manifold's peak RSS there (≤ 200 MB).
 */
import { type GroupStats, ratio } from './records.js';

/** One bar and how the run did. */
export interface TargetResult {
  readonly name: string;
  /** `≤ 0.5`, `≤ 200 MB`. */
  readonly bar: string;
  /** The measured value, formatted; `not measured` when a tool or scenario did not run. */
  readonly measured: string;
  readonly value: number | undefined;
  /** undefined when not measured. */
  readonly met: boolean | undefined;
}

const RATIO_TARGETS: readonly { scenario: string; variant: string; max: number }[] = [
  { scenario: 'hello', variant: 'cold', max: 0.5 },
  { scenario: 'hello', variant: 'no-change', max: 0.15 },
  { scenario: 'hello', variant: 'touch', max: 0.15 },
  { scenario: 'hello', variant: 'edit', max: 0.4 },
  { scenario: 'context', variant: 'cold', max: 0.5 },
  { scenario: 'context', variant: 'no-change', max: 0.15 },
  { scenario: 'cross', variant: 'cold', max: 0.4 },
  { scenario: 'stages', variant: 'cold', max: 0.6 },
];

const RSS_LIMIT_MB = 200;

function ratioTarget(name: string, value: number | undefined, max: number): TargetResult {
  return {
    name,
    bar: `≤ ${max}`,
    measured: value === undefined ? 'not measured' : value.toFixed(2),
    value,
    met: value === undefined ? undefined : value <= max,
  };
}

/** Every bar, in the order. */
export function checkTargets(stats: readonly GroupStats[]): TargetResult[] {
  const out = RATIO_TARGETS.map((t) =>
    ratioTarget(
      `${t.scenario} ${t.variant}: Manifold/buildah`,
      ratio(stats, t.scenario, t.variant, 'buildah'),
      t.max,
    ),
  );
  for (const v of ['push', 'pull'])
    out.push(ratioTarget(`big ${v}: Manifold/skopeo`, ratio(stats, 'big', v, 'skopeo'), 1));
  const rss = stats
    .filter(
      (s) => s.scenario === 'big' && s.tool === 'manifold' && (s.variant === 'push' || s.variant === 'pull'),
    )
    .map((s) => (s.maxRssKb.max * 1024) / 1e6);
  const peak = rss.length === 0 ? undefined : Math.max(...rss);
  out.push({
    name: 'big push and pull: Manifold peak RSS',
    bar: `≤ ${RSS_LIMIT_MB} MB`,
    measured: peak === undefined ? 'not measured' : `${peak.toFixed(0)} MB`,
    value: peak,
    met: peak === undefined ? undefined : peak <= RSS_LIMIT_MB,
  });
  return out;
}

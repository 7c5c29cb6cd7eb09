/**
 * Matching platforms, by containerd's rules: which images a given host (or target) can run.
 *
 * A platform's compatibility vector lists, best first, every platform it can run:
 * - amd64/vN runs amd64/vN down to amd64 (v1), then 386;
 * - arm64 runs arm64, then (where the CPU has 32-bit support) arm/v8 down to arm/v5;
 * - arm/vN runs arm/vN down to arm/v5;
 * - anything else runs only itself.
 * Matchers are plain functions and combine; `only` accepts the vector, `onlyStrict` just the
 * platform itself, and `orderedComparer` ranks candidates by their place in the vector.
 */
import { formatPlatform, normalize, type Platform } from './parse.js';

/** Decides whether a platform is acceptable. */
export type PlatformMatcher = (p: Platform) => boolean;

/** Options of {@link compatibilityVector}. */
export interface VectorOptions {
  /** An arm64 CPU that can run 32-bit arm code (most can; some server cores cannot). Default true. */
  arm32?: boolean;
}

const AMD64_LEVELS = ['v4', 'v3', 'v2', ''];

/** Every platform `p` can run, best first (`p` itself first). */
export function compatibilityVector(p: Platform, options: VectorOptions = {}): Platform[] {
  const base = normalize(p);
  const { os } = base;
  const variant = base.variant ?? '';
  const at = (architecture: string, v: string): Platform =>
    v ? { os, architecture, variant: v } : { os, architecture };
  switch (base.architecture) {
    case 'amd64': {
      const start = AMD64_LEVELS.indexOf(variant);
      const levels = start < 0 ? [variant, ''] : AMD64_LEVELS.slice(start);
      return [...levels.map((v) => at('amd64', v)), at('386', '')];
    }
    case 'arm64': {
      const own = variant ? [at('arm64', variant), at('arm64', '')] : [at('arm64', '')];
      return options.arm32 === false ? own : [...own, ...armDown(os, 8)];
    }
    case 'arm':
      return armDown(os, Number.parseInt(variant.slice(1), 10) || 7);
    default:
      return [base];
  }
}

function armDown(os: string, from: number): Platform[] {
  const out: Platform[] = [];
  for (let v = from; v >= 5; v--) out.push({ os, architecture: 'arm', variant: `v${v}` });
  return out;
}

function key(p: Platform): string {
  return formatPlatform(normalize(p));
}

/** Accepts `p` and every platform it can run (see {@link compatibilityVector}). */
export function only(p: Platform, options: VectorOptions = {}): PlatformMatcher {
  const keys = new Set(compatibilityVector(p, options).map(key));
  return (candidate) => keys.has(key(candidate));
}

/** Accepts exactly `p` (after normalization). */
export function onlyStrict(p: Platform): PlatformMatcher {
  const k = key(p);
  return (candidate) => key(candidate) === k;
}

/** Accepts a platform any of the matchers accepts. */
export function anyOf(...matchers: PlatformMatcher[]): PlatformMatcher {
  return (candidate) => matchers.some((m) => m(candidate));
}

/**
 * Ranks candidates for `p`: the lower the rank, the better the match; `undefined` when `p`
 * cannot run the candidate. Sorting by rank picks the manifest a runtime would pick.
 */
export function matchRank(p: Platform, candidate: Platform, options: VectorOptions = {}): number | undefined {
  const k = key(candidate);
  const index = compatibilityVector(p, options).findIndex((v) => key(v) === k);
  return index < 0 ? undefined : index;
}

/** The best candidate for `p`, or undefined when none can run on it. */
export function bestMatch<T extends { platform?: Platform | undefined }>(
  p: Platform,
  candidates: readonly T[],
  options: VectorOptions = {},
): T | undefined {
  let best: T | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (!c.platform) continue;
    const rank = matchRank(p, c.platform, options);
    if (rank !== undefined && rank < bestRank) {
      best = c;
      bestRank = rank;
    }
  }
  return best;
}

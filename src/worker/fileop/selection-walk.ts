/**
 * The walk of one copy source: which entries a copy reads, in which order. The copier and the
 * checksum both use it, so "what COPY reads" has one definition (tonistiigi/fsutil's copier):
 *
 * - A non-directory source is one leaf. A directory source is entered, its entries are visited
 *   depth-first with each directory's names in byte order, then it is left.
 * - Paths are relative to the source (`a/b.txt`); the source itself (``) is never filtered.
 * - `exclude` (COPY --exclude, .dockerignore syntax) leaves out what it matches, using each
 *   directory's results for its children (`matchesUsingParentResults`); an excluded directory is
 *   not read unless a `!` pattern could bring something back.
 * - `include` (COPY --parents' pattern) keeps only what it matches (a matched directory brings all
 *   its contents). A directory on the way to a match is entered lazily, just before the first
 *   kept entry inside it (`included: false`), so that no empty directory is made for nothing.
 *   Directories no include pattern can reach are not read at all.
 * - Entries that vanish while walking are skipped.
 */
import type { Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { EMPTY_MATCH_INFO, type MatchInfo, type PatternMatcher } from '../../dockerfile/ignore/index.js';
import { mapBounded } from './bounded.js';
import { FileOpIoError } from './errors.js';
import { lstatIfPresent } from './fs-probe.js';
import { globMatch } from './go-glob.js';

/** One entry of a source. */
export interface WalkEntry {
  /** Path relative to the source, `/`-separated; `` for the source itself. */
  readonly rel: string;
  /** Host path. */
  readonly abs: string;
  /** Its lstat. */
  readonly stat: Stats;
}

/** What the walk reports, in order. */
export type WalkEvent =
  | { readonly kind: 'enter'; readonly entry: WalkEntry; readonly included: boolean }
  | { readonly kind: 'leave'; readonly entry: WalkEntry; readonly included: boolean }
  | { readonly kind: 'leaf'; readonly entry: WalkEntry };

/** Filters of a walk. */
export interface WalkFilters {
  readonly include?: PatternMatcher;
  readonly exclude?: PatternMatcher;
  readonly signal?: AbortSignal;
}

/** lstat calls in flight while reading one directory. */
const STAT_CONCURRENCY = 16;

interface Pending {
  readonly entry: WalkEntry;
  entered: boolean;
}

interface Decision {
  readonly rel: string;
  readonly abs: string;
  readonly include: boolean;
  readonly excluded: boolean;
  readonly includeInfo: MatchInfo;
  readonly excludeInfo: MatchInfo;
}

/** Walks the source whose top entry is `top` (rel ``). */
export async function* walkSelection(top: WalkEntry, filters: WalkFilters): AsyncGenerator<WalkEvent> {
  if (!top.stat.isDirectory()) {
    yield { kind: 'leaf', entry: top };
    return;
  }
  yield { kind: 'enter', entry: top, included: true };
  yield* walkDir(top, EMPTY_MATCH_INFO, EMPTY_MATCH_INFO, [], filters);
  yield { kind: 'leave', entry: top, included: true };
}

async function* walkDir(
  dir: WalkEntry,
  includeInfo: MatchInfo,
  excludeInfo: MatchInfo,
  pending: readonly Pending[],
  filters: WalkFilters,
): AsyncGenerator<WalkEvent> {
  filters.signal?.throwIfAborted();
  const exclusions = filters.exclude?.exclusions() ?? false;
  const decisions = (await sortedNames(dir.abs)).map((name) =>
    decide(dir, name, includeInfo, excludeInfo, filters),
  );
  const wanted = decisions.filter((d) => d.include || filters.include !== undefined || exclusions);
  const stats = await mapBounded(wanted, STAT_CONCURRENCY, (d) => lstatIfPresent(d.abs), filters.signal);
  for (let i = 0; i < wanted.length; i++) {
    const d = wanted[i]!;
    const stat = stats[i];
    if (stat === undefined) continue;
    const entry: WalkEntry = { rel: d.rel, abs: d.abs, stat };
    if (!stat.isDirectory()) {
      if (!d.include) continue;
      yield* enterPending(pending);
      yield { kind: 'leaf', entry };
      continue;
    }
    if (d.include) {
      yield* enterPending(pending);
      yield { kind: 'enter', entry, included: true };
      yield* walkDir(entry, d.includeInfo, d.excludeInfo, [], filters);
      yield { kind: 'leave', entry, included: true };
      continue;
    }
    if (d.excluded && !exclusions) continue;
    if (!d.excluded && !includeMayMatchBelow(filters.include, d.rel)) continue;
    const self: Pending = { entry, entered: false };
    yield* walkDir(entry, d.includeInfo, d.excludeInfo, [...pending, self], filters);
    if (self.entered) yield { kind: 'leave', entry, included: false };
  }
}

function decide(
  dir: WalkEntry,
  name: string,
  includeInfo: MatchInfo,
  excludeInfo: MatchInfo,
  filters: WalkFilters,
): Decision {
  const rel = dir.rel === '' ? name : `${dir.rel}/${name}`;
  let include = true;
  let nextInclude = EMPTY_MATCH_INFO;
  if (filters.include !== undefined) {
    const r = filters.include.matchesUsingParentResults(rel, includeInfo);
    include = r.matched;
    nextInclude = r.info;
  }
  let excluded = false;
  let nextExclude = EMPTY_MATCH_INFO;
  if (filters.exclude !== undefined) {
    const r = filters.exclude.matchesUsingParentResults(rel, excludeInfo);
    excluded = r.matched;
    nextExclude = r.info;
  }
  return {
    rel,
    abs: `${dir.abs}/${name}`,
    include: include && !excluded,
    excluded,
    includeInfo: nextInclude,
    excludeInfo: nextExclude,
  };
}

function* enterPending(pending: readonly Pending[]): Generator<WalkEvent> {
  for (const p of pending) {
    if (p.entered) continue;
    p.entered = true;
    yield { kind: 'enter', entry: p.entry, included: false };
  }
}

/**
 * False when no include pattern can match anything below directory `rel` (which none matched):
 * true without include patterns, with `!` patterns or `**`, or when every component of `rel`
 * matches the pattern's and the pattern is deeper.
 */
function includeMayMatchBelow(include: PatternMatcher | undefined, rel: string): boolean {
  if (include === undefined || include.exclusions()) return true;
  const dirParts = rel.split('/');
  return include.patterns.some(({ pattern }) => {
    const parts = pattern.split('/');
    if (parts.some((p) => p.includes('**'))) return true;
    if (parts.length <= dirParts.length) return false;
    return dirParts.every((d, i) => globMatch(parts[i]!, d));
  });
}

/** The names in directory `abs`, sorted by their UTF-8 bytes (Go's `os.ReadDir` order). */
export async function sortedNames(abs: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new FileOpIoError(`cannot read directory ${abs}`, err);
  }
  return names
    .map((name) => ({ name, key: Buffer.from(name, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.key, b.key))
    .map((e) => e.name);
}

/** Byte-order comparison of two names (UTF-8), as Go sorts strings. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * moby/patternmatcher's `PatternMatcher`: an ordered list of patterns where a later pattern wins.
 *
 * Building one ({@link PatternMatcher} constructor, Go's `New`): each pattern is trimmed (Go
 * white space), skipped when empty, cleaned (`path.Clean`, so `./a/` is `a`), and a leading `!`
 * after cleaning makes it an exclusion (a lone `!` is an error). The rest must pass Go's
 * `filepath.Match` syntax check, or the constructor throws `E_DOCKERIGNORE_PATTERN`. A pattern
 * that passes that check can still fail to compile to a regexp (`[Local-Only]`: the range `l-O` is
 * backwards for Go's regexp but not for `filepath.Match`): then every match that reaches it
 * throws the same error.
 *
 * Matching a `/`-separated path (not cleaned): patterns are tried in order, skipping an inclusion
 * once the path is matched and an exclusion while it is not, so the last pattern that matches
 * decides. "Matches" means the pattern matches the path or, for the parent-aware calls, one of its
 * parent directories (`a`, `a/b` for `a/b/c`): a pattern that names a directory also covers
 * everything below it.
 */
import { DockerignorePatternError, MatchInfoMismatchError } from './errors.js';
import { globSyntaxProblem } from './glob-syntax.js';
import { cleanPath, dirPath, trimSpace } from './go-path.js';
import { translateGoRegexp } from './go-regexp.js';
import { classifyPattern, type PatternKind } from './pattern-compile.js';

/** One pattern of a matcher, as cleaned. */
export interface IgnorePattern {
  /** The cleaned pattern, without its `!`. */
  readonly pattern: string;
  /** True for a `!` pattern, which re-includes what it matches. */
  readonly exclusion: boolean;
  /** How it is matched (moby/patternmatcher's match type). */
  readonly kind: PatternKind | 'invalid';
}

/**
 * What matching a directory learnt, per pattern, for its children (moby's `MatchInfo`). Use
 * {@link EMPTY_MATCH_INFO} when nothing is known about the parent.
 */
export interface MatchInfo {
  readonly parentMatched: readonly boolean[];
}

/** The `MatchInfo` to pass for a path whose parent was not matched (top level, or unknown). */
export const EMPTY_MATCH_INFO: MatchInfo = Object.freeze({ parentMatched: Object.freeze([]) });

/** Result of {@link PatternMatcher.matchesUsingParentResults}. */
export interface MatchWithInfo {
  readonly matched: boolean;
  /** Pass this when matching the children of `path`. */
  readonly info: MatchInfo;
}

type Test = (path: string) => boolean;

interface Entry extends IgnorePattern {
  /** The pattern split at `/` (moby's `dirs`), for the single-parent legacy match. */
  readonly dirs: readonly string[];
  readonly test: Test | undefined;
  readonly problem: string | undefined;
}

/** An ordered list of compiled `.dockerignore` patterns. Immutable and safe to share. */
export class PatternMatcher {
  readonly #entries: readonly Entry[];
  readonly #exclusions: boolean;

  /** Compiles `patterns` (Go's `patternmatcher.New`); throws `DockerignorePatternError`. */
  constructor(patterns: Iterable<string>) {
    const entries: Entry[] = [];
    for (const raw of patterns) {
      const trimmed = trimSpace(raw);
      if (trimmed === '') continue;
      let text = cleanPath(trimmed);
      const exclusion = text.startsWith('!');
      if (exclusion) {
        if (text.length === 1) throw new DockerignorePatternError(trimmed, 'lone-exclusion');
        text = text.slice(1);
      }
      const syntax = globSyntaxProblem(text);
      if (syntax !== undefined) throw new DockerignorePatternError(text, 'bad-pattern', syntax);
      entries.push(compileEntry(text, exclusion));
    }
    this.#entries = entries;
    this.#exclusions = entries.some((e) => e.exclusion);
  }

  /** The cleaned patterns, in order (moby's `Patterns()`). */
  get patterns(): readonly IgnorePattern[] {
    return this.#entries.map(({ pattern, exclusion, kind }) => ({ pattern, exclusion, kind }));
  }

  /** True when any pattern is a `!` exclusion (moby's `Exclusions()`). */
  exclusions(): boolean {
    return this.#exclusions;
  }

  /** Whether `path` or one of its parent directories is matched: {@link matchesOrParentMatches}. */
  matches(path: string): boolean {
    return this.matchesOrParentMatches(path);
  }

  /** moby's `MatchesOrParentMatches`: the path, or any parent directory, decides per pattern. */
  matchesOrParentMatches(path: string): boolean {
    const parents = parentPrefixes(path);
    let matched = false;
    for (const e of this.#entries) {
      if (e.exclusion !== matched) continue;
      const m = run(e, path) || parents.some((p) => run(e, p));
      if (m) matched = !e.exclusion;
    }
    return matched;
  }

  /** moby's `MatchesExact`: only the path itself, no parent directories. */
  matchesExact(path: string): boolean {
    let matched = false;
    for (const e of this.#entries) {
      if (e.exclusion !== matched) continue;
      if (run(e, path)) matched = !e.exclusion;
    }
    return matched;
  }

  /**
   * moby's deprecated `MatchesUsingParentResult`: starts from the parent's single result and
   * matches only the path itself (wrong in some cases, see docker/buildx#850).
   */
  matchesUsingParentResult(path: string, parentMatched: boolean): boolean {
    let matched = parentMatched;
    for (const e of this.#entries) {
      if (e.exclusion !== matched) continue;
      if (run(e, path)) matched = !e.exclusion;
    }
    return matched;
  }

  /**
   * moby's `MatchesUsingParentResults`: a pattern that matched the parent directory matches the
   * path without being tried again. With {@link EMPTY_MATCH_INFO} it looks at the parent
   * directories itself, as {@link matchesOrParentMatches} does.
   */
  matchesUsingParentResults(path: string, parent: MatchInfo): MatchWithInfo {
    const known = parent.parentMatched;
    if (known.length !== 0 && known.length !== this.#entries.length) {
      throw new MatchInfoMismatchError(this.#entries.length, known.length);
    }
    const parentMatched: boolean[] = new Array<boolean>(this.#entries.length).fill(false);
    let parents: string[] | undefined;
    let matched = false;
    this.#entries.forEach((e, i) => {
      let m = known[i] === true;
      if (!m) {
        if (e.exclusion !== matched) return;
        m = run(e, path);
        if (!m && known.length === 0) {
          parents ??= parentPrefixes(path);
          m = parents.some((p) => run(e, p));
        }
      }
      parentMatched[i] = m;
      if (m) matched = !e.exclusion;
    });
    return { matched, info: { parentMatched } };
  }

  /**
   * moby's deprecated instance `Matches`: like {@link matchesOrParentMatches} but it tries only
   * the parent directory with as many elements as the pattern has.
   */
  matchesLegacy(path: string): boolean {
    const parent = dirPath(path);
    const parentDirs = parent.split('/');
    let matched = false;
    for (const e of this.#entries) {
      if (e.exclusion !== matched) continue;
      let m = run(e, path);
      if (!m && parent !== '.' && e.dirs.length <= parentDirs.length) {
        m = run(e, parentDirs.slice(0, e.dirs.length).join('/'));
      }
      if (m) matched = !e.exclusion;
    }
    return matched;
  }
}

/** The parent directories of `path` from the top (`a`, `a/b` for `a/b/c`); none for `.`. */
function parentPrefixes(path: string): string[] {
  const parent = dirPath(path);
  if (parent === '.') return [];
  const out: string[] = [];
  let prefix: string | undefined;
  for (const element of parent.split('/')) {
    prefix = prefix === undefined ? element : `${prefix}/${element}`;
    out.push(prefix);
  }
  return out;
}

function run(e: Entry, path: string): boolean {
  if (e.test === undefined) throw new DockerignorePatternError(e.pattern, 'bad-pattern', e.problem);
  return e.test(path);
}

function compileEntry(pattern: string, exclusion: boolean): Entry {
  const base = { pattern, exclusion, dirs: pattern.split('/') };
  const c = classifyPattern(pattern);
  if (c.kind !== 'regexp')
    return { ...base, kind: c.kind, test: literalTest(pattern, c.kind), problem: undefined };
  const t = translateGoRegexp(c.goRegexp ?? '');
  if (!t.ok) return { ...base, kind: 'invalid', test: undefined, problem: t.problem };
  const re = t.regexp;
  return { ...base, kind: 'regexp', test: (path) => re.test(path), problem: undefined };
}

function literalTest(pattern: string, kind: Exclude<PatternKind, 'regexp'>): Test {
  if (kind === 'exact') return (path) => path === pattern;
  if (kind === 'prefix') {
    const prefix = pattern.slice(0, -2);
    return (path) => path.startsWith(prefix);
  }
  if (pattern.startsWith('\uFEFF')) return byteSuffixTest(pattern);
  const suffix = pattern.slice(2);
  const bare = suffix.startsWith('/') ? suffix.slice(1) : undefined;
  return (path) => path.endsWith(suffix) || path === bare;
}

/**
 * Go strips the leading `**` of a suffix pattern as two bytes; after a U+FEFF (which the regexp
 * scanner skipped) that cuts into the character, so compare bytes as Go does.
 */
function byteSuffixTest(pattern: string): Test {
  const suffix = Buffer.from(pattern, 'utf8').subarray(2);
  const bare = suffix[0] === 0x2f ? suffix.subarray(1) : undefined;
  return (path) => {
    const p = Buffer.from(path, 'utf8');
    const tail = p.subarray(Math.max(0, p.length - suffix.length));
    return (p.length >= suffix.length && tail.equals(suffix)) || (bare !== undefined && p.equals(bare));
  };
}

/**
 * moby's package-level `Matches(file, patterns)` (deprecated upstream: it looks at one parent
 * directory only): builds a matcher, cleans `file`, and never matches `.`.
 */
export function legacyMatches(file: string, patterns: Iterable<string>): boolean {
  const pm = new PatternMatcher(patterns);
  const cleaned = cleanPath(file);
  return cleaned === '.' ? false : pm.matchesLegacy(cleaned);
}

/** moby's package-level `MatchesOrParentMatches(file, patterns)`; `.` never matches. */
export function matchesOrParentMatches(file: string, patterns: Iterable<string>): boolean {
  const pm = new PatternMatcher(patterns);
  const cleaned = cleanPath(file);
  return cleaned === '.' ? false : pm.matchesOrParentMatches(cleaned);
}

/**
 * Every case of moby/patternmatcher's tests (transcribed in the shared conformance data), run as
 * its README says. Each section collects all failures and prints how many cases ran.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cleanPath, dirPath } from '../../../src/dockerfile/ignore/go-path.js';
import { translateGoRegexp } from '../../../src/dockerfile/ignore/go-regexp.js';
import {
  EMPTY_MATCH_INFO,
  isBadPatternError,
  legacyMatches,
  type MatchInfo,
  PatternMatcher,
  readIgnoreFile,
} from '../../../src/dockerfile/ignore/index.js';
import { classifyPattern } from '../../../src/dockerfile/ignore/pattern-compile.js';
import { conformancePath } from '../../helpers/paths.js';

interface Section<C> {
  description: string;
  cases: C[];
}
interface MatchCase {
  pattern: string;
  path: string;
  expected: boolean;
  unixOnly?: boolean;
}
interface MultiCase {
  patterns: string[];
  path: string;
  expected: boolean;
}
interface SimpleCase {
  patterns: string[];
  path: string;
  expected?: boolean;
  error?: boolean;
}
interface LegacyCase {
  pattern: string;
  path: string;
  expected: boolean;
  error: 'ErrBadPattern' | null;
  unixOnly?: boolean;
}
interface CompileCase {
  pattern: string;
  matchType: 'exactMatch' | 'prefixMatch' | 'suffixMatch' | 'regexpMatch';
  regexp?: string;
  windowsRegexp?: string;
}
interface CleanCase {
  patterns: string[];
  cleanedCount?: number;
  hasExclusions?: boolean;
  error?: boolean;
}
interface Cases {
  matches: Section<MatchCase>;
  multiPattern: Section<MultiCase>;
  simple: Section<SimpleCase>;
  legacyMatch: Section<LegacyCase>;
  compile: Section<CompileCase>;
  cleanPatterns: Section<CleanCase>;
  malformedAtMatchTime: { patterns: string[]; path: string; error: string; repeat: number };
  ignorefile: Section<{ content: string; expected: string[] }>;
}

const data = JSON.parse(
  readFileSync(conformancePath('moby-patternmatcher', 'patternmatcher-cases.json'), 'utf8'),
) as Cases;
const onWindows = process.platform === 'win32';

/** Runs `check` on every case; fails once with the list of all failing cases. */
function runSection<C>(
  t: { diagnostic(msg: string): void },
  name: string,
  cases: readonly C[],
  check: (c: C) => string | undefined,
): void {
  const failures: string[] = [];
  let ran = 0;
  for (const c of cases) {
    if ((c as { unixOnly?: boolean }).unixOnly && onWindows) continue;
    ran++;
    let problem: string | undefined;
    try {
      problem = check(c);
    } catch (err) {
      problem = `threw ${(err as Error).message}`;
    }
    if (problem !== undefined) failures.push(`${JSON.stringify(c)}: ${problem}`);
  }
  t.diagnostic(`${name}: ${ran} cases ran, ${ran - failures.length} passed`);
  assert.deepEqual(failures, []);
  assert.ok(ran > 0, `no ${name} cases ran`);
}

/** The parent directories of `path` as the upstream test walks them (`a`, then `a/b`). */
function parentsOf(path: string): string[] {
  const parent = dirPath(path);
  if (parent === '.') return [];
  const dirs = parent.split('/');
  return dirs.map((_, i) => dirs.slice(0, i + 1).join('/'));
}

/**
 * The matching APIs on one pattern list and path; returns a problem or undefined. The deprecated
 * single-boolean `matchesUsingParentResult` is checked only with one pattern, as upstream does: with
 * several it is known to be wrong (docker/buildx#850), and the multiPattern cases show it.
 */
function checkAllApis(patterns: string[], path: string, expected: boolean): string | undefined {
  const pm = new PatternMatcher(patterns);
  const results: Record<string, boolean> = {};
  results.matchesOrParentMatches = pm.matchesOrParentMatches(path);
  results.matches = pm.matches(path);
  if (patterns.length === 1) {
    let parentMatched = false;
    for (const p of parentsOf(path)) parentMatched = pm.matchesUsingParentResult(p, parentMatched);
    results.matchesUsingParentResult = pm.matchesUsingParentResult(path, parentMatched);
  }
  let info: MatchInfo = EMPTY_MATCH_INFO;
  for (const p of parentsOf(path)) info = pm.matchesUsingParentResults(p, info).info;
  results.matchesUsingParentResults = pm.matchesUsingParentResults(path, info).matched;
  results.matchesUsingParentResultsNoContext = pm.matchesUsingParentResults(path, EMPTY_MATCH_INFO).matched;
  const wrong = Object.entries(results).filter(([, v]) => v !== expected);
  return wrong.length === 0 ? undefined : `expected ${expected} from ${wrong.map(([k]) => k).join(', ')}`;
}

function throwsBadPattern(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (err) {
    return isBadPatternError(err);
  }
}

function throwsAny(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (err) {
    return err instanceof Error && (err as { code?: string }).code === 'E_DOCKERIGNORE_PATTERN';
  }
}

test('matches: one pattern, every matching API', (t) => {
  runSection(t, 'matches', data.matches.cases, (c) => checkAllApis([c.pattern], c.path, c.expected));
});

test('multiPattern: ordered patterns, later ! re-includes', (t) => {
  runSection(t, 'multiPattern', data.multiPattern.cases, (c) => checkAllApis(c.patterns, c.path, c.expected));
});

test('simple: package-level Matches helper', (t) => {
  runSection(t, 'simple', data.simple.cases, (c) => {
    if (c.error) return throwsAny(() => legacyMatches(c.path, c.patterns)) ? undefined : 'expected an error';
    const got = legacyMatches(c.path, c.patterns);
    return got === c.expected ? undefined : `got ${got}`;
  });
});

test('legacyMatch: Go filepath.Match table through Matches', (t) => {
  runSection(t, 'legacyMatch', data.legacyMatch.cases, (c) => {
    if (c.error === 'ErrBadPattern') {
      return throwsBadPattern(() => legacyMatches(c.path, [c.pattern]))
        ? undefined
        : 'expected ErrBadPattern';
    }
    const got = legacyMatches(c.path, [c.pattern]);
    return got === c.expected ? undefined : `got ${got}`;
  });
});

test('compile: match type and Go regexp, for / and \\ separators', (t) => {
  const kinds = { exactMatch: 'exact', prefixMatch: 'prefix', suffixMatch: 'suffix', regexpMatch: 'regexp' };
  runSection(t, 'compile', data.compile.cases, (c) => {
    const cleaned = cleanPath(c.pattern);
    const unix = classifyPattern(cleaned);
    const windows = classifyPattern(cleaned.replaceAll('/', '\\'), '\\');
    if (unix.kind !== kinds[c.matchType]) return `kind ${unix.kind}`;
    if (windows.kind !== kinds[c.matchType]) return `windows kind ${windows.kind}`;
    if (c.matchType !== 'regexpMatch') return undefined;
    if (unix.goRegexp !== c.regexp) return `regexp ${unix.goRegexp}`;
    if (windows.goRegexp !== c.windowsRegexp) return `windows regexp ${windows.goRegexp}`;
    const translated = translateGoRegexp(unix.goRegexp ?? '');
    return translated.ok ? undefined : `does not translate: ${translated.problem}`;
  });
});

test('cleanPatterns: trimming, empty patterns, exclusions', (t) => {
  runSection(t, 'cleanPatterns', data.cleanPatterns.cases, (c) => {
    if (c.error) return throwsAny(() => new PatternMatcher(c.patterns)) ? undefined : 'expected an error';
    const pm = new PatternMatcher(c.patterns);
    if (c.cleanedCount !== undefined && pm.patterns.length !== c.cleanedCount)
      return `${pm.patterns.length} kept`;
    if (c.hasExclusions !== undefined && pm.exclusions() !== c.hasExclusions)
      return `exclusions ${pm.exclusions()}`;
    return undefined;
  });
});

test('malformedAtMatchTime: accepted when built, ErrBadPattern on every match', (t) => {
  const c = data.malformedAtMatchTime;
  runSection(t, 'malformedAtMatchTime', [c], () => {
    const pm = new PatternMatcher(c.patterns);
    for (let i = 0; i < c.repeat; i++) {
      if (!throwsBadPattern(() => pm.matchesOrParentMatches(c.path))) return `call ${i + 1} did not fail`;
      if (!throwsBadPattern(() => pm.matchesUsingParentResults(c.path, EMPTY_MATCH_INFO))) {
        return `matchesUsingParentResults call ${i + 1} did not fail`;
      }
    }
    return undefined;
  });
});

test('ignorefile: reading a .dockerignore', (t) => {
  runSection(t, 'ignorefile', data.ignorefile.cases, (c) => {
    const fromText = readIgnoreFile(c.content);
    const fromBytes = readIgnoreFile(new TextEncoder().encode(c.content));
    assert.deepEqual(fromText, c.expected);
    assert.deepEqual(fromBytes, c.expected);
    return undefined;
  });
});

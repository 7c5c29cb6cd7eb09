/**
 * Upstream rules the conformance data leaves implicit: match-type quirks, Go regexp escapes that
 * a backslash lets into a pattern, Go white space and path cleaning, `.dockerignore` line rules,
 * error shapes, and the directory pruner.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globSyntaxProblem } from '../../../src/dockerfile/ignore/glob-syntax.js';
import { cleanPath, dirPath, trimSpace } from '../../../src/dockerfile/ignore/go-path.js';
import { translateGoRegexp } from '../../../src/dockerfile/ignore/go-regexp.js';
import {
  DockerignorePatternError,
  EMPTY_MATCH_INFO,
  isBadPatternError,
  PatternMatcher,
  readIgnoreFile,
} from '../../../src/dockerfile/ignore/index.js';
import { DirPruner } from '../../../src/dockerfile/ignore/prune.js';

/** [patterns, path, expected] for matchesOrParentMatches. */
const MATCH_ROWS: ReadonlyArray<[string[], string, boolean]> = [
  // a leading-** literal is a suffix match: it matches inside a name too (upstream quirk)
  [['**file'], 'dir/xfile', true],
  [['**/file'], 'dir/xfile', false],
  [['**/file'], 'file', true],
  // a backslash lets Go regexp escapes through
  [['file\\d'], 'file7', true],
  [['file\\d'], 'filed', false],
  [['\\x41*'], 'Abc', true],
  [['a\\.b'], 'a.b', true],
  [['a\\.b'], 'axb', false],
  [['\\Qa.b'], 'a\\.b$', true],
  [['\\Qa.b'], 'a\\.b$x', true],
  [['\\Qa.b'], 'a.b', false],
  [['x[[:digit:]]'], 'x5', true],
  [['x[[:digit:]]'], 'xa', false],
  [['x[^[:digit:]]'], 'xa', true],
  [['\\pL*'], 'élan', true],
  [['\\pL\\pN'], 'x1', true],
  // a negated class also matches "/", so it can cross directories
  [['a[^x]b'], 'a/b', true],
  // "*" inside brackets becomes a class then a star: [a[^/]*] is a class {a,[,^,/}* and a "]"
  [['[a*]'], 'aa]', true],
  [['[a*]'], 'a', false],
  // path cleaning
  [['./a/b/'], 'a/b/c', true],
  [['a/../b'], 'b', true],
  [['/abs'], 'abs', false],
  [['!/abs', '**'], 'abs', true],
  // exclusions in order
  [['docs', '!docs/keep', 'docs/keep/secret'], 'docs/keep/secret/x', true],
  [['docs', '!docs/keep', 'docs/keep/secret'], 'docs/keep/other', false],
  [['*', '!*/'], 'x', false],
];

describe('PatternMatcher rules', () => {
  it('matches as moby/patternmatcher does', () => {
    const failures = MATCH_ROWS.filter(
      ([patterns, p, want]) => new PatternMatcher(patterns).matchesOrParentMatches(p) !== want,
    );
    assert.deepEqual(failures, []);
  });

  it('stays fast on stacked ** (a backtracking engine would not be)', () => {
    const pm = new PatternMatcher(['**/**/**/**/**/**/x']);
    const deep = Array.from({ length: 80 }, (_, i) => `d${i}`).join('/');
    const start = performance.now();
    assert.equal(pm.matchesOrParentMatches(`${deep}/y`), false);
    assert.equal(pm.matchesOrParentMatches(`${deep}/x`), true);
    assert.equal(pm.matchesOrParentMatches('x'), true);
    assert.ok(performance.now() - start < 500, 'matching took too long');
  });

  it('distinguishes exact matches from parent matches', () => {
    const pm = new PatternMatcher(['**/dir']);
    assert.equal(pm.matchesExact('dir/file'), false);
    assert.equal(pm.matchesOrParentMatches('dir/file'), true);
    // the legacy call compares only the parent with as many elements as the pattern (2 > 1)
    assert.equal(pm.matchesLegacy('dir/file'), false);
  });

  it('legacy Matches looks only at the parent with as many elements as the pattern', () => {
    const pm = new PatternMatcher(['a/*']);
    assert.equal(pm.matchesLegacy('a/b/c/d'), true);
    const deep = new PatternMatcher(['*/b']);
    assert.equal(deep.matchesLegacy('x/b/c/d'), true);
    const one = new PatternMatcher(['b']);
    assert.equal(one.matchesLegacy('a/b/c'), false);
    assert.equal(one.matchesOrParentMatches('a/b/c'), false);
  });

  it('keeps the deprecated single-boolean parent API as upstream has it (buildx#850)', () => {
    const pm = new PatternMatcher(['**', '!util/docker/web']);
    let parent = false;
    for (const p of ['util', 'util/docker', 'util/docker/web'])
      parent = pm.matchesUsingParentResult(p, parent);
    assert.equal(pm.matchesUsingParentResult('util/docker/web/foo', parent), true);
    assert.equal(pm.matchesOrParentMatches('util/docker/web/foo'), false);
  });

  it('carries parent results and rejects a MatchInfo of another matcher', () => {
    const pm = new PatternMatcher(['a', '!a/b']);
    const a = pm.matchesUsingParentResults('a', EMPTY_MATCH_INFO);
    assert.deepEqual(a, { matched: true, info: { parentMatched: [true, false] } });
    const b = pm.matchesUsingParentResults('a/b', a.info);
    assert.deepEqual(b, { matched: false, info: { parentMatched: [true, true] } });
    assert.equal(pm.matchesUsingParentResults('a/b/c', b.info).matched, false);
    assert.throws(() => pm.matchesUsingParentResults('x', { parentMatched: [true] }), {
      code: 'E_DOCKERIGNORE_MATCH_INFO',
    });
  });

  it('reports the cleaned patterns, exclusions and match kinds', () => {
    const pm = new PatternMatcher([
      ' ./docs/ ',
      '',
      '!docs/README.md',
      '**/x',
      'a/**',
      '*.go',
      '[Local-Only]',
    ]);
    assert.deepEqual(pm.patterns, [
      { pattern: 'docs', exclusion: false, kind: 'exact' },
      { pattern: 'docs/README.md', exclusion: true, kind: 'exact' },
      { pattern: '**/x', exclusion: false, kind: 'suffix' },
      { pattern: 'a/**', exclusion: false, kind: 'prefix' },
      { pattern: '*.go', exclusion: false, kind: 'regexp' },
      { pattern: '[Local-Only]', exclusion: false, kind: 'invalid' },
    ]);
    assert.equal(pm.exclusions(), true);
    assert.equal(new PatternMatcher(['a']).exclusions(), false);
  });

  it('skips a malformed pattern that evaluation never reaches, as upstream', () => {
    const pm = new PatternMatcher(['a', '[Local-Only]']);
    assert.equal(pm.matchesOrParentMatches('a'), true);
    assert.throws(() => pm.matchesOrParentMatches('b'), isBadPatternError);
  });

  it('throws errors that quote the pattern, with stable codes', () => {
    assert.throws(
      () => new PatternMatcher(['ok', '  !  ']),
      (err: unknown) =>
        err instanceof DockerignorePatternError &&
        err.code === 'E_DOCKERIGNORE_PATTERN' &&
        err.problem === 'lone-exclusion' &&
        err.message.includes('"!"'),
    );
    assert.throws(
      () => new PatternMatcher(['src/[a-']),
      (err: unknown) =>
        isBadPatternError(err) && err.pattern === 'src/[a-' && err.message.includes('"src/[a-"'),
    );
    assert.throws(
      () => new PatternMatcher(['[Local-Only]/']).matches('x'),
      (err: unknown) => isBadPatternError(err) && /l-O/.test(err.message) && err.hint !== undefined,
    );
    assert.throws(() => new PatternMatcher(['\\q']).matches('q'), isBadPatternError);
    // "{" is escaped before Go reads the regexp, so only one-letter \pX classes are usable
    assert.throws(() => new PatternMatcher(['\\p{Greek}*']).matches('a'), isBadPatternError);
  });
});

describe('filepath.Match syntax check', () => {
  it('accepts and rejects as Go does', () => {
    const ok = [
      'abc',
      '*',
      'a[b-d]',
      '[^a]',
      '[\\]a]',
      '[\\-]',
      'a\\*',
      '[a*]',
      '[Local-Only]',
      'a]',
      '\\q',
      '**/x',
    ];
    const bad = ['[', 'a[', '[]a]', '[-]', '[x-]', '[a-b-c]', '\\', 'a\\', '[^', '[\\', 'ok*[', '*[a'];
    assert.deepEqual(
      ok.filter((p) => globSyntaxProblem(p) !== undefined),
      [],
    );
    assert.deepEqual(
      bad.filter((p) => globSyntaxProblem(p) === undefined),
      [],
    );
  });
});

describe('Go regexp translation', () => {
  /** [Go source, subject, expected match]; the source must translate. */
  const rows: ReadonlyArray<[string, string, boolean]> = [
    ['^a.b$', 'a\nb', false],
    ['^a.b$', 'a\rb', true],
    ['^[^a]$', '\n', true],
    ['^\\s$', '\v', false],
    ['^\\s$', '\t', true],
    ['^\\w+$', 'é', false],
    ['^\\101\\x42\\x{43}$', 'ABC', true],
    ['^\\0$', '\0', true],
    ['^[\\d-]$', '-', true],
    ['^[a-]$', '-', true],
    ['^[]a]$', ']', true],
    ['^[[:^alpha:]]$', '1', true],
    ['^[[:^alpha:]]$', 'a', false],
    ['^\\pN$', '٣', true],
    ['^\\p{^L}$', '1', true],
    ['^\\PL$', 'a', false],
    ['^\\p{Any}$', '\u{1F600}', true],
    ['^\\pC$', '\u0378', false],
    ['^\\AX\\z', 'X', true],
    ['^a\\Q.*\\E+$', 'a.*', true],
    ['^a\\Q.*\\E+$', 'a.**', true],
    ['^(ab)?c$', 'c', true],
    ['^(ab|cd)+$', 'abcd', true],
    ['^a{2}$', 'aa', true],
    ['^a{,2}$', 'a{,2}', true],
    ['^a*?b$', 'aab', true],
    ['a\\bb', 'a b', false],
    ['^\\^$', '^', true],
    ['^a]$', 'a]', true],
    ['^a}$', 'a}', true],
  ];

  it('matches as Go would', () => {
    const failures = rows.filter(([src, subject, want]) => {
      const t = translateGoRegexp(src);
      return !t.ok || t.regexp.test(subject) !== want;
    });
    assert.deepEqual(failures, []);
  });

  it('rejects what Go rejects', () => {
    const bad = [
      '[Local-Only]',
      '\\q',
      '\\8',
      '\\1',
      '\\x4',
      '\\x{}',
      '\\C',
      '[[:foo:]]',
      '\\p{Nope}',
      '\\pX',
      '[a',
      'a**',
      'a*+',
      '*a',
      '(a',
      'a)',
      'a{1001}',
      '[z-a]',
      '\\',
      '\\é',
      '[\\b]',
      '(?i)a',
    ];
    const accepted = bad.filter((src) => translateGoRegexp(src).ok);
    assert.deepEqual(accepted, []);
    const r = translateGoRegexp('[Local-Only]');
    assert.equal(r.ok ? '' : r.problem, 'invalid character class range: `l-O`');
  });
});

describe('Go path and space rules', () => {
  it('cleans paths like path.Clean and finds parents like filepath.Dir', () => {
    const clean: ReadonlyArray<[string, string]> = [
      ['', '.'],
      ['./', '.'],
      ['a//b/./c/', 'a/b/c'],
      ['../a/../..', '../..'],
      ['/../a', '/a'],
      ['/', '/'],
      ['!./a', '!./a'],
    ];
    assert.deepEqual(
      clean.map(([p]) => cleanPath(p)),
      clean.map(([, c]) => c),
    );
    assert.deepEqual(['a/b/c', 'a/b/', 'a', '/', '/a', ''].map(dirPath), ['a/b', 'a/b', '.', '/', '/', '.']);
  });

  it('trims Go white space (U+0085 yes, U+FEFF no)', () => {
    assert.equal(trimSpace('\u0085\u3000 a b\t\r\n'), 'a b');
    assert.equal(trimSpace('\uFEFFa'), '\uFEFFa');
  });
});

describe('readIgnoreFile', () => {
  it('follows ReadAll line by line', () => {
    const content = '\uFEFF# comment\r\n  # not a comment\n\uFEFFb\n!  ./c/../d/ \r\n/\n!/\n\n\t\nlast';
    assert.deepEqual(readIgnoreFile(content), ['# not a comment', '\uFEFFb', '!d', '/', '!/', 'last']);
    assert.deepEqual(readIgnoreFile(''), []);
    assert.deepEqual(readIgnoreFile('\n\n'), []);
    assert.deepEqual(readIgnoreFile(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])), ['a']);
  });

  it('fails on a line of 64 KiB or more, as bufio.Scanner does', () => {
    assert.deepEqual(readIgnoreFile(`${'a'.repeat(65535)}\nb`).length, 2);
    assert.throws(
      () => readIgnoreFile(`x\n${'a'.repeat(65536)}`, '/ctx/.dockerignore'),
      (err: Error & { code?: string }) => {
        return err.code === 'E_DOCKERIGNORE_READ' && err.message.includes('/ctx/.dockerignore: line 2');
      },
    );
  });
});

describe('DirPruner', () => {
  it('knows when nothing inside a directory can be matched', () => {
    const pm = new PatternMatcher([
      'x',
      '!node_modules/keep',
      '!a/*/c/d',
      '!**/z',
      '!q/[ab]/r',
      '!s/t',
      '!u*/v?',
    ]);
    const pruner = new DirPruner(pm.patterns, true);
    const rows: ReadonlyArray<[string, boolean]> = [
      ['node_modules', true],
      ['node_modules/keep', false],
      ['node_modules/other', false],
      ['a/b', true],
      ['a/b/c', true],
      ['a/b/x', false],
      ['q', true],
      ['q/c/d', true],
      ['s/t', false],
      ['s/t/u', false],
      ['up', true],
      ['up/vv', false],
    ];
    const noDoubleStar = new DirPruner(new PatternMatcher(['x', '!a/*/c/d', '!s/t']).patterns, true);
    assert.deepEqual(
      rows.map(([dir]) => pruner.couldMatchBelow(dir)),
      rows.map(() => true),
      'a "**" exclusion can match anywhere',
    );
    assert.deepEqual(
      ['a/b', 'a/b/x', 'b', 's', 's/t', 'q'].map((d) => noDoubleStar.couldMatchBelow(d)),
      [true, false, false, true, false, false],
    );
    const withoutStar = new DirPruner(
      new PatternMatcher(['!node_modules/keep', '!a/*/c/d', '!q/[ab]/r', '!s/t', '!u*/v?']).patterns,
      true,
    );
    assert.deepEqual(
      rows.map(([dir]) => withoutStar.couldMatchBelow(dir)),
      rows.map(([, want]) => want),
    );
  });

  it('looks at include (non-!) patterns for an include list', () => {
    const pruner = new DirPruner(new PatternMatcher(['src/*.ts', '!src/skip']).patterns, false);
    assert.equal(pruner.couldMatchBelow('src'), true);
    assert.equal(pruner.couldMatchBelow('lib'), false);
    assert.equal(pruner.couldMatchBelow('src/sub'), false);
  });
});

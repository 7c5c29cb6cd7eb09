/**
 * Go `filepath.Match` semantics of wildcard sources, checked against the Go match table that the
 * moby-patternmatcher conformance data carries (`legacyMatch`: Go's filepath.Match tests run
 * through moby's legacy helper). That helper also matches a pattern against the parent directory
 * of a path, which `filepath.Match` does not: those rows are checked without it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { globMatch, hasWildcards, splitWildcards } from '../../../src/worker/fileop/go-glob.js';
import { conformancePath } from '../../helpers/paths.js';

interface Row {
  pattern: string;
  path: string;
  expected: boolean;
  error: string | null;
}

const rows: Row[] = JSON.parse(
  readFileSync(conformancePath('moby-patternmatcher', 'patternmatcher-cases.json'), 'utf8'),
).legacyMatch.cases;

let checked = 0;
after(() => console.log(`go-glob: ${checked} filepath.Match rows checked`));

describe('globMatch (Go filepath.Match)', () => {
  for (const row of rows) {
    // moby's legacy helper also tries the parent "ab" of "ab/c"; filepath.Match does not.
    const parentOnly = row.path.includes('/') && row.expected && !row.pattern.includes('/');
    const want = row.error === null && row.expected && !parentOnly;
    test(`${JSON.stringify(row.pattern)} ~ ${JSON.stringify(row.path)} → ${want}`, () => {
      assert.equal(globMatch(row.pattern, row.path), want);
      checked++;
    });
  }

  test('extra rows from Go filepath.Match', () => {
    const extra: Array<[string, string, boolean]> = [
      ['a*', 'ab/c', false],
      ['*', '', true],
      ['', '', true],
      ['', 'a', false],
      ['[^a-c]', 'd', true],
      ['[^a-c]', 'b', false],
      ['*.txt', '.hidden.txt', true],
      ['\\[a]', '[a]', true],
      ['a\\', 'a', false],
    ];
    for (const [p, s, want] of extra) assert.equal(globMatch(p, s), want, `${p} ~ ${s}`);
    checked += extra.length;
  });
});

describe('wildcard split', () => {
  test('escaped characters are not wildcards', () => {
    assert.equal(hasWildcards('a\\*b'), false);
    assert.equal(hasWildcards('a*b'), true);
    assert.equal(hasWildcards('[x]'), true);
  });

  test('the plain part ends before the first wildcard component', () => {
    assert.deepEqual(splitWildcards(['src', 'app', '*.go']), { base: ['src', 'app'], pattern: ['*.go'] });
    assert.deepEqual(splitWildcards(['a?', 'b', 'c']), { base: [], pattern: ['a?', 'b', 'c'] });
    assert.deepEqual(splitWildcards(['a', 'b']), { base: ['a', 'b'], pattern: [] });
  });
});

/**
 * `--call=check` over the golden cases (test/fixtures/call): text and JSON output must equal
 * the expected files, and every rule Manifold runs must fire in at least one case.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { lintDockerfile, RULES } from '../../../src/dockerfile/lint/index.js';
import { assertGolden, callCases, renderCheck } from './call-fixtures.js';

const cases = callCases();
let compared = 0;

for (const c of cases) {
  test(`check golden: ${c.name}`, () => {
    assertGolden(c, 'expected-check.txt', renderCheck(c, 'text'));
    assertGolden(c, 'expected-check.json', renderCheck(c, 'json'));
    compared += 2;
  });
}

test('every rule fires in some golden case', () => {
  const fired = new Set<string>();
  for (const c of cases)
    for (const w of lintDockerfile(c.dockerfile, c.options).warnings) fired.add(w.ruleName);
  const missing = Object.keys(RULES).filter((name) => !fired.has(name));
  assert.deepEqual(missing, [], `rules without a triggering fixture: ${missing.join(', ')}`);
});

test('a clean Dockerfile has no warnings', () => {
  const clean = cases.find((c) => c.name === 'clean');
  assert.ok(clean);
  const result = lintDockerfile(clean.dockerfile, clean.options);
  assert.deepEqual(result.warnings, []);
  assert.equal(result.buildError, undefined);
});

after(() => console.log(`check golden cases: ${cases.length}, outputs compared: ${compared}`));

/** `--call=targets` and `--call=outline` over the golden cases (test/fixtures/call). */
import { after, test } from 'node:test';
import { assertGolden, callCases, renderOutline, renderTargets } from '../dockerfile-lint/call-fixtures.js';

const cases = callCases();
let compared = 0;

for (const c of cases) {
  test(`targets golden: ${c.name}`, () => {
    assertGolden(c, 'expected-targets.txt', renderTargets(c, 'text'));
    assertGolden(c, 'expected-targets.json', renderTargets(c, 'json'));
    compared += 2;
  });
  test(`outline golden: ${c.name}`, () => {
    assertGolden(c, 'expected-outline.txt', renderOutline(c, 'text'));
    assertGolden(c, 'expected-outline.json', renderOutline(c, 'json'));
    compared += 2;
  });
}

after(() => console.log(`targets/outline golden cases: ${cases.length}, outputs compared: ${compared}`));

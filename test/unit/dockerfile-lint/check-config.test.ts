/** The `# check=` directive, read as BuildKit's `ParseLintOptions`. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  type CheckConfig,
  DEFAULT_CHECK_CONFIG,
  parseCheckConfig,
} from '../../../src/dockerfile/lint/index.js';

const ROWS: readonly [string, Partial<CheckConfig> | { problem: string }][] = [
  ['', {}],
  ['   ', {}],
  ['skip=all', { skipAll: true }],
  ['skip=JSONArgsRecommended, StageNameCasing', { skipRules: ['JSONArgsRecommended', 'StageNameCasing'] }],
  ['error=true', { returnAsError: true }],
  ['error=1', { returnAsError: true }],
  ['error=False', { returnAsError: false }],
  [' skip = A ; error=TRUE', { skipRules: ['A'], returnAsError: true }],
  ['experimental=all', { experimentalAll: true }],
  ['experimental=CopyIgnoredFile;skip=all', { experimentalRules: ['CopyIgnoredFile'], skipAll: true }],
  // at most three parts: the third keeps its `;`
  [
    'skip=A;error=true;experimental=B;C',
    { skipRules: ['A'], returnAsError: true, experimentalRules: ['B;C'] },
  ],
  ['skipp=all', { problem: 'invalid check option "skipp"' }],
  ['all', { problem: 'invalid check option "all"' }],
  [
    'error=yes',
    { problem: 'failed to parse check option "error=yes": strconv.ParseBool: parsing "yes": invalid syntax' },
  ],
];

for (const [input, expected] of ROWS) {
  test(`check directive ${JSON.stringify(input)}`, () => {
    const got = parseCheckConfig(input);
    if ('problem' in expected) assert.deepEqual(got, expected);
    else assert.deepEqual(got, { ...DEFAULT_CHECK_CONFIG, ...expected });
  });
}

after(() => console.log(`check directive rows: ${ROWS.length}`));

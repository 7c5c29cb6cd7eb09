import assert from 'node:assert/strict';
import { readFileSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanEntryName, resolveInRoot, TooManyLinksError } from '../../../src/layer/index.js';
import { conformancePath } from '../../helpers/paths.js';
import { type FsOp, runOps, tempDir } from './fs-fixture.js';

interface ScopedCase {
  id: string;
  setup: FsOp[];
  checks: Array<{ scope: string; unresolved: string; expected?: string; error?: string }>;
}

const data = JSON.parse(
  readFileSync(conformancePath('reliability', 'scoped-path-resolution.json'), 'utf8'),
) as {
  cases: ScopedCase[];
};

describe('scoped-path-resolution.json', () => {
  let cases = 0;
  let checks = 0;
  after(() =>
    console.log(
      `scoped-path-resolution.json: ${cases}/${data.cases.length} cases ran (${checks} checks), 0 skipped`,
    ),
  );

  for (const c of data.cases) {
    it(c.id, async (t) => {
      const fixture = tempDir('scoped');
      try {
        await runOps(fixture, c.setup);
        for (const check of c.checks) {
          const root = path.join(fixture, check.scope);
          if (check.error === 'too-many-links') {
            assert.throws(() => resolveInRoot(root, check.unresolved), TooManyLinksError);
          } else {
            const got = resolveInRoot(root, check.unresolved);
            assert.equal(
              got,
              check.expected === '' ? root : path.join(root, check.expected!),
              JSON.stringify(check),
            );
          }
          checks++;
        }
        cases++;
        t.diagnostic(`${c.checks.length} check(s)`);
      } finally {
        rmSync(fixture, { recursive: true, force: true });
      }
    });
  }

  it('special cases: "/" as root resolves like the host; an empty path is the root', () => {
    assert.equal(resolveInRoot('/', '/bin/sh'), realpathSync('/bin/sh'));
    const dir = tempDir('scoped-empty');
    try {
      assert.equal(resolveInRoot(dir, ''), dir);
      assert.equal(resolveInRoot(dir, '/'), dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cleanEntryName', () => {
  const rows: Array<[string, string, boolean]> = [
    ['a/b', 'a/b', false],
    ['/a/b/', 'a/b', false],
    ['./a//b/.', 'a/b', false],
    ['a/b/..', 'a', false],
    ['', '', false],
    ['.', '', false],
    ['/', '', false],
    ['..', '..', true],
    ['../x', '../x', true],
    ['/../x', '../x', true],
    ['a/../../x', '../x', true],
    ['..gitme', '..gitme', false],
    ['dne/../.wh.etc', '.wh.etc', false],
  ];
  for (const [input, rel, escapes] of rows) {
    it(JSON.stringify(input), () => assert.deepEqual(cleanEntryName(input), { rel, escapes }));
  }
});

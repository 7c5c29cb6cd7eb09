/**
 * BuildKit's own parser fixtures (../shared/conformance/buildkit-dockerfile-parser): every
 * positive case must dump exactly as its `result`, every negative case must be rejected, and the
 * line numbers of `testfile-line` must match.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DockerfileParseError, dumpAst, parseDockerfile } from '../../../src/dockerfile/parser/index.js';
import { conformancePath } from '../../helpers/paths.js';

const ROOT = conformancePath('buildkit-dockerfile-parser');

function caseDirs(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

test('parser golden: testfiles', async (t) => {
  const cases = caseDirs('testfiles');
  assert.ok(cases.length >= 33, `expected at least 33 cases, found ${cases.length}`);
  for (const name of cases) {
    await t.test(name, () => {
      const source = readFileSync(path.join(ROOT, 'testfiles', name, 'Dockerfile'));
      const expected = readFileSync(path.join(ROOT, 'testfiles', name, 'result'), 'utf8');
      assert.equal(`${dumpAst(parseDockerfile(source))}\n`, expected);
    });
  }
  t.diagnostic(`parser golden: ${cases.length} cases`);
});

test('parser golden: testfiles-negative', async (t) => {
  const cases = caseDirs('testfiles-negative');
  assert.ok(cases.length >= 4, `expected at least 4 cases, found ${cases.length}`);
  for (const name of cases) {
    await t.test(name, () => {
      const source = readFileSync(path.join(ROOT, 'testfiles-negative', name, 'Dockerfile'));
      assert.throws(() => parseDockerfile(source), DockerfileParseError);
    });
  }
  t.diagnostic(`parser negative: ${cases.length} cases`);
});

interface LineRange {
  startLine: number;
  endLine: number;
}

test('parser golden: testfile-line line numbers', (t) => {
  const spec = JSON.parse(readFileSync(path.join(ROOT, 'parser-unit-cases.json'), 'utf8')).lineNumbers as {
    file: string;
    root: LineRange;
    children: LineRange[];
  };
  const ast = parseDockerfile(readFileSync(path.join(ROOT, spec.file)));
  assert.deepEqual({ startLine: ast.startLine, endLine: ast.endLine }, spec.root);
  assert.deepEqual(
    ast.children.map((c) => ({ startLine: c.startLine, endLine: c.endLine })),
    spec.children,
  );
  t.diagnostic(`parser line numbers: 1 file, ${spec.children.length} instructions`);
});

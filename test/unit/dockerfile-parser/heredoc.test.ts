/** BuildKit's heredoc test tables (heredoc-cases.json), every case. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  chompHeredocContent,
  heredocsFromLine,
  parseDockerfile,
  parseHeredocWord,
} from '../../../src/dockerfile/parser/index.js';
import { conformancePath } from '../../helpers/paths.js';

interface HeredocSpec {
  name: string;
  content: string;
  expand: boolean;
  chomp: boolean;
  fileDescriptor: number;
}

const cases = JSON.parse(
  readFileSync(conformancePath('buildkit-dockerfile-parser', 'heredoc-cases.json'), 'utf8'),
) as {
  extractsHeredoc: {
    dockerfile: string;
    expect: { childIndex: number; instructionLine: string; heredocs: HeredocSpec[] | null }[];
  };
  jsonFormHasNoHeredocs: { dockerfile: string; childIndexesWithoutHeredocs: number[] };
  chomp: { input: string; expected: string }[];
  parseHeredocWord: { valid: string[]; invalid: string[]; notHeredoc: string[] };
  heredocsFromLine: { cases: { line: string; heredocNames: string[] | null }[] };
};

test('heredoc: extracts heredocs', (t) => {
  const ast = parseDockerfile(cases.extractsHeredoc.dockerfile);
  assert.equal(ast.children[0]?.original, 'FROM alpine:3.6');
  for (const e of cases.extractsHeredoc.expect) {
    const child = ast.children[e.childIndex];
    assert.ok(child, `child ${e.childIndex} missing`);
    assert.equal(child.original, e.instructionLine, `child ${e.childIndex}`);
    assert.deepEqual(
      child.heredocs.map((h) => ({ ...h })),
      e.heredocs ?? [],
      `heredocs of ${e.instructionLine}`,
    );
  }
  t.diagnostic(`heredoc extraction: ${cases.extractsHeredoc.expect.length} cases`);
});

test('heredoc: JSON form has none', (t) => {
  const ast = parseDockerfile(cases.jsonFormHasNoHeredocs.dockerfile);
  for (const i of cases.jsonFormHasNoHeredocs.childIndexesWithoutHeredocs) {
    const child = ast.children[i];
    assert.ok(child, `child ${i} missing`);
    assert.equal(child.json, true);
    assert.deepEqual(child.heredocs, []);
  }
  t.diagnostic(`heredoc JSON form: ${cases.jsonFormHasNoHeredocs.childIndexesWithoutHeredocs.length} cases`);
});

test('heredoc: chomp', (t) => {
  for (const c of cases.chomp) assert.equal(chompHeredocContent(c.input), c.expected);
  t.diagnostic(`heredoc chomp: ${cases.chomp.length} cases`);
});

test('heredoc: single words', (t) => {
  const { valid, invalid, notHeredoc } = cases.parseHeredocWord;
  for (const word of valid) assert.equal(parseHeredocWord(word)?.name, 'EOF', word);
  for (const word of invalid)
    assert.throws(() => parseHeredocWord(word), /unexpected end of statement/, word);
  for (const word of notHeredoc) assert.equal(parseHeredocWord(word), undefined, word);
  t.diagnostic(
    `heredoc words: ${valid.length} valid, ${invalid.length} invalid, ${notHeredoc.length} not heredocs`,
  );
});

test('heredoc: markers on a line', (t) => {
  // As BuildKit's test does: the names found are compared by position with the expected ones.
  for (const c of cases.heredocsFromLine.cases) {
    const names = heredocsFromLine(c.line).map((h) => h.name);
    if (c.heredocNames === null) {
      assert.deepEqual(names, [], c.line);
      continue;
    }
    assert.ok(names.length <= c.heredocNames.length, c.line);
    names.forEach((name, i) => {
      assert.equal(name, c.heredocNames?.[i], c.line);
    });
  }
  t.diagnostic(`heredoc lines: ${cases.heredocsFromLine.cases.length} cases`);
});

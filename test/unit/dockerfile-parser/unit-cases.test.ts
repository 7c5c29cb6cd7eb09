/** BuildKit's smaller parser test tables (parser-unit-cases.json), every section and case. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  DockerfileParseError,
  detectSyntax,
  MAX_LINE_BYTES,
  NOT_STRING_ARRAY,
  parseDirective,
  parseDirectives,
  parseDockerfile,
  parseInstructionLine,
  parseJsonStringArray,
  parseWords,
} from '../../../src/dockerfile/parser/index.js';
import { conformancePath } from '../../helpers/paths.js';

interface DirectiveCase {
  key?: string;
  text: string;
  found: boolean;
  ref?: string;
  cmdline?: string;
  line?: number;
}

const unit = JSON.parse(
  readFileSync(conformancePath('buildkit-dockerfile-parser', 'parser-unit-cases.json'), 'utf8'),
) as {
  parseWords: { cases: { input: string; expected: string[] }[] };
  emptyContinuationWarnings: {
    dockerfile: string;
    warningCount: number;
    warningShortContains: string[][];
  };
  lineTooLong: { error: string; maxLineBytes: number };
  jsonArrayOfStrings: { valid: { input: string; expected: string[] }[]; invalid: string[] };
  nameVal: { cases: { instruction: string; args: string; expectedValues?: string[]; error?: boolean }[] };
  directives: { cases: { text: string; expected: { name: string; value: string }[] }[] };
  detectSyntax: { cases: DirectiveCase[] };
  parseDirective: { cases: DirectiveCase[] };
};

test('unit: parseWords', (t) => {
  for (const c of unit.parseWords.cases) assert.deepEqual(parseWords(c.input, '\\'), c.expected, c.input);
  t.diagnostic(`parseWords: ${unit.parseWords.cases.length} cases`);
});

test('unit: empty continuation lines warn', (t) => {
  const spec = unit.emptyContinuationWarnings;
  const ast = parseDockerfile(spec.dockerfile);
  assert.equal(ast.warnings.length, spec.warningCount);
  spec.warningShortContains.forEach((parts, i) => {
    for (const part of parts) assert.ok(ast.warnings[i]?.short.includes(part), `warning ${i}: ${part}`);
  });
  assert.match(ast.warnings[0]?.detail ?? '', /will become errors in a future release/);
  t.diagnostic(`empty continuation warnings: 1 case, ${ast.warnings.length} warnings`);
});

test('unit: line too long', (t) => {
  assert.equal(MAX_LINE_BYTES, unit.lineTooLong.maxLineBytes);
  const long = `\n\t\tFROM image\n\t\tLABEL test=${'a'.repeat(65536)}\n`;
  assert.throws(
    () => parseDockerfile(long),
    (err: unknown) => err instanceof DockerfileParseError && err.reason === unit.lineTooLong.error,
  );
  // The limit itself: 65535 bytes pass, 65536 do not (multi-byte characters count as bytes).
  const prefix = 'LABEL x=';
  assert.doesNotThrow(() => parseDockerfile(`${prefix}${'a'.repeat(MAX_LINE_BYTES - prefix.length)}\n`));
  assert.throws(() => parseDockerfile(`${prefix}${'a'.repeat(MAX_LINE_BYTES - prefix.length + 1)}`));
  assert.throws(() => parseDockerfile(`${prefix}${'é'.repeat(32764)}\n`), DockerfileParseError);
  t.diagnostic('line too long: 1 case + 3 boundary checks');
});

test('unit: JSON arrays of strings', (t) => {
  const { valid, invalid } = unit.jsonArrayOfStrings;
  for (const c of valid) assert.deepEqual(parseJsonStringArray(c.input), c.expected, c.input);
  for (const input of invalid) {
    assert.throws(() => parseJsonStringArray(input), { message: NOT_STRING_ARRAY }, input);
  }
  t.diagnostic(`JSON arrays: ${valid.length} valid, ${invalid.length} invalid`);
});

test('unit: name/value pairs', (t) => {
  for (const c of unit.nameVal.cases) {
    const line = `${c.instruction} ${c.args}`;
    if (c.error) {
      assert.throws(() => parseInstructionLine(line, '\\'), {
        message: `${c.instruction} must have two arguments`,
      });
    } else {
      assert.deepEqual(parseInstructionLine(line, '\\').args, c.expectedValues, line);
    }
  }
  t.diagnostic(`name/value: ${unit.nameVal.cases.length} cases`);
});

test('unit: directives', (t) => {
  for (const c of unit.directives.cases) {
    assert.deepEqual(
      parseDirectives(c.text).map((d) => ({ name: d.name, value: d.value })),
      c.expected,
      c.text,
    );
  }
  t.diagnostic(`directives: ${unit.directives.cases.length} cases`);
});

function checkDirectiveCase(c: DirectiveCase, found: ReturnType<typeof detectSyntax>): void {
  assert.equal(found !== undefined, c.found, c.text);
  if (c.ref !== undefined) assert.equal(found?.ref ?? '', c.ref, c.text);
  if (c.cmdline !== undefined) assert.equal(found?.cmdline ?? '', c.cmdline, c.text);
  if (c.line !== undefined) assert.equal(found?.line, c.line, c.text);
}

test('unit: detect syntax', (t) => {
  for (const c of unit.detectSyntax.cases) checkDirectiveCase(c, detectSyntax(c.text));
  // The BOM case also as bytes.
  checkDirectiveCase(
    { text: 'bom', found: true, ref: 'myfrontend', line: 1 },
    detectSyntax(Buffer.from('\ufeff# syntax = myfrontend\nFROM busybox\n')),
  );
  t.diagnostic(`detect syntax: ${unit.detectSyntax.cases.length} cases`);
});

test('unit: parse directive', (t) => {
  for (const c of unit.parseDirective.cases) checkDirectiveCase(c, parseDirective(c.key ?? 'check', c.text));
  t.diagnostic(`parse directive: ${unit.parseDirective.cases.length} cases`);
});

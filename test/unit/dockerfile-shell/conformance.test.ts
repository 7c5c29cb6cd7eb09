// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the test data are shell words, where ${…} is literal text
/**
 * BuildKit's shell-lexer conformance data (conformance/buildkit-shell-lexer): every case that
 * applies on Linux must pass. Cases marked `W` (Windows only) are skipped and counted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  envFromList,
  envFromRecord,
  ShellExpansionError,
  ShellLexer,
} from '../../../src/dockerfile/shell/index.js';
import { readEnvVarCases, readLexerUnitCases, readWordsCases } from './fixtures.js';

const lexer = new ShellLexer('\\');

/** Runs `fn` and returns the expansion error it throws (fails if it throws nothing or another error). */
function expansionError(fn: () => unknown, what: string): ShellExpansionError {
  try {
    const value = fn();
    assert.fail(`${what}: expected an error, got ${JSON.stringify(value)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    assert.ok(
      err instanceof ShellExpansionError,
      `${what}: expected a ShellExpansionError, got ${String(err)}`,
    );
    assert.equal(err.code, 'E_DOCKERFILE_EXPAND');
    return err;
  }
}

describe('envVarTest (single-word expansion)', () => {
  it('expands every case that applies on Linux', (t) => {
    const cases = readEnvVarCases();
    assert.equal(cases.length, 230, 'the README counts 230 cases');
    const env = envFromRecord({ PWD: '/home', SHELL: 'bash', KOREAN: '한국어', NULL: '' });
    let ran = 0;
    let skipped = 0;
    let errors = 0;
    for (const c of cases) {
      if (c.platform === 'W') {
        skipped++;
        continue;
      }
      const where = `envVarTest:${c.line} ${JSON.stringify(c.input)}`;
      if (c.expected === undefined) {
        expansionError(() => lexer.processWord(c.input, env), where);
        errors++;
      } else {
        assert.equal(lexer.processWord(c.input, env), c.expected, where);
      }
      ran++;
    }
    assert.equal(ran, 228);
    assert.equal(skipped, 2);
    assert.equal(errors, 36);
    t.diagnostic(
      `envVarTest: ${ran} cases ran (${errors} expecting an error), ${skipped} skipped as Windows-only`,
    );
  });
});

describe('wordsTest (expansion and word splitting)', () => {
  it('splits every case as BuildKit does', (t) => {
    const { cases, envLines } = readWordsCases();
    assert.equal(cases.length, 24, 'the README counts 24 cases');
    assert.equal(envLines, 4);
    let errors = 0;
    for (const c of cases) {
      const where = `wordsTest:${c.line} ${JSON.stringify(c.input)}`;
      if (c.expected === undefined) {
        expansionError(() => lexer.processWords(c.input, c.env), where);
        errors++;
      } else {
        assert.deepEqual(lexer.processWords(c.input, c.env), c.expected, where);
      }
    }
    assert.equal(errors, 1);
    t.diagnostic(
      `wordsTest: ${cases.length} cases ran (${errors} expecting an error), 0 skipped as Windows-only`,
    );
  });
});

describe('lexer-unit-cases.json', () => {
  const data = readLexerUnitCases();

  it('processWordWithMatches: results and matched/unmatched sets', (t) => {
    const { cases } = data.processWordWithMatches;
    assert.equal(cases.length, 47);
    let notGuaranteed = 0;
    for (const [i, c] of cases.entries()) {
      const where = `processWordWithMatches[${i}] ${JSON.stringify(c.input)}`;
      if (c.notGuaranteed) notGuaranteed++;
      const env = envFromRecord(c.env);
      if (c.error) {
        expansionError(() => lexer.processWordWithMatches(c.input, env), where);
        continue;
      }
      const got = lexer.processWordWithMatches(c.input, env);
      assert.equal(got.result, c.expected, where);
      assert.deepEqual(new Set(got.matched), new Set(c.matched), `${where}: matched`);
      assert.deepEqual(new Set(got.unmatched), new Set(c.unmatched), `${where}: unmatched`);
    }
    assert.equal(notGuaranteed, 5);
    t.diagnostic(
      `processWordWithMatches: ${cases.length} cases ran (${notGuaranteed} of them "not guaranteed"), 0 skipped as Windows-only`,
    );
  });

  it('processWordPlatform: nested alternate value', (t) => {
    const { input, cases } = data.processWordPlatform;
    for (const [i, c] of cases.entries()) {
      assert.equal(lexer.processWord(input, envFromRecord(c.env)), c.expected, `processWordPlatform[${i}]`);
    }
    assert.equal(cases.length, 3);
    t.diagnostic(`processWordPlatform: ${cases.length} cases ran, 0 skipped as Windows-only`);
  });

  it('mandatoryEnvVars: ${V?msg} and ${V:?msg}, with the expanded message in the error', (t) => {
    const { cases } = data.mandatoryEnvVars;
    for (const [i, c] of cases.entries()) {
      const where = `mandatoryEnvVars[${i}] ${JSON.stringify(c.input)} with ${JSON.stringify(c.env)}`;
      const env = envFromList(c.env);
      if (c.errorContains !== undefined) {
        const err = expansionError(() => lexer.processWord(c.input, env), where);
        assert.ok(err.message.includes(c.errorContains), `${where}: message ${JSON.stringify(err.message)}`);
      } else {
        assert.equal(lexer.processWord(c.input, env), c.expected, where);
      }
    }
    assert.equal(cases.length, 6);
    t.diagnostic(`mandatoryEnvVars: ${cases.length} cases ran, 0 skipped as Windows-only`);
  });

  it('envListLookup: NAME=value lists, last entry wins', (t) => {
    const { cases } = data.envListLookup;
    for (const [i, c] of cases.entries()) {
      assert.equal(envFromList(c.env).get(c.name) ?? '', c.expected, `envListLookup[${i}]`);
    }
    assert.equal(cases.length, 7);
    t.diagnostic(`envListLookup: ${cases.length} cases ran, 0 skipped as Windows-only`);
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the test data are shell words, where ${…} is literal text
/** The matched/unmatched sets of processWordWithMatches, and the variable scopes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EMPTY_ENV,
  envFromList,
  envFromRecord,
  layeredEnv,
  type ShellEnv,
  ShellLexer,
} from '../../../src/dockerfile/shell/index.js';

const lexer = new ShellLexer();

function sets(word: string, env: ShellEnv): { result: string; matched: string[]; unmatched: string[] } {
  const got = lexer.processWordWithMatches(word, env);
  return { result: got.result, matched: [...got.matched].sort(), unmatched: [...got.unmatched].sort() };
}

describe('processWordWithMatches sets', () => {
  const env = envFromRecord({ A: 'x', EMPTY: '', TARGETARCH: 'arm64' });

  const cases: ReadonlyArray<[string, string, string[], string[]]> = [
    // word, result, matched, unmatched
    ['plain', 'plain', [], []],
    ['$A', 'x', ['A'], []],
    ['${EMPTY}', '', ['EMPTY'], []],
    ['$NOPE${NOPE}', '', [], ['NOPE']],
    // the word after a modifier is processed before the variable is looked up, so a name in it
    // counts as read even when the default is not used (a stage with this reads TARGETARCH)
    ['${A:-$TARGETARCH}', 'x', ['A', 'TARGETARCH'], []],
    ['${A:+${B}}', '', ['A'], ['B']],
    ['${Z:-${Y:-$A}}', 'x', ['A'], ['Y', 'Z']],
    ['${A#$B}', 'x', ['A'], ['B']],
    ['${A/$B/$C}', 'x', ['A'], ['B', 'C']],
    // positional and special parameters are looked up like names
    ['$1${2}$@', '', [], ['1', '2', '@']],
    // nothing is looked up inside single quotes or after an escaped $
    ["'$A'", '$A', [], []],
    ['\\$A', '$A', [], []],
    ['"$A"', 'x', ['A'], []],
    ['$', '$', [], []],
    ['$.', '$.', [], []],
    // names take Unicode letters and digits
    ['$A한', '', [], ['A한']],
    ['${A}한', 'x한', ['A'], []],
  ];
  for (const [word, result, matched, unmatched] of cases) {
    it(`${word} → ${JSON.stringify(result)}, matched ${matched.join(',') || '∅'}, unmatched ${unmatched.join(',') || '∅'}`, () => {
      assert.deepEqual(sets(word, env), { result, matched, unmatched });
    });
  }

  it('keeps no state between calls', () => {
    const first = lexer.processWordWithMatches('$A $X', env);
    const second = lexer.processWordWithMatches('$Y', env);
    assert.deepEqual([...first.matched], ['A']);
    assert.deepEqual([...first.unmatched], ['X']);
    assert.deepEqual([...second.matched], []);
    assert.deepEqual([...second.unmatched], ['Y']);
  });

  it('processWord and processWords give the same result text and words', () => {
    assert.equal(lexer.processWord('${A} b', env), 'x b');
    assert.deepEqual(lexer.processWords('${A} b', env), ['x', 'b']);
  });
});

describe('variable scopes', () => {
  it('a ReadonlyMap is a scope as it is', () => {
    const map: ReadonlyMap<string, string> = new Map([['A', '1']]);
    assert.equal(lexer.processWord('$A$B', map), '1');
  });

  it('envFromRecord reads own properties only', () => {
    const env = envFromRecord({ A: '1' });
    assert.equal(env.get('A'), '1');
    assert.equal(env.get('toString'), undefined);
    assert.equal(env.get('constructor'), undefined);
    assert.deepEqual([...env.keys()], ['A']);
  });

  it('envFromList: first "=" splits, no "=" means empty, last entry wins', () => {
    const env = envFromList(['A=b=c', 'B', 'C=1', 'C=2', '=x']);
    assert.equal(env.get('A'), 'b=c');
    assert.equal(env.get('B'), '');
    assert.equal(env.get('C'), '2');
    assert.equal(env.get(''), 'x');
    assert.equal(env.get('D'), undefined);
  });

  it('layeredEnv: the first scope that defines a name wins, an empty value included', () => {
    const stageEnv = envFromRecord({ A: 'env', E: '' });
    const stageArgs = envFromRecord({ A: 'arg', B: 'arg', E: 'arg' });
    const globalArgs = new Map([
      ['B', 'global'],
      ['C', 'global'],
    ]);
    const env = layeredEnv(stageEnv, stageArgs, globalArgs);
    assert.equal(lexer.processWord('$A/$B/$C/${E:-unset}/${E-unset}', env), 'env/arg/global/unset/');
    assert.deepEqual([...env.keys()], ['A', 'E', 'B', 'C']);
    const got = lexer.processWordWithMatches('$C$D', env);
    assert.deepEqual([...got.matched], ['C']);
    assert.deepEqual([...got.unmatched], ['D']);
  });

  it('EMPTY_ENV defines nothing', () => {
    assert.equal(lexer.processWord('a${X:-b}$Y', EMPTY_ENV), 'ab');
    assert.deepEqual([...EMPTY_ENV.keys()], []);
  });
});

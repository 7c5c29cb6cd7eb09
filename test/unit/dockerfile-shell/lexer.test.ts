// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the test data are shell words, where ${…} is literal text
/** Lexer switches, escape characters, word splitting and patterns, beyond the conformance data. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envFromRecord, ShellLexer } from '../../../src/dockerfile/shell/index.js';

const lexer = new ShellLexer();
const env = envFromRecord({ A: 'x', EMPTY: '', SPACED: ' a  b ', PATH_: '/usr/local/bin:/usr/bin' });

describe('escape characters', () => {
  const backtick = new ShellLexer('`');
  const cases: ReadonlyArray<[string, string]> = [
    ['C:\\dir\\$A', 'C:\\dir\\x'],
    ['`$A', '$A'],
    ['a` b', 'a b'],
    ['"`"`$A"', '"$A'],
    ['"a`b"', 'a`b'],
    ['"a``b"', 'a`b'],
    ['a`', 'a'],
  ];
  for (const [word, expected] of cases) {
    it(`with \`: ${word} → ${expected}`, () => assert.equal(backtick.processWord(word, env), expected));
  }
});

describe('switches', () => {
  it('rawQuotes keeps the quote characters', () => {
    const lex = lexer.with({ rawQuotes: true });
    assert.equal(lex.processWord(`"a $A"'$A'b`, env), `"a x"'$A'b`);
    assert.deepEqual(lex.processWords(`x "a b" ''`, env), ['x', '"a b"', "''"]);
  });

  it('rawEscapes keeps the escape characters', () => {
    const lex = lexer.with({ rawEscapes: true });
    assert.equal(lex.processWord('a\\$A \\\\ b\\', env), 'a\\$A \\\\ b\\');
    assert.equal(lex.processWord('"\\$A \\t"', env), '\\$A \\\\t');
  });

  it('skipProcessQuotes treats quotes as ordinary characters', () => {
    const lex = lexer.with({ skipProcessQuotes: true });
    assert.equal(lex.processWord(`'$A' "$A`, env), `'x' "x`);
    assert.deepEqual(lex.processWords(`'a b'`, env), ["'a", "b'"]);
  });

  it('skipUnsetEnv leaves unset variables as written and expands set ones', () => {
    const lex = lexer.with({ skipUnsetEnv: true });
    const word = '$U ${U} ${U:-d} ${U+a} ${U#p} ${U%%p} ${U/a/b} ${U//a/b} $1 | $A ${A:-d} ${EMPTY:-d}';
    assert.equal(
      lex.processWord(word, env),
      '$U ${U} ${U:-d} ${U+a} ${U#p} ${U%%p} ${U/a/b} ${U//a/b} $1 | x x d',
    );
  });

  it('with() returns a new lexer and leaves the original alone', () => {
    const lex = lexer.with({ skipUnsetEnv: true });
    assert.equal(lex.options.skipUnsetEnv, true);
    assert.equal(lex.escapeToken, '\\');
    assert.equal(lexer.options.skipUnsetEnv, false);
    assert.equal(lexer.processWord('$U', env), '');
    assert.ok(Object.isFrozen(lexer.options));
  });
});

describe('processWords splitting', () => {
  const cases: ReadonlyArray<[string, string[]]> = [
    ['', []],
    ['""', []],
    ["a '' b", ['a', 'b']],
    ['a${SPACED}b', ['a', 'a', 'b', 'b']],
    ['"${SPACED}"', [' a  b ']],
    ['a\\ b c', ['a b', 'c']],
    ['a\tb\nc', ['a', 'b', 'c']],
    // Unicode white space splits too (Go's unicode.IsSpace)
    ['a\u00a0b\u3000c', ['a', 'b', 'c']],
    // text around a modifier stays in its word
    ['p${U:-a b}s', ['pa', 'bs']],
    ['p${A:+a b}s', ['pa', 'bs']],
    ['80/${PROTO:-tcp} 443', ['80/tcp', '443']],
  ];
  for (const [word, words] of cases) {
    it(`${JSON.stringify(word)} → ${JSON.stringify(words)}`, () => {
      assert.deepEqual(lexer.processWords(word, env), words);
    });
  }
});

describe('patterns', () => {
  const penv = envFromRecord({
    F: 'a.b.c',
    BR: '[ab]x',
    EMOJI: '😀x😀',
    NL: 'a\nb',
    ABC: 'abc',
    T0: '<$0>',
    T1: '$1|${0}|$$|$|${x',
    URL: 'http://h/p',
  });
  const cases: ReadonlyArray<[string, string]> = [
    ['${F#*.}', 'b.c'],
    ['${F##*.}', 'c'],
    ['${F%.*}', 'a.b'],
    ['${F%%.*}', 'a'],
    ['${F#x}', 'a.b.c'],
    ['${F%}', 'a.b.c'],
    // no bracket expressions: [ and ] are literal
    ['${BR#[ab]}', 'x'],
    ['${BR#[a]}', '[ab]x'],
    // ? is one code point, not one UTF-16 unit
    ['${EMOJI#?}', 'x😀'],
    ['${EMOJI%?}', '😀x'],
    ['${EMOJI//?/.}', '...'],
    // * and ? do not match a newline
    ['${NL#*b}', 'a\nb'],
    ['${NL##*}', '\nb'],
    ['${NL/?/-}', '-\nb'],
    // / replaces the first match, // every match, with Go's rule for empty matches
    ['${F/./-}', 'a-b.c'],
    ['${F//./-}', 'a-b-c'],
    ['${ABC//*/-}', '-'],
    ['${ABC//x*/-}', 'abc'],
    ['${ABC//b*/-}', 'a-'],
    ['${ABC///-}', '-a-b-c-'],
    ['${URL/#http/s}', 'http://h/p'],
    ['${URL/http:\\/\\//https://}', 'https://h/p'],
    // the replacement of // is a Go template: $0 is the match, $$ is $, other names are empty
    ['${ABC//?/$T0}', '<a><b><c>'],
    ['${ABC//b/$T1}', 'a|b|$|$|${xc'],
    // the replacement of / is inserted as it is
    ['${ABC/b/$T0}', 'a<$0>c'],
    ['${ABC/b/\\/}', 'a\\/c'],
    ['${NOPE//a/b}', ''],
  ];
  for (const [word, expected] of cases) {
    it(`${word} → ${JSON.stringify(expected)}`, () => assert.equal(lexer.processWord(word, penv), expected));
  }

  it('inside double quotes in a pattern, \\ before an ordinary character is a literal backslash', () => {
    const qenv = envFromRecord({ V: 'a*b*c', W: 'x\\ty' });
    assert.equal(lexer.processWord('${V#"a\\*"}', qenv), 'a*b*c');
    assert.equal(lexer.processWord('${V#a\\*}', qenv), 'b*c');
    assert.equal(lexer.processWord('${W#"x\\t"}', qenv), 'y');
  });
});

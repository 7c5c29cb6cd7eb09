// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the test data are shell words, where ${…} is literal text
/** Error classes, codes and texts of word expansion. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BadSubstitutionError,
  envFromRecord,
  InvalidEscapeTokenError,
  RequiredVariableError,
  ShellExpansionError,
  ShellLexer,
  UnterminatedQuoteError,
} from '../../../src/dockerfile/shell/index.js';
import { isManifoldError } from '../../../src/errors/index.js';

const lexer = new ShellLexer();
const env = envFromRecord({ SET: 'v', EMPTY: '' });

function failure(word: string, lex: ShellLexer = lexer): ShellExpansionError {
  try {
    const got = lex.processWord(word, env);
    assert.fail(`${JSON.stringify(word)}: expected an error, got ${JSON.stringify(got)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    assert.ok(err instanceof ShellExpansionError, String(err));
    return err;
  }
}

describe('expansion errors', () => {
  const cases: ReadonlyArray<[string, new (...args: never[]) => ShellExpansionError, string]> = [
    ['"abc', UnterminatedQuoteError, 'unexpected end of statement while looking for matching double-quote'],
    [
      '"abc\\"',
      UnterminatedQuoteError,
      'unexpected end of statement while looking for matching double-quote',
    ],
    ["ab'c", UnterminatedQuoteError, 'unexpected end of statement while looking for matching single-quote'],
    ['${}', BadSubstitutionError, 'syntax error: bad substitution'],
    ['${:-x}', BadSubstitutionError, 'syntax error: bad substitution'],
    ['${{a}', BadSubstitutionError, 'syntax error: bad substitution'],
    ['${', BadSubstitutionError, "syntax error: missing '}'"],
    ['${aaa', BadSubstitutionError, "syntax error: missing '}'"],
    ['${aaa:', BadSubstitutionError, "syntax error: missing '}'"],
    ['${aaa:-bbb', BadSubstitutionError, "syntax error: missing '}'"],
    // whatever fails inside a word that runs to the end of the input is reported as a missing }
    ['${aaa:-"b}', BadSubstitutionError, "syntax error: missing '}'"],
    ['${aaa:-${SET?x}', BadSubstitutionError, "syntax error: missing '}'"],
    ['${SET//x}', BadSubstitutionError, "syntax error: missing '/' in ${}"],
    ['${SET/x/y', BadSubstitutionError, "syntax error: missing '}'"],
    ['${SET=x}', BadSubstitutionError, 'unsupported modifier (=) in substitution'],
    ['${SET:=x}', BadSubstitutionError, 'unsupported modifier (:=) in substitution'],
    ['${SET:#x}', BadSubstitutionError, 'unsupported modifier (:#) in substitution'],
    ['${SET:%%x}', BadSubstitutionError, 'unsupported modifier (:%) in substitution'],
    ['${SET.x}', BadSubstitutionError, 'unsupported modifier (.) in substitution'],
    ['${#SET}', BadSubstitutionError, 'unsupported modifier (S) in substitution'],
    ['${SET#\\a}', BadSubstitutionError, "invalid pattern (\\a) in substitution: invalid escape '\\a'"],
    ['${SET%x\\\\\\}', BadSubstitutionError, "syntax error: missing '}'"],
    ['${SET/\\a/b}', BadSubstitutionError, "invalid pattern (\\a) in substitution: invalid escape '\\a'"],
    ['${NOPE?}', RequiredVariableError, 'NOPE: is not allowed to be unset'],
    ['${NOPE:?}', RequiredVariableError, 'NOPE: is not allowed to be unset'],
    ['${EMPTY:?}', RequiredVariableError, 'EMPTY: is not allowed to be empty'],
    ['${NOPE:?set NOPE for $SET}', RequiredVariableError, 'NOPE: set NOPE for v'],
    ['${SET:-${NOPE?inner}}x', RequiredVariableError, 'NOPE: inner'],
  ];
  for (const [word, type, reason] of cases) {
    it(`${word} → ${type.name}: ${reason}`, () => {
      const err = failure(word);
      assert.ok(err instanceof type, `${err.name}: ${err.message}`);
      assert.equal(err.reason, reason);
      assert.equal(err.word, word);
      assert.equal(err.message, `failed to process ${JSON.stringify(word)}: ${reason}`);
      assert.equal(err.code, 'E_DOCKERFILE_EXPAND');
      assert.ok(isManifoldError(err));
      assert.ok(err.hint && err.hint.length > 0, 'has a hint');
    });
  }

  it('RequiredVariableError names the variable and the expanded message', () => {
    const err = failure('${NEED:?please set $SET}');
    assert.ok(err instanceof RequiredVariableError);
    assert.equal(err.kind, 'required-variable');
    assert.equal(err.variable, 'NEED');
    assert.equal(err.detail, 'please set v');
    assert.equal(err.name, 'RequiredVariableError');
    assert.match(err.hint ?? '', /--build-arg NEED=/);
  });

  it('UnterminatedQuoteError says which quote and how to escape it with the current escape character', () => {
    const err = failure('it`s "open', new ShellLexer('`'));
    assert.ok(err instanceof UnterminatedQuoteError);
    assert.equal(err.quote, '"');
    assert.equal(err.kind, 'unterminated-quote');
    assert.match(err.hint ?? '', /`"/);
  });

  it('the same words succeed with skipUnsetEnv when the variable is unset', () => {
    const lex = lexer.with({ skipUnsetEnv: true });
    assert.equal(lex.processWord('${NOPE?x}${NOPE:=y}', env), '${NOPE?x}${NOPE:=y}');
    assert.throws(() => lex.processWord('${EMPTY:?x}', env), RequiredVariableError);
  });

  it('an escape token other than \\ or ` is refused', () => {
    assert.throws(
      () => new ShellLexer('#' as never),
      (err: unknown) => err instanceof InvalidEscapeTokenError && err.code === 'E_DOCKERFILE_ESCAPE_TOKEN',
    );
  });
});

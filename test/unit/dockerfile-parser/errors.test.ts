/** Error messages of the parser: code, file:line, the offending line, BuildKit's text, a hint. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertKnownInstructions,
  DockerfileParseError,
  dumpAst,
  parseDockerfile,
} from '../../../src/dockerfile/parser/index.js';

function parseError(source: string, file?: string): DockerfileParseError {
  try {
    parseDockerfile(source, file === undefined ? {} : { file });
  } catch (err) {
    assert.ok(err instanceof DockerfileParseError, `not a DockerfileParseError: ${String(err)}`);
    return err;
  }
  assert.fail(`no error for ${JSON.stringify(source)}`);
}

interface Expected {
  source: string;
  message: string;
  reason: string;
  line: number;
  endLine?: number;
  hint: RegExp;
}

const CASES: readonly Expected[] = [
  {
    source: 'FROM busybox\n\nENV PATH\n',
    message: 'Dockerfile:3: ENV must have two arguments\n    3 | ENV PATH',
    reason: 'ENV must have two arguments',
    line: 3,
    hint: /ENV name=value/,
  },
  {
    source: 'FROM a\nLABEL a=b c\n',
    message:
      'Dockerfile:2: Syntax error - can\'t find = in "c". Must be of the form: name=value\n    2 | LABEL a=b c',
    reason: 'Syntax error - can\'t find = in "c". Must be of the form: name=value',
    line: 2,
    hint: /name=value/,
  },
  {
    source: 'FROM a\nCMD [ "echo", [ "nested json" ] ]\n',
    message:
      'Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only\n' +
      '    2 | CMD [ "echo", [ "nested json" ] ]',
    reason: 'when using JSON array syntax, arrays must be comprised of strings only',
    line: 2,
    hint: /quoted string/,
  },
  {
    source: 'FROM a\nRUN <<EOF\necho hi\n',
    message: 'Dockerfile:2: unterminated heredoc\n    2 | RUN <<EOF',
    reason: 'unterminated heredoc',
    line: 2,
    endLine: 3,
    hint: /line holding only EOF/,
  },
  {
    source: '',
    message: 'Dockerfile:1: file with no instructions',
    reason: 'file with no instructions',
    line: 1,
    hint: /at least one instruction/,
  },
  {
    source: '# Hello\n# only comments\n\n',
    message: 'Dockerfile:3: file with no instructions',
    reason: 'file with no instructions',
    line: 3,
    hint: /FROM/,
  },
  {
    source: '# escape=\\\n# escape=`\nFROM x\n',
    message: 'Dockerfile:2: only one escape parser directive can be used\n    2 | # escape=`',
    reason: 'only one escape parser directive can be used',
    line: 2,
    hint: /may appear once/,
  },
  {
    source: '# escape=x\nFROM a\n',
    message: "Dockerfile:1: invalid escape token 'x' does not match ` or \\\n    1 | # escape=x",
    reason: "invalid escape token 'x' does not match ` or \\",
    line: 1,
    hint: /escape=`/,
  },
  {
    source: `FROM a\nRUN echo ${'x'.repeat(70000)}\nRUN more\n`,
    message: `Dockerfile:2: dockerfile line greater than max allowed size of 65535\n    2 | RUN echo ${'x'.repeat(191)}…`,
    reason: 'dockerfile line greater than max allowed size of 65535',
    line: 2,
    hint: /split the line/,
  },
];

test('errors: exact messages, locations and hints', (t) => {
  for (const c of CASES) {
    const err = parseError(c.source);
    assert.equal(err.code, 'E_DOCKERFILE_PARSE');
    assert.equal(err.name, 'DockerfileParseError');
    assert.equal(err.message, c.message);
    assert.equal(err.reason, c.reason);
    assert.equal(err.file, 'Dockerfile');
    assert.equal(err.line, c.line);
    assert.equal(err.endLine, c.endLine ?? c.line);
    assert.match(err.hint ?? '', c.hint);
  }
  t.diagnostic(`error messages: ${CASES.length} cases`);
});

test('errors: the file name given is the one shown', () => {
  const err = parseError('FROM a\nENV X\n', 'services/api/Dockerfile.prod');
  assert.equal(err.file, 'services/api/Dockerfile.prod');
  assert.ok(err.message.startsWith('services/api/Dockerfile.prod:2: ENV must have two arguments'));
  assert.equal(err.lineText, 'ENV X');
});

test('errors: an error inside a continuation names the first line and spans to the last', () => {
  const err = parseError('FROM a\nLABEL a=1 \\\n  b \\\n  c=3\n');
  assert.equal(err.line, 2);
  assert.equal(err.endLine, 4);
  assert.equal(err.reason, 'Syntax error - can\'t find = in "b". Must be of the form: name=value');
});

test('errors: unknown instructions parse, and are rejected by assertKnownInstructions', () => {
  const ast = parseDockerfile('FROM alpine\nFORM alpine\n');
  assert.equal(dumpAst(ast), '(from "alpine")\n(form "")');
  assert.throws(
    () => assertKnownInstructions(ast),
    (err: unknown) =>
      err instanceof DockerfileParseError &&
      err.message === 'Dockerfile:2: unknown instruction: FORM (did you mean FROM?)\n    2 | FORM alpine' &&
      err.reason === 'unknown instruction: FORM (did you mean FROM?)' &&
      err.line === 2 &&
      err.hint === 'write FROM instead of FORM',
  );
  assert.throws(() => assertKnownInstructions(parseDockerfile('cpoy a b')), {
    message: /unknown instruction: cpoy \(did you mean copy\?\)/,
  });
  assert.throws(() => assertKnownInstructions(parseDockerfile('FROM a\nFROBNICATE x')), {
    message: /^Dockerfile:2: unknown instruction: FROBNICATE\n/,
  });
  assert.doesNotThrow(() => assertKnownInstructions(parseDockerfile('from a\nRun b\nONBUILD RUN c')));
});

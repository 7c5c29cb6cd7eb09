/** The parser's own behaviour beyond BuildKit's fixtures: node fields, directives, bytes, dumps. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  chompHeredocContent,
  dumpAst,
  dumpInstruction,
  keyValuePairs,
  parseDockerfile,
} from '../../../src/dockerfile/parser/index.js';
import { goStrconvQuote as goQuote } from '../../../src/gofmt/index.js';

function only(source: string | Uint8Array) {
  const ast = parseDockerfile(source);
  const node = ast.children[ast.children.length - 1];
  assert.ok(node);
  return node;
}

test('nodes keep the keyword as written and know their form', () => {
  const ast = parseDockerfile('From alpine AS base\ncmd ["sh", "-c", "echo"]\nEntryPoint echo hi\n');
  assert.deepEqual(
    ast.children.map((c) => [c.keyword, c.name, c.json, c.args]),
    [
      ['From', 'from', false, ['alpine', 'AS', 'base']],
      ['cmd', 'cmd', true, ['sh', '-c', 'echo']],
      ['EntryPoint', 'entrypoint', false, ['echo hi']],
    ],
  );
  assert.equal(dumpAst(ast), '(from "alpine" "AS" "base")\n(cmd "sh" "-c" "echo")\n(entrypoint "echo hi")');
});

test('flags are kept as strings, quotes removed, stopped by -- or the first argument', () => {
  const node = only('COPY --from=build --chown="app user" --link --exclude=*.md -- --weird dst/\n');
  assert.deepEqual(node.flags, ['--from=build', '--chown=app user', '--link', '--exclude=*.md']);
  assert.deepEqual(node.args, ['--weird', 'dst/']);
  const run = only('RUN --mount=type=cache,target=/root/.cache --network=none echo --not-a-flag\n');
  assert.deepEqual(run.flags, ['--mount=type=cache,target=/root/.cache', '--network=none']);
  assert.deepEqual(run.args, ['echo --not-a-flag']);
  // Byte-wise like BuildKit: each non-ASCII byte of a flag becomes the Latin-1 character.
  assert.deepEqual(only('COPY --chown=é a b').flags, ['--chown=Ã©']);
});

test('ENV and LABEL pairs, legacy form included', () => {
  const env = only('ENV A=1 B="two words" C=\n');
  assert.deepEqual(keyValuePairs(env), [
    { key: 'A', value: '1', legacy: false },
    { key: 'B', value: '"two words"', legacy: false },
    { key: 'C', value: '', legacy: false },
  ]);
  assert.deepEqual(keyValuePairs(only('ENV PATH /usr/bin:$PATH  and more')), [
    { key: 'PATH', value: '/usr/bin:$PATH  and more', legacy: true },
  ]);
  assert.deepEqual(only('ENV').args, []);
});

test('ONBUILD nests its trigger; heredocs of the trigger are on the ONBUILD node', () => {
  const node = only('FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\n');
  assert.equal(node.name, 'onbuild');
  assert.equal(node.subInstruction?.name, 'run');
  assert.deepEqual(node.subInstruction?.args, ['<<EOF']);
  assert.deepEqual(node.heredocs, [
    { name: 'EOF', fileDescriptor: 0, expand: true, chomp: false, content: 'echo hi\n' },
  ]);
  assert.deepEqual([node.startLine, node.endLine], [2, 4]);
  assert.equal(dumpInstruction(node), 'onbuild (run "<<EOF")');
  assert.equal(dumpInstruction(only('ONBUILD')), 'onbuild');
});

test('heredocs: several on a line, chomp, quoted names, line ranges', () => {
  const ast = parseDockerfile('FROM a\nCOPY <<one <<-"two" /dst/\n1\none\n\t2\n\ttwo\nRUN cat\n');
  const copy = ast.children[1];
  assert.ok(copy);
  assert.deepEqual(
    copy.heredocs.map((h) => [h.name, h.content, h.expand, h.chomp]),
    [
      ['one', '1\n', true, false],
      ['two', '\t2\n', false, true],
    ],
  );
  assert.deepEqual([copy.startLine, copy.endLine], [2, 6]);
  assert.equal(chompHeredocContent(copy.heredocs[1]?.content ?? ''), '2\n');
  assert.equal(ast.children[2]?.startLine, 7);
  // Not for other instructions, and not in JSON form.
  assert.deepEqual(only('FROM a\nUSER <<X\n').heredocs, []);
  assert.deepEqual(only('FROM a\nRUN ["<<EOF"]\n').heredocs, []);
});

test('directives: recorded with their lines; only at the very top', () => {
  const ast = parseDockerfile(
    '# syntax=docker/dockerfile:1.7\n# CHECK = skip=all\n# escape=`\nFROM a\nRUN a `\n  b\n',
  );
  assert.deepEqual(ast.directives, [
    { name: 'syntax', value: 'docker/dockerfile:1.7', line: 1 },
    { name: 'check', value: 'skip=all', line: 2 },
    { name: 'escape', value: '`', line: 3 },
  ]);
  assert.equal(ast.escapeToken, '`');
  assert.deepEqual(ast.children[1]?.args, ['a   b']);
  const late = parseDockerfile('# a comment\n# escape=`\nFROM a\nRUN a `\n');
  assert.deepEqual(late.directives, []);
  assert.deepEqual(late.children[1]?.args, ['a `']);
  assert.deepEqual(parseDockerfile('\n# syntax=x\nFROM a').directives, []);
});

test('comments before an instruction are kept with it; directives are not comments', () => {
  const ast = parseDockerfile(
    '# syntax=x\n# first\n  # second\nFROM a\n#\n# third\nRUN b \\\n# inside\n  c\n',
  );
  assert.deepEqual(ast.children[0]?.comments, ['first', '# second']);
  assert.deepEqual(ast.children[1]?.comments, ['third']);
  assert.deepEqual(ast.children[1]?.args, ['b   c']);
});

test('continuations: warnings for empty lines, none for comments', () => {
  const ast = parseDockerfile('FROM a\nRUN a \\\n\n  b \\\n# c\n  d\n');
  assert.deepEqual(ast.children[1]?.args, ['a   b   d']);
  assert.equal(ast.warnings.length, 1);
  assert.deepEqual(ast.warnings[0], {
    rule: 'NoEmptyContinuation',
    short: 'Empty continuation line found in: RUN a   b   d',
    detail: 'Empty continuation lines will become errors in a future release',
    url: 'https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/',
    line: 6,
  });
});

test('line endings, byte order mark and invalid UTF-8 are handled as BuildKit does', () => {
  const crlf = parseDockerfile('FROM a\r\nRUN b \\\r\n  c\r\n');
  assert.equal(dumpAst(crlf), '(from "a")\n(run "b   c")');
  assert.equal(crlf.children[1]?.endLine, 3);
  assert.equal(dumpAst(parseDockerfile(Buffer.from('\ufeffFROM a\n'))), '(from "a")');
  const bytes = Uint8Array.from([...Buffer.from('FROM a'), 0xff, 0x0a]);
  assert.equal(dumpAst(parseDockerfile(bytes)), '(from "a\\xff")');
});

test('goQuote renders like Go strconv.Quote', () => {
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('\u0007\b\f\n\r\t\v\u0000\u001b\u007f'), '"\\a\\b\\f\\n\\r\\t\\v\\x00\\x1b\\x7f"');
  assert.equal(goQuote('♥ é \u00a0 \u200b 😀'), '"♥ é \\u00a0 \\u200b 😀"');
  assert.equal(goQuote('\u{e0001}'), '"\\U000e0001"');
});

test('odd corners: empty keyword from a lone continuation, unknown keyword', () => {
  assert.equal(dumpAst(parseDockerfile('\\')), '("")');
  assert.equal(dumpAst(parseDockerfile('FROBNICATE a b')), '(frobnicate "")');
  assert.equal(dumpAst(parseDockerfile('HEALTHCHECK')), '(healthcheck)');
  assert.equal(dumpAst(parseDockerfile('HEALTHCHECK NONE')), '(healthcheck "NONE")');
  assert.equal(dumpAst(parseDockerfile('CMD ["a"] trailing')), '(cmd "[\\"a\\"] trailing")');
});

/**
 * `--call=targets` and `--call=outline`: the results buildx's own integration tests expect
 * (docker/buildx tests/build.go, testBuildCall), which ARGs count as used, and the Go-compatible
 * printers (tabwriter, indented JSON).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  describedIn,
  formatOutlineText,
  formatTargetsText,
  listTargets,
  outlineDockerfile,
} from '../../../src/dockerfile/outline/index.js';
import { goMarshalIndent, tabwrite } from '../../../src/gofmt/index.js';

const PLATFORM = { buildPlatform: { os: 'linux', architecture: 'amd64' } } as const;
let checks = 0;

test('targets: the stages, descriptions, bases and default of buildx testBuildCall', () => {
  const list = listTargets(`
# build defines stage for compiling the binary
FROM alpine AS build
RUN true

FROM busybox as second
RUN false

FROM alpine
RUN false

# binary returns the compiled binary
FROM second AS binary
`);
  const got = list.targets.map((t) => [t.name, t.description, t.base, t.default]);
  assert.deepEqual(got, [
    ['build', 'defines stage for compiling the binary', 'alpine', false],
    ['second', '', 'busybox', false],
    [undefined, '', 'alpine', false],
    ['binary', 'returns the compiled binary', 'second', true],
  ]);
  checks += got.length;
});

test('outline: args, secrets and ssh of the target of buildx testBuildCall', () => {
  const outline = outlineDockerfile(
    `
FROM busybox AS first
RUN --mount=type=secret,target=/etc/passwd,required=true --mount=type=ssh true

FROM alpine AS second
RUN --mount=type=secret,id=unused --mount=type=ssh,id=ssh2 true

FROM scratch AS third
ARG BAR
RUN --mount=type=secret,id=second\${BAR} true

FROM third AS target
COPY --from=first /foo /
RUN --mount=type=ssh,id=ssh3,required true

FROM second
`,
    { ...PLATFORM, target: 'target', buildArgs: { BAR: '678' } },
  );
  assert.equal(outline.name, 'target');
  assert.deepEqual(
    outline.args.map((a) => [a.name, a.value]),
    [['BAR', '678']],
  );
  assert.deepEqual(
    outline.secrets.map((s) => [s.name, s.required]),
    [
      ['passwd', true],
      ['second678', false],
    ],
  );
  assert.deepEqual(
    outline.ssh.map((s) => [s.name, s.required]),
    [
      ['default', false],
      ['ssh3', true],
    ],
  );
  checks += 4;
});

test('outline: a global ARG read by a used default is used too; unused ones are not listed', () => {
  const outline = outlineDockerfile(
    '# A the first\nARG A=1\nARG B=v$A\nARG C=unused\nFROM alpine:$B\nARG TARGETARCH\nARG LOCAL=$TARGETARCH\n',
    PLATFORM,
  );
  assert.deepEqual(
    outline.args.map((a) => [a.name, a.value, a.description]),
    [
      ['A', '1', 'the first'],
      ['B', 'v1', ''],
      ['LOCAL', 'amd64', ''],
    ],
  );
  assert.equal(
    formatOutlineText(outline),
    'BUILD ARG   VALUE   DESCRIPTION\nA           1       the first\nB           v1      \nLOCAL       amd64   \n\n',
  );
  checks += 2;
});

test('outline: an ARG re-declared in a stage keeps the global description and value', () => {
  const outline = outlineDockerfile('# V version\nARG V=2\nFROM alpine\n# V ignored here\nARG V\n', PLATFORM);
  assert.deepEqual(
    outline.args.map((a) => [a.name, a.value, a.description, a.line]),
    [['V', '2', 'version', 2]],
  );
  checks += 1;
});

test('targets text: (default) marks the last stage, unnamed or not', () => {
  assert.equal(
    formatTargetsText(listTargets('FROM a\nFROM b AS x\n')),
    'TARGET      DESCRIPTION\n            \nx (default) \n',
  );
  assert.equal(
    formatTargetsText(listTargets('FROM a AS x\nFROM b\n')),
    'TARGET    DESCRIPTION\nx         \n(default) \n',
  );
  checks += 2;
});

test('descriptions: the first comment line that starts with the name and a space', () => {
  assert.equal(describedIn(['unrelated', 'build makes it', 'build other'], 'build'), 'makes it');
  assert.equal(describedIn(['Build makes it'], 'build'), '');
  assert.equal(describedIn(['build'], 'build'), '');
  assert.equal(describedIn(['x y'], ''), '');
  checks += 4;
});

test('tabwriter: columns, blocks and trailing padding as Go writes them', () => {
  const rows: [string, number, string][] = [
    ['a\tb\n', 1, 'a b\n'],
    ['TARGET\tDESCRIPTION\nx\t\n', 1, 'TARGET DESCRIPTION\nx      \n'],
    ['aaa\tb\tc\nd\te\n', 1, 'aaa b c\nd   e\n'],
    ['k\tv\n\nlonger\tw\n', 3, 'k   v\n\nlonger   w\n'],
    ['é\tx\nab\ty\n', 1, 'é  x\nab y\n'],
    ['no tabs\n', 1, 'no tabs\n'],
  ];
  for (const [input, padding, expected] of rows)
    assert.equal(tabwrite(input, { padding }), expected, JSON.stringify(input));
  checks += rows.length;
});

test('indented JSON: Go escaping, empty values, member order, omitted members', () => {
  assert.equal(
    goMarshalIndent({ b: 1, a: '<&>', n: null, e: [], o: {}, u: undefined }, '', '  '),
    '{\n  "b": 1,\n  "a": "\\u003c\\u0026\\u003e",\n  "n": null,\n  "e": [],\n  "o": {}\n}',
  );
  assert.equal(goMarshalIndent([{ x: true }], '', '  '), '[\n  {\n    "x": true\n  }\n]');
  checks += 2;
});

after(() => console.log(`outline/targets assertions: ${checks}`));

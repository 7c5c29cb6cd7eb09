/**
 * Build checks, one behaviour per row: a Dockerfile (and options) in, the warnings
 * (`Rule@line: message`) and build error out. Complements the golden cases with the scoping
 * rules that decide UndefinedVar, the options that change what is checked, and the problems
 * that stop a check.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type LintOptions, lintDockerfile } from '../../../src/dockerfile/lint/index.js';

const BASE: LintOptions = { buildPlatform: { os: 'linux', architecture: 'amd64' } };

interface Row {
  readonly name: string;
  readonly dockerfile: string;
  readonly options?: Partial<LintOptions>;
  readonly warnings: readonly string[];
  readonly error?: string;
}

const ROWS: readonly Row[] = [
  {
    name: 'a default value does not make a variable defined',
    dockerfile: `FROM alpine\nCOPY \${foo:-bar} /x\n`,
    warnings: ["UndefinedVar@2: Usage of undefined variable '$foo'"],
  },
  {
    name: 'unquoted heredoc bodies of COPY are expanded, quoted ones are not',
    dockerfile: 'FROM alpine\nCOPY <<EOF /x\nhello $name\nEOF\nCOPY <<"EOF" /y\nhello $other\nEOF\n',
    warnings: ["UndefinedVar@2: Usage of undefined variable '$name'"],
  },
  {
    name: 'RUN --mount values are expanded, the command is left to the shell',
    dockerfile: 'FROM alpine\nRUN --mount=type=cache,id=$CACHE_ID,target=/c echo $NOT_CHECKED\n',
    warnings: ["UndefinedVar@2: Usage of undefined variable '$CACHE_ID'"],
  },
  {
    name: 'a global ARG is not visible in a stage until declared there',
    dockerfile: 'ARG V=1\nFROM alpine\nENV X=$V\nARG V\nENV Y=$V\n',
    warnings: ["UndefinedVar@3: Usage of undefined variable '$V'"],
  },
  {
    name: 'a declared ARG without a value is not undefined',
    dockerfile: 'FROM alpine\nARG NAME\nCOPY $NAME /x\n',
    warnings: [],
  },
  {
    name: 'automatic platform ARGs are visible after ARG NAME',
    dockerfile: 'FROM alpine\nARG TARGETARCH\nENV ARCH=$TARGETARCH\nENV OS=$TARGETOS\n',
    warnings: ["UndefinedVar@4: Usage of undefined variable '$TARGETOS'"],
  },
  {
    name: 'ENV names set in the same instruction are not visible yet',
    dockerfile: 'FROM alpine\nENV A=1 B=$A\nENV C=$A\n',
    warnings: ["UndefinedVar@2: Usage of undefined variable '$A'"],
  },
  {
    name: 'ARG defaults see the ARGs before them in the same instruction',
    dockerfile: 'FROM alpine\nARG A=1 B=$A\n',
    warnings: [],
  },
  {
    name: 'a stage inherits the environment and ARGs of the stage it builds on',
    dockerfile:
      'FROM alpine AS base\nENV HOME=/root\nARG TOKENLESS\nFROM base\nWORKDIR $HOME\nCOPY $TOKENLESS /\n',
    warnings: [],
  },
  {
    name: 'BuildKit ARGs that never reach the environment are not reported',
    dockerfile: 'FROM alpine\nENV X=$BUILDKIT_SBOM_SCAN_CONTEXT\n',
    warnings: [],
  },
  {
    name: 'a --build-arg does not declare an ARG in a stage',
    dockerfile: 'FROM alpine\nENV X=$FOO\n',
    options: { buildArgs: { FOO: '1' } },
    warnings: ["UndefinedVar@2: Usage of undefined variable '$FOO'"],
  },
  {
    name: 'InvalidDefaultArgInFrom judges the defaults, not the --build-arg values',
    dockerfile: 'ARG TAG\nFROM alpine:$TAG\n',
    options: { buildArgs: { TAG: '3.20' } },
    warnings: [
      'InvalidDefaultArgInFrom@2: Default value for ARG alpine:$TAG results in empty or invalid base image name',
    ],
  },
  {
    name: 'without --target every stage is checked',
    dockerfile: 'FROM alpine AS a\nCMD x\nFROM alpine AS b\nCMD ["y"]\n',
    warnings: [
      'JSONArgsRecommended@2: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
    ],
  },
  {
    name: 'with --target only the stages it needs are walked (read-time checks still cover all)',
    dockerfile: 'FROM alpine AS A\nCMD x\nFROM alpine AS b\nCMD ["y"]\n',
    options: { target: 'b' },
    warnings: ["StageNameCasing@1: Stage name 'A' should be lowercase"],
  },
  {
    name: 'BUILDKIT_DOCKERFILE_CHECK overrides the directive',
    dockerfile: '# check=skip=all\nFROM alpine AS Bad\nCMD x\n',
    options: { buildArgs: { BUILDKIT_DOCKERFILE_CHECK: 'skip=JSONArgsRecommended' } },
    warnings: ["StageNameCasing@2: Stage name 'Bad' should be lowercase"],
  },
  {
    name: 'error=false keeps warnings as warnings',
    dockerfile: '# check=error=false\nFROM alpine\nCMD x\n',
    warnings: [
      'JSONArgsRecommended@3: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
    ],
  },
  {
    name: 'a FROM of a later stage name is an image, and COPY --from a later stage fails',
    dockerfile: 'FROM alpine AS a\nCOPY --from=b /x /x\nFROM alpine AS b\n',
    warnings: [],
    error: 'cannot copy from stage "b", it needs to be defined before current stage "a"',
  },
  {
    name: 'stages that copy from each other are a circular dependency',
    dockerfile: 'FROM alpine AS a\nCOPY --from=b /x /x\nFROM alpine AS b\nCOPY --from=a /y /y\n',
    options: { target: 'b' },
    warnings: [],
    error: 'circular dependency detected on stage: a',
  },
  {
    name: 'an unknown --target stops the check',
    dockerfile: 'FROM alpine\nCMD ["x"]\n',
    options: { target: 'nope' },
    warnings: [],
    error: 'target stage "nope" could not be found',
  },
  {
    name: 'an instruction before the first FROM stops the check',
    dockerfile: 'ARG A\nRUN true\nFROM alpine\n',
    warnings: [],
    error: 'no build stage in current context',
  },
  {
    name: 'an invalid stage name stops the check after its own checks',
    dockerfile: 'FROM alpine AS 1Bad\n',
    warnings: ["StageNameCasing@1: Stage name '1Bad' should be lowercase"],
    error:
      'dockerfile parse error on line 1: invalid name for build stage: "1Bad", name can\'t start with a number or contain symbols',
  },
  {
    name: 'a file without FROM has no stages',
    dockerfile: 'ARG A=1\n',
    warnings: [],
    error: 'dockerfile contains no stages to build',
  },
  {
    name: 'a required variable that is unset stops the check',
    dockerfile: `FROM alpine\nWORKDIR \${DIR:?set DIR}\n`,
    warnings: [],
    error: 'DIR: set DIR',
  },
  {
    name: 'the WORKDIR check uses the expanded path',
    dockerfile: 'FROM alpine\nARG ROOT=/srv\nWORKDIR $ROOT/app\n',
    warnings: [],
  },
  {
    name: 'FROM --platform naming the platform in the stage name is allowed',
    dockerfile:
      'FROM --platform=linux/arm64 alpine AS tools-arm64\nFROM --platform=linux/riscv64 alpine AS linux-tools\n',
    warnings: [],
  },
  {
    name: 'secret-looking names match whole words only',
    dockerfile: 'FROM alpine\nARG KEYBOARD MY_KEY PUBLIC_TOKEN\nENV PASSWORD_FILE=/run/secrets/pw\n',
    warnings: [
      'SecretsUsedInArgOrEnv@2: Do not use ARG or ENV instructions for sensitive data (ARG "MY_KEY")',
      'SecretsUsedInArgOrEnv@3: Do not use ARG or ENV instructions for sensitive data (ENV "PASSWORD_FILE")',
    ],
  },
  {
    name: 'the escape directive is honoured when expanding',
    dockerfile: '# escape=`\nFROM alpine\nCOPY `$literal /x\n',
    warnings: [],
  },
];

for (const row of ROWS) {
  test(`check: ${row.name}`, () => {
    const result = lintDockerfile(row.dockerfile, { ...BASE, ...row.options });
    const found = result.warnings.map((w) => `${w.ruleName}@${w.location[0]?.start}: ${w.detail}`);
    assert.deepEqual(found, row.warnings);
    assert.equal(result.buildError?.message, row.error);
  });
}

after(() => console.log(`check behaviour rows: ${ROWS.length}`));

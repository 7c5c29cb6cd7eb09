// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the test data are Dockerfiles, where ${…} is literal text
/**
 * Dockerfile errors at conversion, with exact texts: `FILE:LINE: REASON`, the offending line,
 * and a hint. REASON is BuildKit's wording where BuildKit has one. Covered: unknown
 * instruction; unknown or malformed flag; unterminated heredoc or quote; `--from` naming no
 * stage; a stage that refers to itself (directly, by index, or through others); `--target`
 * naming no stage; a platform ARG used where it cannot be (in `--from`, a mount's `from`, a
 * stage name, or a `FROM --platform` that expands to nothing).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type ConvertOptions, convertDockerfile } from '../../../src/dockerfile/convert/index.js';
import { isManifoldError } from '../../../src/errors/index.js';
import { BUILD_PLATFORM, fakeResolver, TARGETS } from './fake-images.js';

interface ErrorCase {
  readonly name: string;
  readonly dockerfile: string;
  readonly options?: Partial<ConvertOptions>;
  readonly code: string;
  readonly message: string;
  readonly hint: string;
}

const STAGES_HINT = 'this Dockerfile has no named stages: name one with FROM image AS name';

const CASES: readonly ErrorCase[] = [
  // unknown instruction
  {
    name: 'unknown instruction, with the likely one',
    dockerfile: 'FROM alpine:3.19\nRUNN echo hi\n',
    code: 'E_DOCKERFILE_PARSE',
    message: 'Dockerfile:2: unknown instruction: RUNN (did you mean RUN?)\n    2 | RUNN echo hi',
    hint: 'write RUN instead of RUNN',
  },
  {
    name: 'unknown instruction, nothing close',
    dockerfile: 'FROM alpine:3.19\nFROBNICATE x\n',
    code: 'E_DOCKERFILE_PARSE',
    message: 'Dockerfile:2: unknown instruction: FROBNICATE\n    2 | FROBNICATE x',
    hint: 'use one of ADD, ARG, CMD, COPY, ENTRYPOINT, ENV, EXPOSE, FROM, HEALTHCHECK, LABEL, MAINTAINER, ONBUILD, RUN, SHELL, STOPSIGNAL, USER, VOLUME, WORKDIR',
  },
  // unknown or malformed flag
  {
    name: 'unknown flag, misspelt, in a file with another name',
    dockerfile: 'FROM alpine:3.19\n\nCOPY --chmodd=755 a /b\n',
    options: { file: 'services/api/Dockerfile' },
    code: 'E_DOCKERFILE_PARSE',
    message: 'services/api/Dockerfile:3: unknown flag: --chmodd\n    3 | COPY --chmodd=755 a /b',
    hint: 'did you mean --chmod? COPY takes --from, --chown, --chmod, --link, --parents, --exclude',
  },
  {
    name: 'unknown flag on an instruction that takes none',
    dockerfile: 'FROM alpine:3.19\nCMD --port 80\n',
    code: 'E_DOCKERFILE_PARSE',
    message: 'Dockerfile:2: unknown flag: --port\n    2 | CMD --port 80',
    hint: 'CMD takes no flags (a word starting with -- before the arguments is read as one): to pass --port to the command, use the JSON form, e.g. CMD ["--port", "…"]',
  },
  {
    name: 'malformed flag: a boolean flag with another value',
    dockerfile: 'FROM alpine:3.19\nCOPY --link=yes a /b\n',
    code: 'E_DOCKERFILE_PARSE',
    message: 'Dockerfile:2: expecting boolean value for flag --link, not: yes\n    2 | COPY --link=yes a /b',
    hint: 'write --link or --link=false',
  },
  {
    name: 'malformed flag: a value flag without its value',
    dockerfile: 'FROM --platform alpine:3.19\n',
    code: 'E_DOCKERFILE_PARSE',
    message: 'Dockerfile:1: missing a value on flag: --platform\n    1 | FROM --platform alpine:3.19',
    hint: 'write --platform=VALUE',
  },
  {
    name: 'malformed flag: given twice',
    dockerfile: 'FROM alpine:3.19 AS a\nFROM alpine:3.19\nCOPY --from=a --from=a x /y\n',
    code: 'E_DOCKERFILE_PARSE',
    message: 'Dockerfile:3: duplicate flag specified: --from\n    3 | COPY --from=a --from=a x /y',
    hint: 'give --from once',
  },
  {
    name: 'malformed flag: a --mount key the type does not take',
    dockerfile: 'FROM alpine:3.19\nRUN --mount=type=secret,id=a,from=b ls\n',
    code: 'E_DOCKERFILE_CONVERT',
    message:
      'Dockerfile:2: secret mount should not have a from\n    2 | RUN --mount=type=secret,id=a,from=b ls',
    hint: 'see the --mount syntax in the Dockerfile reference',
  },
  // unterminated heredoc or quote
  {
    name: 'unterminated heredoc',
    dockerfile: 'FROM alpine:3.19\nRUN <<EOF\necho hi\n',
    code: 'E_DOCKERFILE_PARSE',
    message: 'Dockerfile:2: unterminated heredoc\n    2 | RUN <<EOF',
    hint: 'end the heredoc with a line holding only EOF',
  },
  {
    name: 'unbalanced quote in a heredoc word: its body is read as instructions',
    dockerfile: "FROM alpine:3.19\nRUN <<'EOF\necho hi\nEOF\n",
    code: 'E_DOCKERFILE_PARSE',
    message: 'Dockerfile:3: unknown instruction: echo\n    3 | echo hi',
    hint: `line 2 (RUN <<'EOF) has "<<" but no heredoc could be read from it: balance the quotes of the heredoc word (<<EOF, <<'EOF' or <<"EOF"), or this line is taken for an instruction`,
  },
  {
    name: 'unterminated double quote in ENV',
    dockerfile: 'FROM alpine:3.19\nENV A="foo\n',
    code: 'E_DOCKERFILE_EXPAND',
    message:
      'Dockerfile:2: failed to process "\\"foo": unexpected end of statement while looking for matching double-quote\n    2 | ENV A="foo',
    hint: 'close the double-quote, or write \\" to use it literally',
  },
  {
    name: 'unterminated single quote in WORKDIR',
    dockerfile: "FROM alpine:3.19\nWORKDIR '/app\n",
    code: 'E_DOCKERFILE_EXPAND',
    message: `Dockerfile:2: failed to process "'/app": unexpected end of statement while looking for matching single-quote\n    2 | WORKDIR '/app`,
    hint: "close the single-quote, or write \\' to use it literally",
  },
  {
    name: 'unterminated quote in a global ARG default',
    dockerfile: 'ARG V="3.19\nFROM alpine:$V\n',
    code: 'E_DOCKERFILE_EXPAND',
    message:
      'Dockerfile:1: failed to process "\\"3.19": unexpected end of statement while looking for matching double-quote\n    1 | ARG V="3.19',
    hint: 'close the double-quote, or write \\" to use it literally',
  },
  // --from naming no stage
  {
    name: '--from naming no stage and no image',
    dockerfile: 'FROM alpine:3.19 AS build\nRUN make\nFROM scratch\nCOPY --from=biuld /out /out\n',
    code: 'E_DOCKERFILE_CONVERT',
    message:
      'Dockerfile:4: --from=biuld names no build stage, and no image "biuld" could be resolved: docker.io/library/biuld:latest: not found\n' +
      '    4 | COPY --from=biuld /out /out',
    hint: 'did you mean build? (stages: build)',
  },
  {
    name: '--from naming a stage index past the last stage',
    dockerfile: 'FROM alpine:3.19 AS build\nFROM scratch\nCOPY --from=5 /out /out\n',
    code: 'E_DOCKERFILE_CONVERT',
    message: 'Dockerfile:3: invalid stage index 5\n    3 | COPY --from=5 /out /out',
    hint: 'this Dockerfile has stages 0 to 1',
  },
  {
    name: 'a mount from= naming no stage and no image',
    dockerfile: 'FROM alpine:3.19 AS build\nFROM alpine:3.19\nRUN --mount=from=biuld,target=/x ls\n',
    code: 'E_DOCKERFILE_CONVERT',
    message:
      'Dockerfile:3: from=biuld names no build stage, and no image "biuld" could be resolved: docker.io/library/biuld:latest: not found\n' +
      '    3 | RUN --mount=from=biuld,target=/x ls',
    hint: 'did you mean build? (stages: build)',
  },
  {
    name: '--from naming a stage defined after the current one',
    dockerfile:
      'FROM alpine:3.19 AS first\nCOPY --from=second /a /a\nFROM alpine:3.19 AS second\nRUN true\nFROM first\n',
    code: 'E_DOCKERFILE_CONVERT',
    message:
      'Dockerfile:2: cannot copy from stage "second", it needs to be defined before current stage "first"\n    2 | COPY --from=second /a /a',
    hint: 'move the stage "second" above "first"',
  },
  {
    name: 'FROM naming a stage in upper case',
    dockerfile: 'FROM alpine:3.19 AS builder\nFROM Builder\n',
    code: 'E_DOCKERFILE_CONVERT',
    message:
      'Dockerfile:2: failed to parse stage name "Builder": invalid reference format: repository name must be lowercase\n    2 | FROM Builder',
    hint: 'stage names are lower case: write FROM builder',
  },
  // a stage that refers to itself
  {
    name: 'a stage that copies from itself by name',
    dockerfile: 'FROM alpine:3.19 AS build\nCOPY --from=build /a /b\n',
    code: 'E_DOCKERFILE_CONVERT',
    message: 'Dockerfile:2: circular dependency detected on stage: build\n    2 | COPY --from=build /a /b',
    hint: 'a stage cannot use its own result, directly or through other stages: copy from an earlier stage instead',
  },
  {
    name: 'a stage that copies from itself by index',
    dockerfile: 'FROM alpine:3.19\nCOPY --from=0 /a /b\n',
    code: 'E_DOCKERFILE_CONVERT',
    message: 'Dockerfile:2: circular dependency detected on stage: stage-0\n    2 | COPY --from=0 /a /b',
    hint: 'a stage cannot use its own result, directly or through other stages: copy from an earlier stage instead',
  },
  {
    name: 'stages that need each other in a circle, even when not needed by the target',
    dockerfile:
      'FROM busybox AS stage0\nCOPY --from=stage2 f1 /sub/\nFROM busybox AS stage1\nCOPY --from=stage0 f2 /sub/\nFROM busybox AS stage2\nCOPY --from=stage1 f2 /sub/\nFROM scratch\n',
    code: 'E_DOCKERFILE_CONVERT',
    message:
      'Dockerfile:2: circular dependency detected on stage: stage0\n    2 | COPY --from=stage2 f1 /sub/',
    hint: 'a stage cannot use its own result, directly or through other stages: copy from an earlier stage instead',
  },
  // --target naming no stage
  {
    name: '--target naming no stage',
    dockerfile: 'FROM alpine:3.19 AS build\nFROM alpine:3.19 AS release\n',
    options: { target: 'relase' },
    code: 'E_DOCKERFILE_CONVERT',
    message: 'Dockerfile: target stage "relase" could not be found',
    hint: 'did you mean release? (stages: build, release)',
  },
  {
    name: '--target in a Dockerfile without named stages',
    dockerfile: 'FROM alpine:3.19\n',
    options: { target: 'app' },
    code: 'E_DOCKERFILE_CONVERT',
    message: 'Dockerfile: target stage "app" could not be found',
    hint: STAGES_HINT,
  },
  // a platform ARG used where it cannot be
  {
    name: 'a platform ARG in COPY --from',
    dockerfile:
      'FROM alpine:3.19 AS build-amd64\nFROM alpine:3.19 AS build-arm64\nFROM scratch\nCOPY --from=build-${TARGETARCH} /out /out\n',
    code: 'E_DOCKERFILE_CONVERT',
    message:
      'Dockerfile:4: variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround\n' +
      '    4 | COPY --from=build-${TARGETARCH} /out /out',
    hint: 'TARGETARCH is an automatic platform ARG: it can be expanded in FROM lines, not in COPY --from=. Add a stage "FROM build-${TARGETARCH} AS picked" and write COPY --from=picked',
  },
  {
    name: 'a variable in a mount from=',
    dockerfile: 'FROM alpine:3.19\nARG STAGE=x\nRUN --mount=type=bind,from=$STAGE,target=/x ls\n',
    code: 'E_DOCKERFILE_CONVERT',
    message:
      "Dockerfile:3: 'from' doesn't support variable expansion, define alias stage instead\n    3 | RUN --mount=type=bind,from=$STAGE,target=/x ls",
    hint: 'variables are expanded in FROM lines, not here. Add a stage "FROM $STAGE AS picked" and write RUN --mount=from=picked',
  },
  {
    name: 'a platform ARG in a stage name',
    dockerfile: 'FROM alpine:3.19 AS build-${TARGETARCH}\nRUN true\n',
    code: 'E_DOCKERFILE_PARSE',
    message: `Dockerfile:1: invalid name for build stage: "build-\${targetarch}", name can't start with a number or contain symbols\n    1 | FROM alpine:3.19 AS build-\${TARGETARCH}`,
    hint: 'stage names are not expanded (not even platform ARGs such as $TARGETARCH): give each stage a fixed name, and pick one in a later stage with FROM name-${TARGETARCH}',
  },
  {
    name: 'FROM --platform=$TARGETVARIANT on a platform without variant',
    dockerfile: 'FROM --platform=$TARGETVARIANT alpine:3.19\n',
    code: 'E_DOCKERFILE_CONVERT',
    message:
      'Dockerfile:1: empty platform value from expression $TARGETVARIANT\n    1 | FROM --platform=$TARGETVARIANT alpine:3.19',
    hint: 'TARGETVARIANT is empty for linux/amd64, which has no variant: use --platform=$TARGETPLATFORM or $BUILDPLATFORM',
  },
  {
    name: 'FROM --platform with a misspelt platform ARG',
    dockerfile: 'FROM --platform=$TARGETPLATFROM alpine:3.19\n',
    code: 'E_DOCKERFILE_CONVERT',
    message:
      'Dockerfile:1: empty platform value from expression $TARGETPLATFROM\n    1 | FROM --platform=$TARGETPLATFROM alpine:3.19',
    hint: 'TARGETPLATFROM is not set in the global scope (did you mean TARGETPLATFORM?): use $BUILDPLATFORM or $TARGETPLATFORM, or declare the ARG before the first FROM',
  },
  // other conversion errors, same shape
  {
    name: 'FROM naming an ARG that is unset',
    dockerfile: 'ARG IMAGE\nFROM $IMAGE\n',
    code: 'E_DOCKERFILE_CONVERT',
    message: 'Dockerfile:2: base name ($IMAGE) should not be blank\n    2 | FROM $IMAGE',
    hint: 'set the ARG it names, with a default or --build-arg',
  },
  {
    name: 'a base image the registry does not have',
    dockerfile: 'FROM nope:1\n',
    code: 'E_DOCKERFILE_CONVERT',
    message:
      'Dockerfile:1: failed to resolve image "nope:1" for linux/amd64: docker.io/library/nope:1: not found\n    1 | FROM nope:1',
    hint: 'check the name and tag, that the registry is reachable, and that the image has a linux/amd64 variant',
  },
  {
    name: 'a required variable that is unset',
    dockerfile: 'FROM alpine:3.19\nARG V\nWORKDIR ${V:?must be set}\n',
    code: 'E_DOCKERFILE_EXPAND',
    message:
      'Dockerfile:3: failed to process "${V:?must be set}": V: must be set\n    3 | WORKDIR ${V:?must be set}',
    hint: 'set V before this line (ARG V=…, ENV V=… or --build-arg V=…)',
  },
  {
    name: 'COPY of a URL',
    dockerfile: 'FROM alpine:3.19\nCOPY https://example.com/a /a\n',
    code: 'E_DOCKERFILE_CONVERT',
    message: "Dockerfile:2: source can't be a URL for COPY\n    2 | COPY https://example.com/a /a",
    hint: 'use ADD https://example.com/a to download a file',
  },
  {
    name: 'a --chmod that is not octal',
    dockerfile: 'FROM alpine:3.19\nCOPY --chmod=999 a /a\n',
    code: 'E_DOCKERFILE_CONVERT',
    message:
      "Dockerfile:2: invalid chmod parameter: '999'. it should be octal string and between 0 and 07777\n    2 | COPY --chmod=999 a /a",
    hint: 'write an octal mode such as 755 or 0644, or a symbolic one such as u+x,go=r',
  },
  {
    name: 'EXPOSE with an unknown protocol',
    dockerfile: 'FROM alpine:3.19\nEXPOSE 80/http\n',
    code: 'E_DOCKERFILE_CONVERT',
    message: 'Dockerfile:2: invalid proto: http\n    2 | EXPOSE 80/http',
    hint: 'write EXPOSE PORT[/tcp|udp|sctp], or a range such as 8000-8010/udp',
  },
  {
    name: 'STOPSIGNAL with an unknown signal',
    dockerfile: 'FROM alpine:3.19\nSTOPSIGNAL SIGFOO\n',
    code: 'E_DOCKERFILE_CONVERT',
    message: 'Dockerfile:2: Invalid signal: SIGFOO\n    2 | STOPSIGNAL SIGFOO',
    hint: 'write a signal name such as SIGTERM or SIGQUIT, or its number',
  },
];

async function conversionError(c: ErrorCase): Promise<Error & { code: string; hint: string | undefined }> {
  try {
    await convertDockerfile(c.dockerfile, {
      platforms: TARGETS,
      buildPlatform: BUILD_PLATFORM,
      resolveImage: fakeResolver(),
      ...c.options,
    });
  } catch (err) {
    assert.ok(isManifoldError(err), `not a ManifoldError: ${String(err)}`);
    return err as Error & { code: string; hint: string | undefined };
  }
  assert.fail(`no error for ${JSON.stringify(c.dockerfile)}`);
}

describe('conversion errors: exact message and hint', () => {
  let checked = 0;
  for (const c of CASES) {
    test(c.name, async () => {
      const err = await conversionError(c);
      assert.equal(err.message, c.message);
      assert.equal(err.hint, c.hint);
      assert.equal(err.code, c.code);
      checked++;
    });
  }
  after(() => console.log(`conversion errors: ${checked}/${CASES.length} exact messages and hints`));
});

test('an undeclared platform ARG in a stage is no error: it expands to nothing, and the expansion says it was unset', async () => {
  const result = await convertDockerfile('FROM scratch\nCOPY bin/dist-${TARGETARCH} /dist\n', {
    platforms: TARGETS,
    buildPlatform: BUILD_PLATFORM,
    resolveImage: fakeResolver(),
  });
  for (const t of result.targets) {
    const copy = [...t.definition.vertices.values()].find((v) => v.op.kind === 'file');
    assert.ok(copy?.op.kind === 'file' && copy.op.actions[0]?.action === 'copy');
    assert.deepEqual(copy.op.actions[0].sources, ['/bin/dist-']);
  }
  const unset = result.expansions.filter((e) => e.result.unmatched.has('TARGETARCH'));
  assert.deepEqual(
    unset.map((e) => e.node.startLine),
    [2, 2, 2],
    'line 2 read TARGETARCH unset, once per target: the data the UndefinedVar check reports',
  );
});

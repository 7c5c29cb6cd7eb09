// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the test data are Dockerfiles, where ${…} is literal text
/**
 * ARG scoping, as the Dockerfile reference documents it ("ARG", "Understand how ARG and FROM
 * interact", "Scope", "Using ARG variables", "Impact on build caching") and as "Build
 * variables" shows it for stages built from stages.
 */
import { type Case, img, PATH } from './types.js';

const ALPINE_CMD = ['/bin/sh'];

export const ARG_CASES: readonly Case[] = [
  {
    name: 'global ARG is used in FROM and is not visible in the stage until re-declared',
    dockerfile:
      'ARG VERSION=3.19\nFROM alpine:${VERSION}\nRUN echo "v=$VERSION" > /a\nARG VERSION\nRUN echo "v=$VERSION" > /b\n',
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo \\"v=$VERSION\\" > /a"] on #0`,
      `exec ${p.tp} ["/bin/sh","-c","echo \\"v=$VERSION\\" > /b"] on #1 env=VERSION=3.19`,
    ],
    shared: [],
    history: () => [
      'RUN /bin/sh -c echo "v=$VERSION" > /a # buildkit',
      'ARG VERSION=3.19',
      'RUN |1 VERSION=3.19 /bin/sh -c echo "v=$VERSION" > /b # buildkit',
    ],
  },
  {
    name: '--build-arg overrides a global default, in FROM and in the re-declared ARG',
    dockerfile: 'ARG VERSION=3.19\nFROM alpine:${VERSION}\nARG VERSION\nRUN echo $VERSION > /image_version\n',
    buildArgs: { VERSION: 'edge' },
    graph: (p) => [
      img('alpine:edge', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo $VERSION > /image_version"] on #0 env=VERSION=edge`,
    ],
    history: () => [
      'ARG VERSION=edge',
      'RUN |1 VERSION=edge /bin/sh -c echo $VERSION > /image_version # buildkit',
    ],
    resolved: ['alpine:edge linux/amd64', 'alpine:edge linux/arm64', 'alpine:edge linux/arm/v7'],
  },
  {
    name: 'a --build-arg not declared globally is not seen by FROM, and is seen after ARG in a stage',
    dockerfile: 'FROM alpine:${TAG:-3.19}\nRUN echo $TAG\nARG TAG\nRUN echo $TAG\n',
    buildArgs: { TAG: 'edge' },
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo $TAG"] on #0`,
      `exec ${p.tp} ["/bin/sh","-c","echo $TAG"] on #1 env=TAG=edge`,
    ],
    history: () => [
      'RUN /bin/sh -c echo $TAG # buildkit',
      'ARG TAG=edge',
      'RUN |1 TAG=edge /bin/sh -c echo $TAG # buildkit',
    ],
  },
  {
    name: 'a global ARG without a value is unset in FROM and in the stage',
    dockerfile: 'ARG TAG\nFROM alpine:${TAG:-3.19}\nARG TAG\nRUN echo ${TAG:-none}\n',
    graph: (p) => [img('alpine:3.19', p.tp), `exec ${p.tp} ["/bin/sh","-c","echo \${TAG:-none}"] on #0`],
    history: () => ['ARG TAG', 'RUN |1 TAG= /bin/sh -c echo ${TAG:-none} # buildkit'],
  },
  {
    name: 'docs "ARG and FROM": a global ARG in two FROM lines; only the target stage is converted',
    dockerfile:
      'ARG  CODE_VERSION=latest\nFROM base:${CODE_VERSION}\nCMD  /code/run-app\n\nFROM extras:${CODE_VERSION}\nCMD  /code/run-extras\n',
    graph: (p) => [img('extras:latest', p.tp)],
    history: () => ['CMD ["/bin/sh" "-c" "/code/run-extras"]'],
    config: () => ({ Env: [PATH], Cmd: ['/bin/sh', '-c', '/code/run-extras'], ArgsEscaped: true }),
    resolved: ['extras:latest linux/amd64', 'extras:latest linux/arm64', 'extras:latest linux/arm/v7'],
  },
  {
    name: 'docs "Scope": a variable is usable from its ARG line on',
    dockerfile: 'FROM busybox\nUSER ${user:-some_user}\nARG user\nUSER $user\n',
    buildArgs: { user: 'what_user' },
    graph: (p) => [img('busybox', p.tp)],
    history: () => ['USER some_user', 'ARG user=what_user', 'USER what_user'],
    config: () => ({ User: 'what_user', Env: [PATH], Cmd: ['sh'] }),
  },
  {
    name: '--build-arg overrides the default written in a stage ARG',
    dockerfile: 'FROM busybox\nARG user1=someuser\nARG buildno=1\nRUN echo $user1 $buildno\n',
    buildArgs: { user1: 'admin' },
    graph: (p) => [
      img('busybox', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo $user1 $buildno"] on #0 env=buildno=1,user1=admin`,
    ],
    history: () => [
      'ARG user1=admin',
      'ARG buildno=1',
      'RUN |2 user1=admin buildno=1 /bin/sh -c echo $user1 $buildno # buildkit',
    ],
  },
  {
    name: 'docs "Using ARG variables": ENV overrides the ARG declared before it',
    dockerfile: 'FROM alpine:3.19\nARG CONT_IMG_VER\nENV CONT_IMG_VER=v1.0.0\nRUN echo $CONT_IMG_VER\n',
    buildArgs: { CONT_IMG_VER: 'v2.0.1' },
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo $CONT_IMG_VER"] on #0 env=CONT_IMG_VER=v1.0.0`,
    ],
    history: () => [
      'ARG CONT_IMG_VER=v2.0.1',
      'ENV CONT_IMG_VER=v1.0.0',
      'RUN |1 CONT_IMG_VER=v1.0.0 /bin/sh -c echo $CONT_IMG_VER # buildkit',
    ],
    config: () => ({ Env: [PATH, 'CONT_IMG_VER=v1.0.0'], Cmd: ALPINE_CMD }),
  },
  {
    name: 'docs "Using ARG variables": ENV takes its default from an ARG (no --build-arg)',
    dockerfile:
      'FROM alpine:3.19\nARG CONT_IMG_VER\nENV CONT_IMG_VER=${CONT_IMG_VER:-v1.0.0}\nRUN echo $CONT_IMG_VER\n',
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo $CONT_IMG_VER"] on #0 env=CONT_IMG_VER=v1.0.0`,
    ],
    history: () => [
      'ARG CONT_IMG_VER',
      'ENV CONT_IMG_VER=v1.0.0',
      'RUN |1 CONT_IMG_VER=v1.0.0 /bin/sh -c echo $CONT_IMG_VER # buildkit',
    ],
    config: () => ({ Env: [PATH, 'CONT_IMG_VER=v1.0.0'], Cmd: ALPINE_CMD }),
  },
  {
    name: 'docs "Using ARG variables": ENV takes its value from an ARG given by --build-arg',
    dockerfile:
      'FROM alpine:3.19\nARG CONT_IMG_VER\nENV CONT_IMG_VER=${CONT_IMG_VER:-v1.0.0}\nRUN echo $CONT_IMG_VER\n',
    buildArgs: { CONT_IMG_VER: 'v2.0.1' },
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo $CONT_IMG_VER"] on #0 env=CONT_IMG_VER=v2.0.1`,
    ],
    config: () => ({ Env: [PATH, 'CONT_IMG_VER=v2.0.1'], Cmd: ALPINE_CMD }),
  },
  {
    name: 'an ARG after an ENV of the same name wins in RUN, while the config keeps the ENV',
    dockerfile: 'FROM alpine:3.19\nENV MODE=prod\nARG MODE=dev\nRUN echo $MODE\n',
    graph: (p) => [img('alpine:3.19', p.tp), `exec ${p.tp} ["/bin/sh","-c","echo $MODE"] on #0 env=MODE=dev`],
    history: () => ['ENV MODE=prod', 'ARG MODE=dev', 'RUN |1 MODE=dev /bin/sh -c echo $MODE # buildkit'],
    config: () => ({ Env: [PATH, 'MODE=prod'], Cmd: ALPINE_CMD }),
  },
  {
    name: 'an ARG reaches the RUN environment only after its line (impact on build caching)',
    dockerfile: 'FROM alpine:3.19\nRUN echo one\nARG CONT_IMG_VER\nRUN echo two\n',
    buildArgs: { CONT_IMG_VER: 'v2.0.1' },
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo one"] on #0`,
      `exec ${p.tp} ["/bin/sh","-c","echo two"] on #1 env=CONT_IMG_VER=v2.0.1`,
    ],
    history: () => [
      'RUN /bin/sh -c echo one # buildkit',
      'ARG CONT_IMG_VER=v2.0.1',
      'RUN |1 CONT_IMG_VER=v2.0.1 /bin/sh -c echo two # buildkit',
    ],
  },
  {
    name: 'an ARG stays in its stage: a sibling stage does not see it',
    dockerfile:
      'FROM alpine:3.19 AS one\nARG A=1\nRUN echo $A > /a\nFROM alpine:3.19 AS two\nCOPY --from=one /a /a\nRUN echo "$A"\n',
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo $A > /a"] on #0 env=A=1`,
      'file on #0: copy #1:/a -> /a',
      `exec ${p.tp} ["/bin/sh","-c","echo \\"$A\\""] on #2`,
    ],
    history: () => ['COPY /a /a # buildkit', 'RUN /bin/sh -c echo "$A" # buildkit'],
  },
  {
    name: 'docs "Build variables": a stage built FROM another inherits its ARGs and ENV',
    dockerfile: [
      'ARG GLOBAL_ARG="global default value"',
      'ARG VERSION="3.19"',
      'FROM alpine:${VERSION} as stage-a',
      'ARG GLOBAL_ARG',
      'ARG LOCAL_ARG="local arg in stage-a"',
      'ENV LOCAL_ENV=true',
      'ENV MY_VAR=$LOCAL_ARG',
      'FROM stage-a AS stage-c',
      'RUN echo $GLOBAL_ARG $LOCAL_ARG $LOCAL_ENV',
      '',
    ].join('\n'),
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo $GLOBAL_ARG $LOCAL_ARG $LOCAL_ENV"] on #0 env=GLOBAL_ARG=global default value,LOCAL_ARG=local arg in stage-a,LOCAL_ENV=true,MY_VAR=local arg in stage-a`,
    ],
    history: () => [
      'ARG GLOBAL_ARG=global default value',
      'ARG LOCAL_ARG=local arg in stage-a',
      'ENV LOCAL_ENV=true',
      'ENV MY_VAR=local arg in stage-a',
      'RUN |2 GLOBAL_ARG=global default value LOCAL_ARG=local arg in stage-a /bin/sh -c echo $GLOBAL_ARG $LOCAL_ARG $LOCAL_ENV # buildkit',
    ],
    config: () => ({ Env: [PATH, 'LOCAL_ENV=true', 'MY_VAR=local arg in stage-a'], Cmd: ALPINE_CMD }),
  },
  {
    name: 'ARG defaults see earlier names on their line; ENV pairs see the scope before their line',
    dockerfile:
      'FROM alpine:3.19\nARG A=1 B=${A}2\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc\nRUN env\n',
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","env"] on #0 env=A=1,B=12,abc=bye,def=hello,ghi=bye`,
    ],
    history: () => [
      'ARG A=1 B=12',
      'ENV abc=hello',
      'ENV abc=bye def=hello',
      'ENV ghi=bye',
      'RUN |2 A=1 B=12 /bin/sh -c env # buildkit',
    ],
    config: () => ({ Env: [PATH, 'abc=bye', 'def=hello', 'ghi=bye'], Cmd: ALPINE_CMD }),
  },
  {
    name: 'ENV and LABEL: several pairs, quotes, escapes and the legacy "key value" form',
    dockerfile: [
      'FROM alpine:3.19',
      'ENV MY_NAME="John Doe" MY_DOG=Rex\\ The\\ Dog MY_CAT=fluffy',
      'ENV LEGACY value with spaces',
      'LABEL "com.example.vendor"="ACME Incorporated" version=1.0 description="multi word"',
      'LABEL legacy.key legacy value',
      '',
    ].join('\n'),
    graph: (p) => [img('alpine:3.19', p.tp)],
    history: () => [
      'ENV MY_NAME=John Doe MY_DOG=Rex The Dog MY_CAT=fluffy',
      'ENV LEGACY=value with spaces',
      'LABEL com.example.vendor=ACME Incorporated version=1.0 description=multi word',
      'LABEL legacy.key=legacy value',
    ],
    config: () => ({
      Env: [PATH, 'MY_NAME=John Doe', 'MY_DOG=Rex The Dog', 'MY_CAT=fluffy', 'LEGACY=value with spaces'],
      Cmd: ALPINE_CMD,
      Labels: {
        'com.example.vendor': 'ACME Incorporated',
        description: 'multi word',
        'legacy.key': 'legacy value',
        version: '1.0',
      },
    }),
  },
];

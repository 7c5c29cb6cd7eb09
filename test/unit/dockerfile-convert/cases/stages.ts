/**
 * Multi-stage builds: `COPY --from=` by name, index and image, `--target` and the stages it
 * needs, stages built from stages, RUN mounts, and ONBUILD triggers.
 */
import { type Case, img, PATH } from './types.js';

const GO_PATH = 'PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const STAGE_CASES: readonly Case[] = [
  {
    name: 'COPY --from names a stage in any case (stage names are lower-cased)',
    dockerfile: 'FROM alpine:3.19 AS Builder\nRUN echo hi > /hi\nFROM scratch\nCOPY --from=BUILDER /hi /hi\n',
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo hi > /hi"] on #0`,
      'file on scratch: copy #1:/hi -> /hi',
    ],
    history: () => ['COPY /hi /hi # buildkit'],
    config: () => ({ Env: [PATH], WorkingDir: '/' }),
  },
  {
    name: 'COPY --from=0 names the first stage by its index',
    dockerfile: 'FROM busybox\nRUN echo one > /one\nFROM busybox\nCOPY --from=0 /one /two\n',
    graph: (p) => [
      img('busybox', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo one > /one"] on #0`,
      'file on #0: copy #1:/one -> /two',
    ],
    history: () => ['COPY /one /two # buildkit'],
  },
  {
    name: 'COPY --from=image copies from that image for the target platform',
    dockerfile: 'FROM scratch\nCOPY --from=busybox:latest /bin/busybox /busybox\n',
    graph: (p) => [img('busybox', p.tp), 'file on scratch: copy #0:/bin/busybox -> /busybox'],
    resolved: ['busybox:latest linux/amd64', 'busybox:latest linux/arm64', 'busybox:latest linux/arm/v7'],
  },
  {
    name: '--target picks a middle stage (any case); stages it does not need are not converted',
    dockerfile: [
      'FROM alpine:3.19 AS deps',
      'RUN echo deps > /deps',
      'FROM deps AS test',
      'RUN echo test',
      'FROM does-not-exist:1 AS release',
      'COPY --from=deps /deps /deps',
      '',
    ].join('\n'),
    target: 'TEST',
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo deps > /deps"] on #0`,
      `exec ${p.tp} ["/bin/sh","-c","echo test"] on #1`,
    ],
    history: () => ['RUN /bin/sh -c echo deps > /deps # buildkit', 'RUN /bin/sh -c echo test # buildkit'],
    resolved: ['alpine:3.19 linux/amd64', 'alpine:3.19 linux/arm64', 'alpine:3.19 linux/arm/v7'],
  },
  {
    name: 'a stage built FROM another inherits its ENV, WORKDIR, USER, CMD and history',
    dockerfile:
      'FROM golang:1.22 AS base\nENV CGO_ENABLED=0\nWORKDIR /src\nUSER nobody\nFROM base AS test\nRUN go test ./...\n',
    graph: (p) => [
      img('golang:1.22', p.tp),
      'file on #0: mkdir /src 0755',
      `exec ${p.tp} ["/bin/sh","-c","go test ./..."] on #1 env=CGO_ENABLED=0,GOLANG_VERSION=1.22.0,GOPATH=/go cwd=/src user=nobody`,
    ],
    history: () => [
      'ENV CGO_ENABLED=0',
      'WORKDIR /src',
      'USER nobody',
      'RUN /bin/sh -c go test ./... # buildkit',
    ],
    config: () => ({
      User: 'nobody',
      Env: [GO_PATH, 'GOLANG_VERSION=1.22.0', 'GOPATH=/go', 'CGO_ENABLED=0'],
      Cmd: ['bash'],
      WorkingDir: '/src',
    }),
  },
  {
    name: 'FROM golang AS golang pulls the image: a FROM names only stages defined above it',
    dockerfile: 'FROM golang AS golang\nRUN go version\n',
    graph: (p) => [
      img('golang', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","go version"] on #0 env=GOPATH=/go cwd=/go`,
    ],
    resolved: ['golang linux/amd64', 'golang linux/arm64', 'golang linux/arm/v7'],
  },
  {
    name: 'RUN --mount=type=bind,from=stage reads another stage without copying it',
    dockerfile: [
      'FROM alpine:3.19 AS assets',
      'RUN mkdir /out && echo a > /out/a',
      'FROM alpine:3.19',
      'RUN --mount=type=bind,from=assets,source=/out,target=/in cp -r /in /copied',
      '',
    ].join('\n'),
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","mkdir /out && echo a > /out/a"] on #0`,
      `exec ${p.tp} ["/bin/sh","-c","cp -r /in /copied"] on #0 mounts=bind #1:/out->/in ro`,
    ],
    history: () => ['RUN /bin/sh -c cp -r /in /copied # buildkit'],
  },
  {
    name: 'RUN --mount=type=cache: the id defaults to the target; sharing as written',
    dockerfile: [
      'FROM alpine:3.19',
      'RUN --mount=type=cache,target=/var/cache/apk,sharing=locked \\',
      '    --mount=type=cache,id=npm,target=/root/.npm,uid=1000,mode=0700 \\',
      '    apk add nodejs',
      '',
    ].join('\n'),
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","apk add nodejs"] on #0 mounts=cache id=/var/cache/apk->/var/cache/apk locked | cache id=npm->/root/.npm shared`,
    ],
    history: () => ['RUN /bin/sh -c apk add nodejs # buildkit'],
  },
  {
    name: 'RUN --mount=type=tmpfs, and a bind of the context with a target relative to WORKDIR',
    dockerfile:
      'FROM alpine:3.19\nWORKDIR /work\nRUN --mount=type=tmpfs,target=/tmp,size=64m --mount=type=bind,target=src,source=src make\n',
    graph: (p) => [
      img('alpine:3.19', p.tp),
      'file on #0: mkdir /work 0755',
      'local context',
      `exec ${p.tp} ["/bin/sh","-c","make"] on #1 cwd=/work mounts=tmpfs->/tmp size=67108864 | bind #2:/src->/work/src ro`,
    ],
    shared: ['local context'],
  },
  {
    name: 'RUN --mount=type=secret names the secret by id, never by value',
    dockerfile: [
      'FROM alpine:3.19',
      'RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \\',
      '    --mount=type=secret,id=aws,env=AWS_TOKEN \\',
      '    --mount=type=secret,source=gh,required \\',
      '    --mount=type=secret,target=/etc/api-key \\',
      '    cat /root/.npmrc',
      '',
    ].join('\n'),
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","cat /root/.npmrc"] on #0 mounts=secret id=npmrc->/root/.npmrc | secret id=aws->(none) env=AWS_TOKEN | ` +
        'secret id=gh->/run/secrets/gh required | secret id=api-key->/etc/api-key',
    ],
    history: () => ['RUN /bin/sh -c cat /root/.npmrc # buildkit'],
  },
  {
    name: 'RUN --network and --security',
    dockerfile:
      'FROM alpine:3.19\nRUN --network=none echo offline\nRUN --network=host --security=insecure echo host\n',
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo offline"] on #0 network=none`,
      `exec ${p.tp} ["/bin/sh","-c","echo host"] on #1 network=host security=insecure`,
    ],
    history: () => ['RUN /bin/sh -c echo offline # buildkit', 'RUN /bin/sh -c echo host # buildkit'],
  },
  {
    name: "ONBUILD triggers of a base image run first, in the new stage's scope, and are cleared",
    dockerfile: 'FROM onbuild-base:1\nRUN cat /greeting\n',
    graph: (p) => [
      img('onbuild-base:1', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo $GREETING > /greeting"] on #0 env=GREETING=hi cwd=/app`,
      'local context',
      'file on #1: copy #2:/app.conf -> /etc/app.conf',
      `exec ${p.tp} ["/bin/sh","-c","cat /greeting"] on #3 env=GREETING=hi cwd=/app`,
    ],
    shared: ['local context'],
    history: () => [
      'ARG GREETING=hi',
      'RUN |1 GREETING=hi /bin/sh -c echo $GREETING > /greeting # buildkit',
      'COPY app.conf /etc/app.conf # buildkit',
      'RUN |1 GREETING=hi /bin/sh -c cat /greeting # buildkit',
    ],
    config: () => ({ Env: [PATH], WorkingDir: '/app' }),
  },
  {
    name: 'ONBUILD in a stage runs in a stage built FROM it (no history entry of its own)',
    dockerfile:
      'FROM alpine:3.19 AS base\nONBUILD RUN echo triggered > /t\nRUN echo base\nFROM base\nRUN cat /t\n',
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo base"] on #0`,
      `exec ${p.tp} ["/bin/sh","-c","echo triggered > /t"] on #1`,
      `exec ${p.tp} ["/bin/sh","-c","cat /t"] on #2`,
    ],
    history: () => [
      'RUN /bin/sh -c echo base # buildkit',
      'RUN /bin/sh -c echo triggered > /t # buildkit',
      'RUN /bin/sh -c cat /t # buildkit',
    ],
    config: () => ({ Env: [PATH], Cmd: ['/bin/sh'] }),
  },
  {
    name: "ONBUILD in the target stage is stored in the image's config",
    dockerfile:
      'FROM alpine:3.19 AS base\nONBUILD RUN echo triggered > /t\nRUN echo base\nFROM base\nRUN cat /t\n',
    target: 'base',
    graph: (p) => [img('alpine:3.19', p.tp), `exec ${p.tp} ["/bin/sh","-c","echo base"] on #0`],
    history: () => ['RUN /bin/sh -c echo base # buildkit'],
    config: () => ({ Env: [PATH], Cmd: ['/bin/sh'], OnBuild: ['RUN echo triggered > /t'] }),
  },
];

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the test data are Dockerfiles, where ${…} is literal text
/**
 * Automatic platform ARGs ("Automatic platform ARGs in the global scope") and the
 * cross-compilation pattern: a `FROM --platform=$BUILDPLATFORM … AS build` stage feeding a
 * per-target stage. `shared` lists the vertices every target has in common: the work done once.
 */
import { type Case, img, PATH } from './types.js';

const GO_ENV = 'env=GOLANG_VERSION=1.22.0,GOPATH=/go';

export const PLATFORM_CASES: readonly Case[] = [
  {
    name: 'TARGETARCH is visible in FROM without a declaration; only the stage it names is converted',
    dockerfile: [
      'FROM alpine:3.19 AS base-amd64',
      'RUN echo amd64 > /arch',
      'FROM busybox AS base-arm64',
      'RUN echo arm64 > /arch',
      'FROM busybox AS base-arm',
      'RUN echo arm > /arch',
      'FROM base-${TARGETARCH}',
      'RUN cat /arch',
      '',
    ].join('\n'),
    graph: {
      amd64: [
        img('alpine:3.19', 'linux/amd64'),
        'exec linux/amd64 ["/bin/sh","-c","echo amd64 > /arch"] on #0',
        'exec linux/amd64 ["/bin/sh","-c","cat /arch"] on #1',
      ],
      arm64: [
        img('busybox', 'linux/arm64'),
        'exec linux/arm64 ["/bin/sh","-c","echo arm64 > /arch"] on #0',
        'exec linux/arm64 ["/bin/sh","-c","cat /arch"] on #1',
      ],
      armv7: [
        img('busybox', 'linux/arm/v7'),
        'exec linux/arm/v7 ["/bin/sh","-c","echo arm > /arch"] on #0',
        'exec linux/arm/v7 ["/bin/sh","-c","cat /arch"] on #1',
      ],
    },
    shared: [],
    history: (p) => [
      `RUN /bin/sh -c echo ${p.arch} > /arch # buildkit`,
      'RUN /bin/sh -c cat /arch # buildkit',
    ],
    resolved: ['alpine:3.19 linux/amd64', 'busybox linux/arm64', 'busybox linux/arm/v7'],
  },
  {
    name: 'TARGETARCH is empty in a stage until ARG TARGETARCH declares it',
    dockerfile:
      'FROM alpine:3.19\nWORKDIR /out/${TARGETARCH}\nARG TARGETARCH\nWORKDIR /out/${TARGETARCH}\nRUN pwd\n',
    graph: (p) => [
      img('alpine:3.19', p.tp),
      'file on #0: mkdir /out 0755',
      `file on #1: mkdir /out/${p.arch} 0755`,
      `exec ${p.tp} ["/bin/sh","-c","pwd"] on #2 env=TARGETARCH=${p.arch} cwd=/out/${p.arch}`,
    ],
    history: (p) => [
      'WORKDIR /out',
      `ARG TARGETARCH=${p.arch}`,
      `WORKDIR /out/${p.arch}`,
      `RUN |1 TARGETARCH=${p.arch} /bin/sh -c pwd # buildkit`,
    ],
    config: (p) => ({ Env: [PATH], Cmd: ['/bin/sh'], WorkingDir: `/out/${p.arch}` }),
  },
  {
    name: 'TARGETVARIANT is empty for amd64 and arm64 and v7 for arm/v7',
    dockerfile:
      'FROM alpine:3.19\nARG TARGETVARIANT\nLABEL variant=x${TARGETVARIANT}\nRUN echo "[$TARGETVARIANT]"\n',
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo \\"[$TARGETVARIANT]\\""] on #0 env=TARGETVARIANT=${p.variant}`,
    ],
    history: (p) => [
      `ARG TARGETVARIANT=${p.variant}`,
      `LABEL variant=x${p.variant}`,
      `RUN |1 TARGETVARIANT=${p.variant} /bin/sh -c echo "[$TARGETVARIANT]" # buildkit`,
    ],
    config: (p) => ({ Env: [PATH], Cmd: ['/bin/sh'], Labels: { variant: `x${p.variant}` } }),
  },
  {
    name: 'the eight automatic platform ARGs, declared in a stage',
    dockerfile:
      'FROM busybox\nARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT\nARG BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT\nRUN env\n',
    graph: (p) => [
      img('busybox', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","env"] on #0 env=BUILDARCH=amd64,BUILDOS=linux,BUILDPLATFORM=linux/amd64,BUILDVARIANT=,` +
        `TARGETARCH=${p.arch},TARGETOS=linux,TARGETPLATFORM=${p.tp},TARGETVARIANT=${p.variant}`,
    ],
    history: (p) => [
      `ARG TARGETPLATFORM=${p.tp} TARGETOS=linux TARGETARCH=${p.arch} TARGETVARIANT=${p.variant}`,
      'ARG BUILDPLATFORM=linux/amd64 BUILDOS=linux BUILDARCH=amd64 BUILDVARIANT=',
      `RUN |8 TARGETPLATFORM=${p.tp} TARGETOS=linux TARGETARCH=${p.arch} TARGETVARIANT=${p.variant} ` +
        'BUILDPLATFORM=linux/amd64 BUILDOS=linux BUILDARCH=amd64 BUILDVARIANT= /bin/sh -c env # buildkit',
    ],
  },
  {
    name: 'cross-compilation: a $BUILDPLATFORM build stage that never reads TARGET* has equal keys for every target',
    dockerfile: [
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build',
      'WORKDIR /src',
      'COPY . .',
      'RUN go build -o /out/app .',
      'FROM alpine:3.19',
      'COPY --from=build /out/app /usr/bin/app',
      'ENTRYPOINT ["app"]',
      '',
    ].join('\n'),
    graph: (p) => [
      img('alpine:3.19', p.tp),
      img('golang:1.22', 'linux/amd64'),
      'file on #1: mkdir /src 0755',
      'local context',
      'file on #2: copy #3:/ -> /src/',
      `exec linux/amd64 ["/bin/sh","-c","go build -o /out/app ."] on #4 ${GO_ENV} cwd=/src`,
      'file on #0: copy #5:/out/app -> /usr/bin/app',
    ],
    shared: [
      img('golang:1.22', 'linux/amd64'),
      'file on #1: mkdir /src 0755',
      'local context',
      'file on #2: copy #3:/ -> /src/',
      `exec linux/amd64 ["/bin/sh","-c","go build -o /out/app ."] on #4 ${GO_ENV} cwd=/src`,
    ],
    history: () => ['COPY /out/app /usr/bin/app # buildkit', 'ENTRYPOINT ["app"]'],
    config: () => ({ Env: [PATH], Entrypoint: ['app'] }),
    resolved: [
      'alpine:3.19 linux/amd64',
      'golang:1.22 linux/amd64',
      'alpine:3.19 linux/arm64',
      'golang:1.22 linux/amd64',
      'alpine:3.19 linux/arm/v7',
      'golang:1.22 linux/amd64',
    ],
  },
  {
    name: 'cross-compilation: reading TARGETARCH in the build stage makes its RUN key differ per target',
    dockerfile: [
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build',
      'ARG TARGETOS TARGETARCH',
      'WORKDIR /src',
      'COPY . .',
      'RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .',
      'FROM alpine:3.19',
      'COPY --from=build /out/app /usr/bin/app',
      '',
    ].join('\n'),
    graph: (p) => [
      img('alpine:3.19', p.tp),
      img('golang:1.22', 'linux/amd64'),
      'file on #1: mkdir /src 0755',
      'local context',
      'file on #2: copy #3:/ -> /src/',
      `exec linux/amd64 ["/bin/sh","-c","GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app ."] on #4 ${GO_ENV},TARGETARCH=${p.arch},TARGETOS=linux cwd=/src`,
      'file on #0: copy #5:/out/app -> /usr/bin/app',
    ],
    shared: [
      img('golang:1.22', 'linux/amd64'),
      'file on #1: mkdir /src 0755',
      'local context',
      'file on #2: copy #3:/ -> /src/',
    ],
    history: () => ['COPY /out/app /usr/bin/app # buildkit'],
  },
  {
    name: 'cross-compilation: the module download is shared, the build after ARG TARGETOS TARGETARCH is per target',
    dockerfile: [
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build',
      'WORKDIR /src',
      'COPY go.mod go.sum ./',
      'RUN --mount=type=cache,target=/go/pkg/mod go mod download',
      'COPY . .',
      'ARG TARGETOS TARGETARCH',
      'RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \\',
      '    GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .',
      'FROM scratch',
      'COPY --from=build /out/app /app',
      'ENTRYPOINT ["/app"]',
      '',
    ].join('\n'),
    graph: (p) => [
      img('golang:1.22', 'linux/amd64'),
      'file on #0: mkdir /src 0755',
      'local context',
      'file on #1: copy #2:/go.mod -> /src/; copy #2:/go.sum -> /src/',
      `exec linux/amd64 ["/bin/sh","-c","go mod download"] on #3 ${GO_ENV} cwd=/src mounts=cache id=/go/pkg/mod->/go/pkg/mod shared`,
      'file on #4: copy #2:/ -> /src/',
      `exec linux/amd64 ["/bin/sh","-c","GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app ."] on #5 ${GO_ENV},TARGETARCH=${p.arch},TARGETOS=linux cwd=/src ` +
        'mounts=cache id=/go/pkg/mod->/go/pkg/mod shared | cache id=/root/.cache/go-build->/root/.cache/go-build shared',
      'file on scratch: copy #6:/out/app -> /app',
    ],
    shared: [
      img('golang:1.22', 'linux/amd64'),
      'file on #0: mkdir /src 0755',
      'local context',
      'file on #1: copy #2:/go.mod -> /src/; copy #2:/go.sum -> /src/',
      `exec linux/amd64 ["/bin/sh","-c","go mod download"] on #3 ${GO_ENV} cwd=/src mounts=cache id=/go/pkg/mod->/go/pkg/mod shared`,
      'file on #4: copy #2:/ -> /src/',
    ],
    history: () => ['COPY /out/app /app # buildkit', 'ENTRYPOINT ["/app"]'],
    config: () => ({ Env: [PATH], Entrypoint: ['/app'], WorkingDir: '/' }),
  },
  {
    name: 'a $BUILDPLATFORM stage that COPY --from an image gets that image for the target platform',
    dockerfile:
      'FROM --platform=$BUILDPLATFORM alpine:3.19 AS build\nCOPY --from=tonistiigi/xx:1.4 / /\nRUN xx-info env\nFROM scratch\nCOPY --from=build /out /out\n',
    graph: (p) => [
      img('alpine:3.19', 'linux/amd64'),
      img('tonistiigi/xx:1.4', p.tp),
      'file on #0: copy #1:/ -> /',
      'exec linux/amd64 ["/bin/sh","-c","xx-info env"] on #2',
      'file on scratch: copy #3:/out -> /out',
    ],
    shared: [img('alpine:3.19', 'linux/amd64')],
    resolved: [
      'alpine:3.19 linux/amd64',
      'tonistiigi/xx:1.4 linux/amd64',
      'alpine:3.19 linux/amd64',
      'tonistiigi/xx:1.4 linux/arm64',
      'alpine:3.19 linux/amd64',
      'tonistiigi/xx:1.4 linux/arm/v7',
    ],
  },
  {
    name: 'an xx helper stage on $BUILDPLATFORM is shared; the RUN after ARG TARGETPLATFORM is not',
    dockerfile: [
      'FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.4 AS xx',
      'FROM --platform=$BUILDPLATFORM alpine:3.19 AS build',
      'COPY --from=xx / /',
      'ARG TARGETPLATFORM',
      'RUN xx-apk add gcc && xx-clang --version',
      'FROM alpine:3.19',
      'COPY --from=build /usr/bin/app /usr/bin/app',
      '',
    ].join('\n'),
    graph: {
      amd64: [
        img('alpine:3.19', 'linux/amd64'),
        img('tonistiigi/xx:1.4', 'linux/amd64'),
        'file on #0: copy #1:/ -> /',
        'exec linux/amd64 ["/bin/sh","-c","xx-apk add gcc && xx-clang --version"] on #2 env=TARGETPLATFORM=linux/amd64',
        'file on #0: copy #3:/usr/bin/app -> /usr/bin/app',
      ],
      arm64: [
        img('alpine:3.19', 'linux/arm64'),
        img('alpine:3.19', 'linux/amd64'),
        img('tonistiigi/xx:1.4', 'linux/amd64'),
        'file on #1: copy #2:/ -> /',
        'exec linux/amd64 ["/bin/sh","-c","xx-apk add gcc && xx-clang --version"] on #3 env=TARGETPLATFORM=linux/arm64',
        'file on #0: copy #4:/usr/bin/app -> /usr/bin/app',
      ],
      armv7: [
        img('alpine:3.19', 'linux/arm/v7'),
        img('alpine:3.19', 'linux/amd64'),
        img('tonistiigi/xx:1.4', 'linux/amd64'),
        'file on #1: copy #2:/ -> /',
        'exec linux/amd64 ["/bin/sh","-c","xx-apk add gcc && xx-clang --version"] on #3 env=TARGETPLATFORM=linux/arm/v7',
        'file on #0: copy #4:/usr/bin/app -> /usr/bin/app',
      ],
    },
    shared: [
      img('alpine:3.19', 'linux/amd64'),
      img('tonistiigi/xx:1.4', 'linux/amd64'),
      'file on #0: copy #1:/ -> /',
    ],
  },
  {
    name: 'docs: BUILDPLATFORM and TARGETPLATFORM inside a $BUILDPLATFORM stage are the build and the target',
    dockerfile: [
      'FROM --platform=$BUILDPLATFORM alpine:3.19 AS build',
      'ARG TARGETPLATFORM',
      'ARG BUILDPLATFORM',
      'RUN echo "I am running on $BUILDPLATFORM, building for $TARGETPLATFORM" > /log',
      'FROM alpine:3.19',
      'COPY --from=build /log /log',
      '',
    ].join('\n'),
    graph: {
      amd64: [
        img('alpine:3.19', 'linux/amd64'),
        'exec linux/amd64 ["/bin/sh","-c","echo \\"I am running on $BUILDPLATFORM, building for $TARGETPLATFORM\\" > /log"] on #0 env=BUILDPLATFORM=linux/amd64,TARGETPLATFORM=linux/amd64',
        'file on #0: copy #1:/log -> /log',
      ],
      arm64: [
        img('alpine:3.19', 'linux/arm64'),
        img('alpine:3.19', 'linux/amd64'),
        'exec linux/amd64 ["/bin/sh","-c","echo \\"I am running on $BUILDPLATFORM, building for $TARGETPLATFORM\\" > /log"] on #1 env=BUILDPLATFORM=linux/amd64,TARGETPLATFORM=linux/arm64',
        'file on #0: copy #2:/log -> /log',
      ],
      armv7: [
        img('alpine:3.19', 'linux/arm/v7'),
        img('alpine:3.19', 'linux/amd64'),
        'exec linux/amd64 ["/bin/sh","-c","echo \\"I am running on $BUILDPLATFORM, building for $TARGETPLATFORM\\" > /log"] on #1 env=BUILDPLATFORM=linux/amd64,TARGETPLATFORM=linux/arm/v7',
        'file on #0: copy #2:/log -> /log',
      ],
    },
    shared: [img('alpine:3.19', 'linux/amd64')],
  },
  {
    name: 'FROM --platform with a constant runs that stage on the constant platform for every target',
    dockerfile:
      'FROM --platform=linux/amd64 busybox AS tools\nRUN echo tools > /t\nFROM busybox\nCOPY --from=tools /t /t\n',
    graph: {
      amd64: [
        img('busybox', 'linux/amd64'),
        'exec linux/amd64 ["/bin/sh","-c","echo tools > /t"] on #0',
        'file on #0: copy #1:/t -> /t',
      ],
      arm64: [
        img('busybox', 'linux/arm64'),
        img('busybox', 'linux/amd64'),
        'exec linux/amd64 ["/bin/sh","-c","echo tools > /t"] on #1',
        'file on #0: copy #2:/t -> /t',
      ],
      armv7: [
        img('busybox', 'linux/arm/v7'),
        img('busybox', 'linux/amd64'),
        'exec linux/amd64 ["/bin/sh","-c","echo tools > /t"] on #1',
        'file on #0: copy #2:/t -> /t',
      ],
    },
    shared: [img('busybox', 'linux/amd64'), 'exec linux/amd64 ["/bin/sh","-c","echo tools > /t"] on #0'],
  },
  {
    name: 'a --build-arg replaces the value of an automatic platform ARG, not the platform built',
    dockerfile: 'FROM alpine:3.19\nARG TARGETARCH\nRUN echo $TARGETARCH\n',
    buildArgs: { TARGETARCH: 'riscv64' },
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo $TARGETARCH"] on #0 env=TARGETARCH=riscv64`,
    ],
    history: () => [
      'ARG TARGETARCH=riscv64',
      'RUN |1 TARGETARCH=riscv64 /bin/sh -c echo $TARGETARCH # buildkit',
    ],
  },
  {
    name: 'a global ARG TARGETPLATFORM with a default replaces the automatic value in FROM lines',
    dockerfile: 'ARG TARGETPLATFORM=linux/arm64\nFROM --platform=$TARGETPLATFORM alpine:3.19\nRUN uname -m\n',
    graph: () => [img('alpine:3.19', 'linux/arm64'), 'exec linux/arm64 ["/bin/sh","-c","uname -m"] on #0'],
    shared: [img('alpine:3.19', 'linux/arm64'), 'exec linux/arm64 ["/bin/sh","-c","uname -m"] on #0'],
  },
  {
    name: 'a global bare ARG TARGETPLATFORM keeps the automatic value',
    dockerfile:
      'ARG TARGETPLATFORM\nFROM --platform=$TARGETPLATFORM alpine:3.19\nARG TARGETPLATFORM\nRUN echo $TARGETPLATFORM\n',
    graph: (p) => [
      img('alpine:3.19', p.tp),
      `exec ${p.tp} ["/bin/sh","-c","echo $TARGETPLATFORM"] on #0 env=TARGETPLATFORM=${p.tp}`,
    ],
    shared: [],
  },
];

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the test data are Dockerfiles, where ${…} is literal text
/** The product brief's two Dockerfiles, with every per-platform expectation written out. */
import { type Case, img, PATH } from './types.js';

export const BRIEF_CASES: readonly Case[] = [
  {
    name: 'brief 1: FROM --platform=$TARGETPLATFORM pulls the base for each target',
    dockerfile: 'FROM --platform=$TARGETPLATFORM alpine\nRUN uname -a > /os.txt\nCMD cat /os.txt\n',
    graph: {
      amd64: [img('alpine', 'linux/amd64'), 'exec linux/amd64 ["/bin/sh","-c","uname -a > /os.txt"] on #0'],
      arm64: [img('alpine', 'linux/arm64'), 'exec linux/arm64 ["/bin/sh","-c","uname -a > /os.txt"] on #0'],
      armv7: [img('alpine', 'linux/arm/v7'), 'exec linux/arm/v7 ["/bin/sh","-c","uname -a > /os.txt"] on #0'],
    },
    shared: [],
    history: {
      amd64: ['RUN /bin/sh -c uname -a > /os.txt # buildkit', 'CMD ["/bin/sh" "-c" "cat /os.txt"]'],
      arm64: ['RUN /bin/sh -c uname -a > /os.txt # buildkit', 'CMD ["/bin/sh" "-c" "cat /os.txt"]'],
      armv7: ['RUN /bin/sh -c uname -a > /os.txt # buildkit', 'CMD ["/bin/sh" "-c" "cat /os.txt"]'],
    },
    config: {
      amd64: { Env: [PATH], Cmd: ['/bin/sh', '-c', 'cat /os.txt'], ArgsEscaped: true },
      arm64: { Env: [PATH], Cmd: ['/bin/sh', '-c', 'cat /os.txt'], ArgsEscaped: true },
      armv7: { Env: [PATH], Cmd: ['/bin/sh', '-c', 'cat /os.txt'], ArgsEscaped: true },
    },
    resolved: ['alpine linux/amd64', 'alpine linux/arm64', 'alpine linux/arm/v7'],
  },
  {
    name: 'brief 2: scratch + ARG TARGETOS/TARGETARCH copies the binary for each target',
    dockerfile:
      'FROM scratch\nARG TARGETOS\nARG TARGETARCH\nCOPY bin/dist-${TARGETOS}-${TARGETARCH} /dist\nENTRYPOINT ["dist"]\n',
    graph: {
      amd64: ['local context', 'file on scratch: copy #0:/bin/dist-linux-amd64 -> /dist'],
      arm64: ['local context', 'file on scratch: copy #0:/bin/dist-linux-arm64 -> /dist'],
      armv7: ['local context', 'file on scratch: copy #0:/bin/dist-linux-arm -> /dist'],
    },
    shared: ['local context'],
    history: {
      amd64: [
        'ARG TARGETOS=linux',
        'ARG TARGETARCH=amd64',
        'COPY bin/dist-linux-amd64 /dist # buildkit',
        'ENTRYPOINT ["dist"]',
      ],
      arm64: [
        'ARG TARGETOS=linux',
        'ARG TARGETARCH=arm64',
        'COPY bin/dist-linux-arm64 /dist # buildkit',
        'ENTRYPOINT ["dist"]',
      ],
      armv7: [
        'ARG TARGETOS=linux',
        'ARG TARGETARCH=arm',
        'COPY bin/dist-linux-arm /dist # buildkit',
        'ENTRYPOINT ["dist"]',
      ],
    },
    config: {
      amd64: { Env: [PATH], Entrypoint: ['dist'], WorkingDir: '/' },
      arm64: { Env: [PATH], Entrypoint: ['dist'], WorkingDir: '/' },
      armv7: { Env: [PATH], Entrypoint: ['dist'], WorkingDir: '/' },
    },
    resolved: [],
  },
];

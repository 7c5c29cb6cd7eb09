/**
 * The injected image resolver of the table tests: a plain function over a small table of image
 * configs, as a registry would answer for each platform. An image's reference is pinned to one
 * digest for every platform (the digest of its index, as BuildKit pins `FROM` lines); its config
 * carries the platform it was asked for. Unknown names fail like a registry's "not found".
 */
import { createHash } from 'node:crypto';
import type { ImageResolver, ResolvedImage } from '../../../src/dockerfile/convert/index.js';
import type { ContainerConfig } from '../../../src/oci/index.js';
import { type Platform, parsePlatform } from '../../../src/platform/index.js';

const STD_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Configs by `name:tag` (Docker Hub short names). */
export const IMAGE_CONFIGS: Readonly<Record<string, ContainerConfig>> = {
  'alpine:3.19': { Env: [STD_PATH], Cmd: ['/bin/sh'] },
  'alpine:edge': { Env: [STD_PATH], Cmd: ['/bin/sh'] },
  'alpine:latest': { Env: [STD_PATH], Cmd: ['/bin/sh'] },
  'busybox:latest': { Env: [STD_PATH], Cmd: ['sh'] },
  'base:latest': { Env: [STD_PATH] },
  'extras:latest': { Env: [STD_PATH], Cmd: ['/bin/sh'] },
  'golang:1.22': {
    Env: [
      'PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'GOLANG_VERSION=1.22.0',
      'GOPATH=/go',
    ],
    WorkingDir: '/go',
    Cmd: ['bash'],
  },
  'golang:latest': { Env: [STD_PATH, 'GOPATH=/go'], WorkingDir: '/go', Cmd: ['bash'] },
  'node:20': {
    Env: [STD_PATH, 'NODE_VERSION=20.11.0'],
    Entrypoint: ['docker-entrypoint.sh'],
    Cmd: ['node'],
  },
  'tonistiigi/xx:1.4': { Env: [STD_PATH] },
  'onbuild-base:1': {
    Env: [STD_PATH],
    WorkingDir: '/app',
    OnBuild: ['ARG GREETING=hi', 'RUN echo $GREETING > /greeting', 'COPY app.conf /etc/app.conf'],
  },
  'rich:1': {
    Env: ['LANG=C.UTF-8'],
    User: 'app',
    WorkingDir: '/srv',
    Labels: { vendor: 'acme', 'org.opencontainers.image.version': '1' },
    ExposedPorts: { '80/tcp': {} },
    Volumes: { '/data': {} },
    Entrypoint: ['/entry.sh'],
    Cmd: ['serve'],
    StopSignal: 'SIGQUIT',
    Healthcheck: { Test: ['CMD', 'true'], Interval: 10_000_000_000 },
    Shell: ['/bin/ash', '-c'],
  },
};

/** `alpine` → `alpine:latest`; `tonistiigi/xx:1.4` stays. */
function nameTag(ref: string): string {
  return /:[^/]*$/.test(ref) ? ref : `${ref}:latest`;
}

/** The pinned reference the fake registry gives `ref` (same for every platform). */
export function pinned(ref: string): string {
  const key = nameTag(ref);
  const digest = createHash('sha256').update(key).digest('hex');
  const repo = key.includes('/') ? `docker.io/${key}` : `docker.io/library/${key}`;
  return `${repo}@sha256:${digest}`;
}

/** What the fake registry was asked, in order (`ref platform`). */
export interface ResolverLog {
  readonly calls: string[];
}

/** A resolver over {@link IMAGE_CONFIGS}; records each call in `log` when given. */
export function fakeResolver(log?: ResolverLog): ImageResolver {
  return async (ref: string, platform: Platform): Promise<ResolvedImage> => {
    const key = nameTag(ref);
    log?.calls.push(
      `${ref} ${[platform.os, platform.architecture, platform.variant].filter(Boolean).join('/')}`,
    );
    const config = IMAGE_CONFIGS[key];
    if (!config) throw new Error(`docker.io/library/${key}: not found`);
    return {
      ref: pinned(ref),
      config: {
        architecture: platform.architecture,
        os: platform.os,
        ...(platform.variant ? { variant: platform.variant } : {}),
        rootfs: { type: 'layers', diff_ids: [] },
        config,
      },
    };
  };
}

/** The three targets of the table, built on linux/amd64. */
export const TARGETS: readonly Platform[] = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'].map((p) =>
  parsePlatform(p),
);
export const BUILD_PLATFORM: Platform = parsePlatform('linux/amd64');

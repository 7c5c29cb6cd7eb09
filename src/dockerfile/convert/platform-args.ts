/**
 * The automatic platform ARGs. They exist in the global scope (usable in FROM lines without a
 * declaration); inside a stage each is visible only after `ARG NAME` without a value. TARGET*
 * always describe the platform being built, also inside a `FROM --platform=$BUILDPLATFORM`
 * stage: that is what makes the cross-compilation pattern work. *VARIANT is empty where the
 * platform has none.
 */
import { formatPlatform, type Platform } from '../../platform/index.js';

/** The eight names, in BuildKit's order. */
export const PLATFORM_ARG_NAMES: readonly string[] = [
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
];

const NAMES = new Set(PLATFORM_ARG_NAMES);

/** True for one of the eight automatic platform ARG names. */
export function isPlatformArg(name: string): boolean {
  return NAMES.has(name);
}

/** Values of the eight automatic ARGs for one target on one build platform. */
export function platformArgs(target: Platform, build: Platform): ReadonlyMap<string, string> {
  return new Map([
    ['TARGETPLATFORM', formatPlatform(target)],
    ['TARGETOS', target.os],
    ['TARGETARCH', target.architecture],
    ['TARGETVARIANT', target.variant ?? ''],
    ['BUILDPLATFORM', formatPlatform(build)],
    ['BUILDOS', build.os],
    ['BUILDARCH', build.architecture],
    ['BUILDVARIANT', build.variant ?? ''],
  ]);
}

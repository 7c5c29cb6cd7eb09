/** The shape of a table case, and helpers to write expected lines. */
import type { ContainerConfig } from '../../../../src/oci/index.js';
import { pinned } from '../fake-images.js';

/** One target platform, as expected lines use it. */
export interface P {
  /** `linux/arm/v7` */
  readonly tp: string;
  readonly os: string;
  /** `arm` for linux/arm/v7 */
  readonly arch: string;
  /** `v7`, or `` */
  readonly variant: string;
  /** `amd64`, `arm64` or `armv7`: a key of per-platform tables. */
  readonly key: 'amd64' | 'arm64' | 'armv7';
}

/** Per-platform values written out, or one function of the platform. */
export type PerPlatform<T> = ((p: P) => T) | { readonly amd64: T; readonly arm64: T; readonly armv7: T };

/** A Dockerfile converted for linux/amd64, linux/arm64 and linux/arm/v7 on linux/amd64. */
export interface Case {
  readonly name: string;
  readonly dockerfile: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly target?: string;
  /** The summarized graph (see summarize.ts), exact lines. */
  readonly graph: PerPlatform<readonly string[]>;
  /**
   * The lines (of the linux/amd64 graph) whose vertex digest is in all three graphs: the work
   * done once for every target.
   */
  readonly shared?: readonly string[];
  /** The history `created_by` lines of the image. */
  readonly history?: PerPlatform<readonly string[]>;
  /** The image config, `finishConfig(output.config)`. */
  readonly config?: PerPlatform<ContainerConfig>;
  /** The images the fake registry was asked for, in order (`ref platform`). */
  readonly resolved?: readonly string[];
}

/** `image <pinned ref> <platform>` */
export function img(ref: string, platform: string): string {
  return `image ${pinned(ref)} ${platform}`;
}

/** Reads a {@link PerPlatform} for one platform. */
export function forPlatform<T>(value: PerPlatform<T>, p: P): T {
  return typeof value === 'function' ? value(p) : value[p.key];
}

/** The PATH of most fake images (and BuildKit's default). */
export const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

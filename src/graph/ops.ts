/**
 * The ops of a build graph, as plain immutable data.
 *
 * This is the contract between the frontend (Dockerfile → graph) and the engine (solver +
 * worker). An op names its inputs by the digests of their vertices, so a graph is a Merkle DAG:
 * two vertices with equal ops and equal inputs have one digest and are run once.
 *
 * What goes into an op is exactly what decides its result, nothing else:
 * - Only `image` sources and `exec` ops carry a platform (the image's platform, the platform the
 *   command runs on). A local context source has one identity for every target.
 * - A `TARGET*` value enters an op only where the Dockerfile made it visible (an `ARG TARGETARCH`
 *   in the stage puts it in every later RUN's environment; a `${TARGETARCH}` in a COPY source
 *   puts its value in the path). A stage that never does so yields equal ops for every target,
 *   so a `FROM --platform=$BUILDPLATFORM` build stage runs once for all of them.
 * - Names, descriptions and progress groups stay out (see `VertexMeta`), so renaming a step
 *   keeps its cache.
 * - Secret values never appear: an op names a secret by id only.
 */
import type { Digest } from '../oci/digest.js';

/** Pull a base image for one platform. `ref` is the normalized reference (digest pinned when known). */
export interface ImageSourceOp {
  readonly kind: 'image';
  readonly ref: string;
  /** Canonical platform string, e.g. `linux/arm/v7`. */
  readonly platform: string;
}

/** A directory of the client: the build context or a named context. */
export interface LocalSourceOp {
  readonly kind: 'local';
  /** `context`, `dockerfile`, or the name of a `--build-context`. */
  readonly name: string;
  /** Paths the build reads (as patterns); empty means everything. */
  readonly include: readonly string[];
  /** .dockerignore patterns, in order (with `!` exceptions). */
  readonly exclude: readonly string[];
}

/** A file fetched over HTTP(S) (`ADD https://…`); the result holds it at `/<filename>`. */
export interface HttpSourceOp {
  readonly kind: 'http';
  readonly url: string;
  /** Expected digest of the file (`ADD --checksum=`). */
  readonly checksum?: string;
  readonly filename: string;
}

/** Where a mount of an exec op comes from and how it is mounted. */
export type ExecMount =
  | {
      readonly type: 'layer' | 'bind';
      readonly target: string;
      /** Index into the vertex's inputs; undefined for an empty (scratch) mount. */
      readonly input?: number;
      readonly source?: string;
      readonly readonly?: boolean;
    }
  | {
      readonly type: 'cache';
      readonly target: string;
      readonly id: string;
      readonly sharing: 'shared' | 'private' | 'locked';
      readonly readonly?: boolean;
      readonly input?: number;
      readonly source?: string;
      readonly mode?: number;
      readonly uid?: number;
      readonly gid?: number;
    }
  | { readonly type: 'tmpfs'; readonly target: string; readonly size?: number }
  | {
      readonly type: 'secret';
      readonly target?: string;
      readonly env?: string;
      readonly id: string;
      readonly required: boolean;
      readonly mode?: number;
      readonly uid?: number;
      readonly gid?: number;
    }
  | { readonly type: 'ssh'; readonly target: string; readonly id: string; readonly required: boolean };

/** Run a command in a container whose root is input 0. */
export interface ExecOp {
  readonly kind: 'exec';
  /** The platform the command runs on (canonical string). */
  readonly platform: string;
  readonly args: readonly string[];
  /** `NAME=value`, sorted by name. */
  readonly env: readonly string[];
  readonly cwd: string;
  readonly user: string;
  readonly network: 'default' | 'none' | 'host';
  readonly security: 'sandbox' | 'insecure';
  /** The root mount is always first: `{ type: 'layer', target: '/', input: 0 }`. */
  readonly mounts: readonly ExecMount[];
}

/** Ownership for file actions: numeric or names resolved in the destination's /etc files. */
export interface ChownSpec {
  readonly user: string;
  readonly group?: string;
}

/** One file action; `input` indexes the vertex's inputs (undefined = scratch). */
export type FileAction =
  | {
      readonly action: 'copy';
      readonly sourceInput?: number;
      readonly sources: readonly string[];
      readonly dest: string;
      readonly chown?: ChownSpec;
      readonly chmod?: string;
      readonly link: boolean;
      readonly parents: boolean;
      readonly exclude: readonly string[];
      /** ADD semantics: local tar archives are extracted. */
      readonly extractArchives: boolean;
      readonly followSymlinks: boolean;
      readonly allowWildcard: boolean;
      readonly allowEmptyWildcard: boolean;
      readonly createDestPath: boolean;
      readonly dirCopyContents: boolean;
    }
  | {
      readonly action: 'mkdir';
      readonly path: string;
      readonly mode: number;
      readonly parents: boolean;
      readonly chown?: ChownSpec;
    }
  | {
      readonly action: 'mkfile';
      readonly path: string;
      readonly data: string;
      readonly mode: number;
      readonly chown?: ChownSpec;
    }
  | { readonly action: 'rm'; readonly path: string; readonly allowNotFound: boolean };

/** Change a file system with file actions, in order: input 0 when `base` is true, else scratch. */
export interface FileOp {
  readonly kind: 'file';
  /** Whether input 0 is the file system changed (false: start from scratch). */
  readonly base: boolean;
  readonly actions: readonly FileAction[];
}

/** Every kind of op. */
export type Op = ImageSourceOp | LocalSourceOp | HttpSourceOp | ExecOp | FileOp;

/** An op with its inputs, identified by the digest of its canonical bytes. */
export interface Vertex {
  readonly digest: Digest;
  readonly op: Op;
  readonly inputs: readonly Digest[];
}

/** What is shown about a vertex but not hashed. */
export interface VertexMeta {
  /** Human name, e.g. `[linux/arm64 build 2/3] RUN make`. */
  readonly name: string;
  /** Dockerfile location, for error messages. */
  readonly location?: { readonly file: string; readonly startLine: number; readonly endLine: number };
  /** Skip the cache for this vertex (`--no-cache-filter`). */
  readonly ignoreCache?: boolean;
  /**
   * `NAME=value` added to an exec op's environment but not to its cache key: the predefined
   * proxy build args (HTTP_PROXY…) given with `--build-arg` and not declared with ARG, as
   * BuildKit passes them (its ProxyEnv).
   */
  readonly proxyEnv?: readonly string[];
}

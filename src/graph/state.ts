/**
 * An immutable builder for build graphs. Every method returns a new `State`; a build reads as one
 * chain (`image(…).run(…).copy(…)`), and `marshal` turns the result into a `Definition`.
 *
 * Vertex digests are computed as vertices are made: sha256 of the canonical JSON of
 * `{ op, inputs }`, inputs by digest. Equal subgraphs therefore have equal digests, whichever
 * platform's conversion made them, and `mergeDefinitions` dedupes them for free.
 */
import { createHash } from 'node:crypto';
import type { Digest } from '../oci/digest.js';
import { canonicalJson } from './canonical.js';
import type {
  ExecMount,
  ExecOp,
  FileAction,
  HttpSourceOp,
  ImageSourceOp,
  LocalSourceOp,
  Op,
  Vertex,
  VertexMeta,
} from './ops.js';

interface Node {
  readonly vertex: Vertex;
  readonly inputs: readonly Node[];
  readonly meta: VertexMeta | undefined;
}

/** Digest of an op with its inputs: the cache key of a vertex. */
export function vertexDigest(op: Op, inputs: readonly Digest[]): Digest {
  return `sha256:${createHash('sha256').update(canonicalJson({ op, inputs })).digest('hex')}` as Digest;
}

function makeNode(op: Op, inputs: readonly Node[], meta: VertexMeta | undefined): Node {
  const inputDigests = inputs.map((n) => n.vertex.digest);
  return { vertex: { digest: vertexDigest(op, inputDigests), op, inputs: inputDigests }, inputs, meta };
}

/** A mount of another state into an exec op (its root is mounted by the op itself). */
export type StateMount =
  | {
      readonly type: 'bind';
      readonly target: string;
      readonly from: State;
      readonly source?: string;
      readonly readonly?: boolean;
    }
  | (Extract<ExecMount, { type: 'cache' }> & { readonly from?: State })
  | Extract<ExecMount, { type: 'tmpfs' | 'secret' | 'ssh' }>;

/** Everything `run` needs besides the root file system. */
export interface RunOptions {
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly user: string;
  readonly platform: string;
  readonly network?: ExecOp['network'];
  readonly security?: ExecOp['security'];
  readonly mounts?: readonly StateMount[];
}

/** A file action whose sources are states instead of input indexes. */
export type StateFileAction =
  | (Omit<Extract<FileAction, { action: 'copy' }>, 'sourceInput'> & { readonly from: State })
  | Exclude<FileAction, { action: 'copy' }>;

/** A point in a build graph: a file system (or scratch) and how it is made. */
export class State {
  /** @internal */
  readonly node: Node | undefined;

  private constructor(node: Node | undefined) {
    this.node = node;
  }

  /** The empty file system (`FROM scratch`). */
  static scratch(): State {
    return new State(undefined);
  }

  /** @internal Wraps an op whose inputs are other states. */
  static fromOp(op: Op, inputs: readonly State[], meta?: VertexMeta): State {
    const nodes = inputs.map((s) => {
      if (!s.node) throw new TypeError('scratch cannot be an input');
      return s.node;
    });
    return new State(makeNode(op, nodes, meta));
  }

  /** The digest of this state's vertex; undefined for scratch. */
  get digest(): Digest | undefined {
    return this.node?.vertex.digest;
  }

  /** Runs a command on this file system; the result is the changed root. */
  run(options: RunOptions, meta?: VertexMeta): State {
    const inputs: State[] = [];
    const indexOf = (s: State): number | undefined => {
      if (!s.node) return undefined;
      const at = inputs.findIndex((i) => i.digest === s.digest);
      if (at >= 0) return at;
      inputs.push(s);
      return inputs.length - 1;
    };
    const root: ExecMount = { type: 'layer', target: '/', ...optionalIndex(indexOf(this)) };
    const mounts: ExecMount[] = [root];
    for (const m of options.mounts ?? []) {
      if (m.type === 'bind') {
        const { from, ...rest } = m;
        mounts.push({ ...rest, ...optionalIndex(indexOf(from)) });
      } else if (m.type === 'cache') {
        const { from, ...rest } = m;
        mounts.push(from ? { ...rest, ...optionalIndex(indexOf(from)) } : rest);
      } else {
        mounts.push(m);
      }
    }
    const op: ExecOp = {
      kind: 'exec',
      platform: options.platform,
      args: [...options.args],
      env: [...options.env].sort(byName),
      cwd: options.cwd,
      user: options.user,
      network: options.network ?? 'default',
      security: options.security ?? 'sandbox',
      mounts,
    };
    return State.fromOp(op, inputs, meta);
  }

  /** Applies file actions to this file system (or to scratch). */
  file(actions: readonly StateFileAction[], meta?: VertexMeta): State {
    const inputs: State[] = this.node ? [this] : [];
    const resolved: FileAction[] = actions.map((a) => {
      if (a.action !== 'copy') return a;
      const { from, ...rest } = a;
      if (!from.node) return rest;
      let at = inputs.findIndex((i) => i.digest === from.digest);
      if (at < 0) {
        inputs.push(from);
        at = inputs.length - 1;
      }
      return { ...rest, sourceInput: at };
    });
    return State.fromOp({ kind: 'file', base: this.node !== undefined, actions: resolved }, inputs, meta);
  }
}

function optionalIndex(index: number | undefined): { input?: number } {
  return index === undefined ? {} : { input: index };
}

function byName(a: string, b: string): number {
  const ka = a.slice(0, a.indexOf('=') >>> 0);
  const kb = b.slice(0, b.indexOf('=') >>> 0);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** A base image for one platform. */
export function image(ref: string, platform: string, meta?: VertexMeta): State {
  const op: ImageSourceOp = { kind: 'image', ref, platform };
  return State.fromOp(op, [], meta);
}

/** A local directory (the build context or a named context). */
export function local(
  name: string,
  options: { include?: readonly string[]; exclude?: readonly string[] } = {},
  meta?: VertexMeta,
): State {
  const op: LocalSourceOp = {
    kind: 'local',
    name,
    include: [...(options.include ?? [])],
    exclude: [...(options.exclude ?? [])],
  };
  return State.fromOp(op, [], meta);
}

/** A file downloaded over HTTP(S). */
export function http(
  url: string,
  options: { checksum?: string; filename: string },
  meta?: VertexMeta,
): State {
  const op: HttpSourceOp = {
    kind: 'http',
    url,
    filename: options.filename,
    ...(options.checksum ? { checksum: options.checksum } : {}),
  };
  return State.fromOp(op, [], meta);
}

/** A marshalled graph: every vertex reachable from `head`, by digest, plus display metadata. */
export interface Definition {
  /** The result's vertex; undefined when the result is scratch. */
  readonly head: Digest | undefined;
  readonly vertices: ReadonlyMap<Digest, Vertex>;
  readonly meta: ReadonlyMap<Digest, VertexMeta>;
}

/** Collects the graph behind `state`, inputs before the vertices that use them. */
export function marshal(state: State): Definition {
  const vertices = new Map<Digest, Vertex>();
  const meta = new Map<Digest, VertexMeta>();
  const visit = (node: Node): void => {
    if (vertices.has(node.vertex.digest)) return;
    for (const input of node.inputs) visit(input);
    vertices.set(node.vertex.digest, node.vertex);
    if (node.meta) meta.set(node.vertex.digest, node.meta);
  };
  if (state.node) visit(state.node);
  return { head: state.digest, vertices, meta };
}

/**
 * The solver: runs the vertices of one or more build definitions (one per target platform)
 * together. It knows nothing of Dockerfiles, containers or layers; a `Worker` runs ops and a
 * `ResultCache` keeps their results.
 *
 * - Vertices with equal digests run once, whichever definition they came from.
 * - Each vertex gets a cache key: for a source, the digest of its op and its content (the
 *   resolved image digest, the context's checksum); for any other vertex, the digest of its op
 *   and its inputs' keys, or, where the worker gives one, a content key of what it reads of an
 *   input (the checksum of the files a COPY takes from the context). A touched-but-unchanged
 *   file, or a change to a file no step reads, therefore changes no key.
 * - A vertex whose key is in the cache is not run, and its inputs are not even loaded unless
 *   something that must run needs them: a rebuild with nothing changed runs no step.
 * - At most `maxParallelism` ops execute at once; independent vertices run in parallel.
 * - The first failure aborts the rest and is reported with the failing vertex's name and place.
 * - Progress: each vertex that runs is reported started and done (with its inputs), each one
 *   served from the cache as cached. A local source (the build context) does its work, reading
 *   and checksumming the files, while its key is computed: it is reported started and done
 *   around that, on every build, as BuildKit shows `[internal] load build context`, never as
 *   cached; the worker reports the bytes read as a status of it.
 */
import { createHash } from 'node:crypto';
import type { Definition, Vertex, VertexMeta } from '../graph/index.js';
import type { Digest } from '../oci/digest.js';
import { discardProgress, type ProgressSink } from '../progress/index.js';
import { InvalidGraphError, VertexFailedError } from './errors.js';
import { Limiter } from './limiter.js';

/** What a worker call receives besides the vertex. */
export interface SolveContext {
  readonly signal: AbortSignal;
  readonly progress: ProgressSink;
  /** Display metadata of the vertex, when the definition has any. */
  readonly meta: VertexMeta | undefined;
}

/** Runs ops. `R` is the worker's handle on a result (a snapshot, a layer chain…). */
export interface Worker<R> {
  /** A string that changes exactly when a source vertex's content changes. */
  sourceKey(vertex: Vertex, ctx: SolveContext): Promise<string>;
  /** Optional content key of what `vertex` reads of input `index` (e.g. a checksum of copied paths). */
  inputKey?(
    vertex: Vertex,
    index: number,
    input: { vertex: Vertex; key: Digest },
    ctx: SolveContext,
  ): Promise<string | undefined>;
  /** Produces the vertex's result from its inputs' results. */
  exec(vertex: Vertex, inputs: readonly R[], ctx: SolveContext): Promise<R>;
}

/** Results by cache key. */
export interface ResultCache<R> {
  has(key: Digest): Promise<boolean>;
  load(key: Digest, vertex: Vertex): Promise<R | undefined>;
  save(key: Digest, vertex: Vertex, result: R): Promise<void>;
}

/** Options of {@link solve}. */
export interface SolveOptions<R> {
  readonly worker: Worker<R>;
  readonly cache: ResultCache<R>;
  /** Ops executing at once; default 1. */
  readonly maxParallelism?: number;
  readonly signal?: AbortSignal;
  readonly progress?: ProgressSink;
  /** Ignore the cache for every vertex (results are still saved). */
  readonly noCache?: boolean;
}

/** What a solve produced. */
export interface SolveResult<R> {
  /** Result of each definition's head, in the order of the definitions (undefined for scratch). */
  readonly heads: readonly (R | undefined)[];
  /** Cache key of every vertex. */
  readonly keys: ReadonlyMap<Digest, Digest>;
  /** Vertices that ran. */
  readonly executed: ReadonlySet<Digest>;
  /** Vertices found in the cache. */
  readonly cached: ReadonlySet<Digest>;
}

function sha256(s: string): Digest {
  return `sha256:${createHash('sha256').update(s).digest('hex')}` as Digest;
}

/** Runs every definition's graph to its head. */
export async function solve<R>(
  definitions: readonly Definition[],
  options: SolveOptions<R>,
): Promise<SolveResult<R>> {
  const run = new SolveRun(definitions, options);
  return run.start();
}

class SolveRun<R> {
  private readonly vertices = new Map<Digest, Vertex>();
  private readonly meta = new Map<Digest, VertexMeta>();
  private readonly keyMemo = new Map<Digest, Promise<Digest>>();
  private readonly resultMemo = new Map<Digest, Promise<R>>();
  private readonly keys = new Map<Digest, Digest>();
  private readonly executed = new Set<Digest>();
  private readonly cached = new Set<Digest>();
  private readonly limiter: Limiter;
  private readonly abort = new AbortController();
  private readonly progress: ProgressSink;

  constructor(
    private readonly definitions: readonly Definition[],
    private readonly options: SolveOptions<R>,
  ) {
    for (const def of definitions) {
      for (const [digest, vertex] of def.vertices) this.vertices.set(digest, vertex);
      for (const [digest, m] of def.meta) if (!this.meta.has(digest)) this.meta.set(digest, m);
    }
    for (const vertex of this.vertices.values()) {
      for (const input of vertex.inputs) {
        if (!this.vertices.has(input))
          throw new InvalidGraphError(`vertex ${vertex.digest} names input ${input}, which the graph lacks`);
      }
    }
    this.limiter = new Limiter(options.maxParallelism ?? 1);
    this.progress = options.progress ?? discardProgress;
    options.signal?.addEventListener('abort', () => this.abort.abort(options.signal?.reason), { once: true });
  }

  async start(): Promise<SolveResult<R>> {
    try {
      // Keys first, for every vertex: that is what shows every cached step as CACHED.
      await Promise.all([...this.vertices.keys()].map((d) => this.markCached(d)));
      const heads = await Promise.all(
        this.definitions.map((def) => (def.head ? this.result(def.head) : undefined)),
      );
      return { heads, keys: this.keys, executed: this.executed, cached: this.cached };
    } catch (err) {
      this.abort.abort(err);
      // Let every step still running see the abort and stop before the caller cleans up.
      await Promise.allSettled([...this.resultMemo.values(), ...this.keyMemo.values()]);
      throw err;
    }
  }

  private ctx(digest: Digest): SolveContext {
    return { signal: this.abort.signal, progress: this.progress, meta: this.meta.get(digest) };
  }

  private fail(digest: Digest, err: unknown): never {
    if (err instanceof VertexFailedError) throw err;
    const name = this.meta.get(digest)?.name ?? digest;
    this.progress({
      type: 'vertex',
      digest,
      name,
      status: 'error',
      time: Date.now(),
      error: String((err as Error)?.message ?? err),
    });
    throw new VertexFailedError(this.meta.get(digest), err);
  }

  private key(digest: Digest): Promise<Digest> {
    let memo = this.keyMemo.get(digest);
    if (!memo) {
      memo = this.computeKey(digest).catch((err) => this.fail(digest, err));
      this.keyMemo.set(digest, memo);
    }
    return memo;
  }

  private async computeKey(digest: Digest): Promise<Digest> {
    const vertex = this.vertices.get(digest)!;
    let key: Digest;
    if (vertex.op.kind === 'image' || vertex.op.kind === 'local' || vertex.op.kind === 'http') {
      const loads = vertex.op.kind === 'local';
      const started = Date.now();
      if (loads) this.report(digest, 'started', started);
      const content = await this.options.worker.sourceKey(vertex, this.ctx(digest));
      if (loads) this.report(digest, 'done', Date.now(), started);
      key = sha256(JSON.stringify([vertex.digest, content]));
    } else {
      const parts = await Promise.all(
        vertex.inputs.map(async (input, index) => {
          const inputKey = await this.key(input);
          const selector = await this.options.worker.inputKey?.(
            vertex,
            index,
            { vertex: this.vertices.get(input)!, key: inputKey },
            this.ctx(digest),
          );
          // A content key of what is read replaces the input's key: an unread change is no change.
          return selector === undefined ? inputKey : `content:${selector}`;
        }),
      );
      key = sha256(JSON.stringify([vertex.digest, parts]));
    }
    this.keys.set(digest, key);
    return key;
  }

  private ignoresCache(digest: Digest): boolean {
    return this.options.noCache === true || this.meta.get(digest)?.ignoreCache === true;
  }

  private async markCached(digest: Digest): Promise<void> {
    const key = await this.key(digest);
    if (this.ignoresCache(digest) || !(await this.options.cache.has(key))) return;
    this.cached.add(digest);
    if (!this.loadsOnKey(digest)) this.report(digest, 'cached', Date.now());
  }

  /** True for a vertex whose work is done while its key is computed (a local source). */
  private loadsOnKey(digest: Digest): boolean {
    return this.vertices.get(digest)?.op.kind === 'local';
  }

  private report(
    digest: Digest,
    status: 'started' | 'done' | 'cached',
    time: number,
    started?: number,
  ): void {
    const inputs = this.vertices.get(digest)?.inputs ?? [];
    this.progress({
      type: 'vertex',
      digest,
      name: this.meta.get(digest)?.name ?? digest,
      status,
      time,
      ...(started === undefined ? {} : { started }),
      ...(inputs.length ? { inputs } : {}),
    });
  }

  private result(digest: Digest): Promise<R> {
    let memo = this.resultMemo.get(digest);
    if (!memo) {
      memo = this.computeResult(digest);
      this.resultMemo.set(digest, memo);
    }
    return memo;
  }

  private async computeResult(digest: Digest): Promise<R> {
    const vertex = this.vertices.get(digest)!;
    const key = await this.key(digest);
    if (!this.ignoresCache(digest)) {
      const hit = await this.options.cache.load(key, vertex);
      if (hit !== undefined) return hit;
    }
    const inputs = await Promise.all(vertex.inputs.map((input) => this.result(input)));
    this.abort.signal.throwIfAborted();
    return this.limiter.run(async () => {
      this.abort.signal.throwIfAborted();
      this.cached.delete(digest);
      const quiet = this.loadsOnKey(digest);
      const started = Date.now();
      if (!quiet) this.report(digest, 'started', started);
      try {
        const result = await this.options.worker.exec(vertex, inputs, this.ctx(digest));
        await this.options.cache.save(key, vertex, result);
        this.executed.add(digest);
        if (!quiet) this.report(digest, 'done', Date.now(), started);
        return result;
      } catch (err) {
        this.fail(digest, err);
      }
    });
  }
}

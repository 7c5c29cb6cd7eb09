/**
 * The local worker: runs every kind of op of a build graph on this machine. Image sources are
 * unpacked into snapshots; the context is a directory; an exec op runs in a runc container on an
 * overlay of its input's snapshots plus a new snapshot for its changes; a file op changes a new
 * snapshot the same way. Every op that changes files adds exactly one snapshot to its input's
 * chain, so a result's chain is its image's layers.
 *
 * The container runner and the file-action executor are passed in (see `WorkerDeps`), which
 * keeps this file about orchestration: mounts, snapshots, errors and progress.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import type { ContentStore } from '../content/index.js';
import { goStrconvQuote } from '../gofmt/index.js';
import type {
  ChownSpec,
  ExecMount,
  ExecOp,
  FileAction,
  FileOp,
  HttpSourceOp,
  Vertex,
} from '../graph/index.js';
import type { Digest } from '../oci/index.js';
import { StatusReporter } from '../progress/index.js';
import { parseReference } from '../registry/reference/index.js';
import type { SolveContext, Worker } from '../solver/index.js';
import { CacheMounts } from './cache-mounts.js';
import { contextChecksum, type FileDigestMemo, materializeContext } from './context/index.js';
import type { StepMount } from './exec/index.js';
import { CloneRefusedError, cloneTree } from './fileop/clone-tree.js';
import type { CopySource } from './fileop/index.js';
import { type Downloaded, download } from './http/download.js';
import { type ImageFetcher, pullProgress, resolveBaseImage, unpackImage } from './images/index.js';
import type { WorkerRef } from './refs.js';
import type { SnapshotStore, SnapshotView } from './snapshots/index.js';
import { StepFailedError } from './step-errors.js';

/** A mount of a RUN step, as the executor takes it. */
export type HostMount = StepMount;

/** Runs one RUN step; resolves to the exit code. */
export type StepRunner = (step: {
  readonly rootfs: string;
  readonly op: ExecOp;
  /** Extra mounts; secrets among them carry their values, which never enter the op. */
  readonly mounts: readonly HostMount[];
  readonly onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void;
  readonly signal: AbortSignal;
}) => Promise<number>;

/** Performs file actions on `destRoot`, reading copy sources from `sourceRoot(index)`. */
export type FileActionRunner = (
  actions: readonly FileAction[],
  roots: {
    readonly destRoot: string;
    /** A copy's source: its root, whether it is a local directory (owners reset to 0:0), its name. */
    readonly sourceRoot: (input: number | undefined) => CopySource | undefined;
    readonly signal: AbortSignal;
  },
) => Promise<void>;

/** A content key of what a copy reads from its source (see the solver's `inputKey`). */
export type CopyChecksum = (
  action: Extract<FileAction, { action: 'copy' }>,
  sourceRoot: string,
  memo: FileDigestMemo,
) => Promise<string>;

/** Where a secret's value comes from. */
export interface SecretSource {
  readonly file?: string;
  readonly env?: string;
}

/** What the local worker needs. */
export interface WorkerDeps {
  readonly snapshots: SnapshotStore;
  readonly store: ContentStore;
  readonly fetcher: ImageFetcher | undefined;
  /** Local sources by name (`context`, named contexts). */
  readonly contexts: ReadonlyMap<string, string>;
  readonly memo: FileDigestMemo;
  /** Directory for `RUN --mount=type=cache` contents. */
  readonly cacheMountDir: string;
  readonly secrets: ReadonlyMap<string, SecretSource>;
  readonly runStep: StepRunner;
  readonly applyFileActions: FileActionRunner;
  readonly copyChecksum?: CopyChecksum;
  /** HTTP client for `ADD https://…`. */
  readonly http?: Dispatcher;
}

/** Most output kept from a step to show when it fails. */
const TAIL_LINES = 20;

export class LocalWorker implements Worker<WorkerRef> {
  /** Downloads made while computing keys, reused by exec (one download per URL and build). */
  private readonly downloads = new Map<string, Promise<Downloaded>>();
  /** Snapshots other platforms cloned, once marked as such. */
  private readonly cloneOrigins = new Map<string, Promise<void>>();
  /** Copies written straight into a snapshot, by action and source: the first platform's snapshot. */
  private readonly copyTwins = new Map<string, Promise<string>>();
  /** Checksums of the local sources read in this build, by vertex digest. */
  private readonly localSums = new Map<string, Promise<string>>();
  private readonly cacheMounts: CacheMounts;

  constructor(private readonly deps: WorkerDeps) {
    this.cacheMounts = new CacheMounts(deps.cacheMountDir);
  }

  async sourceKey(vertex: Vertex, ctx: SolveContext): Promise<string> {
    const op = vertex.op;
    switch (op.kind) {
      case 'image':
        return `${op.ref} ${op.platform}`;
      case 'local': {
        // The context is read here (the solver shows it as `[internal] load build context`).
        const id = op.name === 'context' ? 'transferring context:' : `transferring ${op.name}:`;
        const transfer = new StatusReporter(ctx.progress, vertex.digest, id, { announce: false });
        let bytes = 0;
        const sum = contextChecksum(this.localDir(op.name), {
          excludes: op.exclude,
          memo: this.deps.memo,
          signal: ctx.signal,
          onFile: (size) => {
            bytes += size;
            transfer.update(bytes);
          },
        });
        this.localSums.set(vertex.digest, sum);
        const done = await sum;
        transfer.complete(bytes);
        return done;
      }
      case 'http':
        // Without a checksum the content is only known by fetching it.
        return op.checksum ? `${op.url} ${op.checksum}` : (await this.fetchUrl(op, ctx)).digest;
      default:
        throw new Error(`${op.kind} is not a source`);
    }
  }

  async inputKey(vertex: Vertex, index: number, input: { vertex: Vertex }): Promise<string | undefined> {
    if (vertex.op.kind !== 'file' || input.vertex.op.kind !== 'local' || !this.deps.copyChecksum)
      return undefined;
    const dir = this.localDir(input.vertex.op.name);
    const contextSum = this.localSums.get(input.vertex.digest);
    const parts: string[] = [];
    for (const action of vertex.op.actions) {
      if (action.action !== 'copy' || action.sourceInput !== index) continue;
      // `COPY . DEST` reads the whole (filtered) context, which its checksum already covers:
      // no second walk of every file.
      if (contextSum && copiesWholeSource(action)) parts.push(`context ${await contextSum}`);
      else parts.push(await this.deps.copyChecksum(action, dir, this.deps.memo));
    }
    return createHash('sha256').update(parts.join('\n')).digest('hex');
  }

  private fetchUrl(op: HttpSourceOp, ctx: SolveContext): Promise<Downloaded> {
    let pending = this.downloads.get(op.url);
    if (!pending) {
      if (!this.deps.http) throw new Error('no HTTP client was given to the worker');
      pending = download(op, this.deps.snapshots, this.deps.http, ctx.signal);
      this.downloads.set(op.url, pending);
    }
    return pending;
  }

  private localDir(name: string): string {
    const dir = this.deps.contexts.get(name);
    if (!dir) throw new Error(`no local directory named "${name}" was given to the build`);
    return dir;
  }

  async exec(vertex: Vertex, inputs: readonly WorkerRef[], ctx: SolveContext): Promise<WorkerRef> {
    const op = vertex.op;
    switch (op.kind) {
      case 'image': {
        const ref = parseReference(op.ref);
        const progress = pullProgress(ctx.progress, vertex.digest);
        const resolvedAt = progress.resolving(op.ref);
        const resolved = await resolveBaseImage(op.ref, parsePlatformText(op.platform), {
          store: this.deps.store,
          fetcher: this.deps.fetcher,
          signal: ctx.signal,
        });
        resolvedAt();
        const chain = await unpackImage(resolved.manifest, resolved.config, {
          store: this.deps.store,
          snapshots: this.deps.snapshots,
          fetcher: this.deps.fetcher,
          reference: ref,
          signal: ctx.signal,
          onLayer: progress.onLayer,
          onLayerBytes: progress.onLayerBytes,
        });
        return { kind: 'fs', chain };
      }
      case 'local': {
        const dir = this.localDir(op.name);
        if (op.exclude.length === 0) return { kind: 'local', name: op.name, dir };
        const filtered = await materializeContext(dir, op.exclude, this.deps.snapshots, ctx.signal);
        return { kind: 'local', name: op.name, dir: filtered.root, snapshot: filtered.id };
      }
      case 'http':
        return { kind: 'fs', chain: [(await this.fetchUrl(op, ctx)).snapshot] };
      case 'exec':
        return this.execRun(vertex.digest, op, inputs, ctx);
      case 'file':
        return this.execFile(op, inputs, ctx);
    }
  }

  private async execRun(
    digest: Digest,
    op: ExecOp,
    inputs: readonly WorkerRef[],
    ctx: SolveContext,
  ): Promise<WorkerRef> {
    const rootMount = op.mounts[0];
    const base =
      rootMount && 'input' in rootMount && rootMount.input !== undefined
        ? chainOf(inputs[rootMount.input])
        : [];
    const tail: string[] = [];
    return this.onNewSnapshot(base, async (root, views) => {
      const mounts: HostMount[] = [];
      for (const m of op.mounts.slice(1)) await this.hostMount(m, inputs, views, mounts);
      const proxyEnv = ctx.meta?.proxyEnv ?? [];
      const exitCode = await this.deps.runStep({
        rootfs: root,
        // Proxy settings reach the command, not the op (its digest is the cache key).
        op: proxyEnv.length > 0 ? { ...op, env: [...op.env, ...proxyEnv] } : op,
        mounts,
        signal: ctx.signal,
        onOutput: (stream, data) => {
          const text = data.toString('utf8');
          ctx.progress({ type: 'log', digest, stream, data: text, time: Date.now() });
          tail.push(...text.split('\n').filter((l) => l !== ''));
          if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
        },
      });
      if (exitCode !== 0) {
        throw new StepFailedError(
          ctx.meta,
          `process ${goStrconvQuote(op.args.join(' '))} did not complete successfully: exit code: ${exitCode}`,
          tail,
          exitCode,
        );
      }
    });
  }

  /**
   * Runs `change` on a new snapshot mounted over `base`: committed on success (the result is
   * the chain plus it), thrown away on failure; views the step opened are released either way.
   */
  private async onNewSnapshot(
    base: readonly string[],
    change: (root: string, views: SnapshotView[]) => Promise<void>,
  ): Promise<WorkerRef> {
    const views: SnapshotView[] = [];
    const active = await this.deps.snapshots.prepare(base);
    try {
      await change(active.root, views);
      const id = await active.commit();
      return { kind: 'fs', chain: [...base, id] };
    } catch (err) {
      await active.abort().catch(() => {});
      throw err;
    } finally {
      for (const v of views) await v.release().catch(() => {});
    }
  }

  private async hostMount(
    m: ExecMount,
    inputs: readonly WorkerRef[],
    views: SnapshotView[],
    mounts: HostMount[],
  ): Promise<void> {
    switch (m.type) {
      case 'layer':
      case 'bind': {
        const input = m.input === undefined ? undefined : inputs[m.input];
        // A writable bind gets a throwaway layer: writes never reach a snapshot or the user's files.
        const writable = m.readonly === false;
        const source = writable ? await this.scratchLayer(input, views) : await this.inputRoot(input, views);
        const sub = 'source' in m && m.source ? `/${m.source.replace(/^\/+/, '')}` : '';
        mounts.push({ kind: 'bind', target: m.target, source: `${source}${sub}`, readonly: !writable });
        return;
      }
      case 'cache': {
        const lease = await this.cacheMounts.acquire(m.id, m.sharing, m);
        views.push({ root: lease.dir, release: async () => lease.release() });
        mounts.push({ kind: 'bind', target: m.target, source: lease.dir, readonly: m.readonly === true });
        return;
      }
      case 'tmpfs':
        mounts.push({ kind: 'tmpfs', target: m.target, ...(m.size === undefined ? {} : { size: m.size }) });
        return;
      case 'secret': {
        const source = this.deps.secrets.get(m.id);
        const data = source ? await readSecret(source) : undefined;
        if (data === undefined) {
          if (m.required)
            throw new Error(`secret ${m.id} not found: pass it with --secret id=${m.id},src=FILE`);
          return;
        }
        mounts.push({
          kind: 'secret',
          id: m.id,
          data,
          ...(m.target ? { target: m.target } : {}),
          ...(m.env ? { env: m.env } : {}),
          ...(m.mode === undefined ? {} : { mode: m.mode }),
          ...(m.uid === undefined ? {} : { uid: m.uid }),
          ...(m.gid === undefined ? {} : { gid: m.gid }),
        });
        return;
      }
      case 'ssh':
        if (m.required) throw new Error('RUN --mount=type=ssh is not supported yet');
        return;
    }
  }

  /** A writable overlay of an input, discarded with the step's views. */
  private async scratchLayer(ref: WorkerRef | undefined, views: SnapshotView[]): Promise<string> {
    const active =
      ref?.kind === 'local'
        ? await this.deps.snapshots.prepareOverDirectory(ref.dir)
        : await this.deps.snapshots.prepare(ref ? ref.chain : []);
    views.push({ root: active.root, release: () => active.abort() });
    return active.root;
  }

  private async inputRoot(ref: WorkerRef | undefined, views: SnapshotView[]): Promise<string> {
    if (ref?.kind === 'local') return ref.dir;
    const view = await this.deps.snapshots.view(ref ? ref.chain : []);
    views.push(view);
    return view.root;
  }

  /**
   * The name a copy makes at the root, when the copy can be written straight into a new
   * snapshot's directory instead of through an overlay mount of its base: one copy action,
   * no archive extraction, no --parents, no owner names to look up, and a destination `/NAME`
   * that no snapshot of the base has, in any form. Such a copy cannot meet anything of its base,
   * so what it writes is the whole of its layer; every platform copying the same source to the
   * same place then makes the same tree, and all but the first clone it (execDetachedCopy).
   */
  private async detachedCopyTop(op: FileOp, base: readonly string[]): Promise<string | undefined> {
    const action = op.actions[0];
    if (!op.base || op.actions.length !== 1 || action?.action !== 'copy') return undefined;
    if (action.sourceInput === undefined || action.extractArchives || action.parents) return undefined;
    if (!numericChown(action.chown) || !action.dest.startsWith('/')) return undefined;
    const dest = path.posix.normalize(action.dest.replace(/\/\.?$/, '') || '/');
    if (dest === '/' || path.posix.dirname(dest) !== '/') return undefined;
    const name = path.posix.basename(dest);
    for (const id of base) {
      if (
        await lstat(path.join(this.deps.snapshots.upperDir(id), name)).then(
          () => true,
          () => false,
        )
      )
        return undefined;
    }
    return name;
  }

  /** A copy written into its snapshot's own directory (see detachedCopyTop). */
  private async execDetachedCopy(
    op: FileOp,
    inputs: readonly WorkerRef[],
    base: readonly string[],
    top: string,
    ctx: SolveContext,
  ): Promise<WorkerRef> {
    const action = op.actions[0] as Extract<FileAction, { action: 'copy' }>;
    const input = inputs[action.sourceInput as number];
    const views: SnapshotView[] = [];
    const { id, fs } = await this.deps.snapshots.create();
    try {
      const copy = async () => {
        const source: CopySource = {
          root: await this.inputRoot(input, views),
          kind: input?.kind === 'local' ? 'local' : 'snapshot',
          description: describeInput(input),
        };
        await this.deps.applyFileActions(op.actions, {
          destRoot: fs,
          sourceRoot: (i) => (i === action.sourceInput ? source : undefined),
          signal: ctx.signal,
        });
      };
      const key = JSON.stringify([action, sourceIdentity(input)]);
      const first = this.copyTwins.get(key);
      if (first === undefined) {
        // Others clone it once it is committed (they record themselves on it).
        const made = copy()
          .then(() => this.deps.snapshots.finish(id))
          .then(() => id);
        this.copyTwins.set(key, made);
        await made;
      } else {
        const cloneOf = await this.cloneCopy(first, fs, top);
        if (cloneOf === undefined) await copy();
        await this.deps.snapshots.finish(id, undefined, cloneOf ? { cloneOf } : {});
      }
      return { kind: 'fs', chain: [...base, id] };
    } catch (err) {
      await this.deps.snapshots.remove(id).catch(() => {});
      throw err;
    } finally {
      for (const v of views) await v.release().catch(() => {});
    }
  }

  /**
   * Clones another platform's copy of `top` (its snapshot, once made); returns that snapshot's
   * id, or undefined when there is none to clone or it cannot be cloned.
   */
  private async cloneCopy(first: Promise<string>, into: string, top: string): Promise<string | undefined> {
    const from = await first.catch(() => undefined);
    if (from === undefined) return undefined;
    try {
      await cloneTree(this.deps.snapshots.upperDir(from), into, top);
      const marking = this.cloneOrigins.get(from) ?? this.deps.snapshots.markCloneOrigin(from);
      this.cloneOrigins.set(from, marking);
      await marking;
      return from;
    } catch (err) {
      if (!(err instanceof CloneRefusedError)) throw err;
      await rm(path.join(into, top), { recursive: true, force: true });
      return undefined;
    }
  }

  private async execFile(op: FileOp, inputs: readonly WorkerRef[], ctx: SolveContext): Promise<WorkerRef> {
    const base = op.base ? chainOf(inputs[0]) : [];
    const top = await this.detachedCopyTop(op, base);
    if (top !== undefined) return this.execDetachedCopy(op, inputs, base, top, ctx);
    return this.onNewSnapshot(base, async (root, views) => {
      const sources = new Map<number, CopySource>();
      for (const action of op.actions) {
        if (
          action.action === 'copy' &&
          action.sourceInput !== undefined &&
          !sources.has(action.sourceInput)
        ) {
          const input = inputs[action.sourceInput];
          sources.set(action.sourceInput, {
            root: await this.inputRoot(input, views),
            kind: input?.kind === 'local' ? 'local' : 'snapshot',
            description: describeInput(input),
          });
        }
      }
      await this.deps.applyFileActions(op.actions, {
        destRoot: root,
        sourceRoot: (i) => (i === undefined ? undefined : sources.get(i)),
        signal: ctx.signal,
      });
    });
  }
}

/** A numeric `--chown` needs no name lookup in the base's /etc files. */
function numericChown(chown: ChownSpec | undefined): boolean {
  return (
    chown === undefined ||
    (/^\d+$/.test(chown.user) && (chown.group === undefined || /^\d+$/.test(chown.group)))
  );
}

/** What a copy reads from, the same for every platform that copies it. */
function sourceIdentity(ref: WorkerRef | undefined): string {
  if (ref === undefined) return 'scratch';
  return ref.kind === 'local' ? `local ${ref.dir}` : `fs ${ref.chain.join(' ')}`;
}

/** How error messages name a copy's source. */
function describeInput(input: WorkerRef | undefined): string {
  if (input?.kind !== 'local') return 'the stage or image copied from';
  return input.name === 'context' ? 'the build context' : `build context "${input.name}"`;
}

function chainOf(ref: WorkerRef | undefined): readonly string[] {
  if (!ref) return [];
  if (ref.kind !== 'fs') throw new Error('a local directory cannot be the root of a step');
  return ref.chain;
}

function parsePlatformText(text: string) {
  const [os = 'linux', architecture = 'amd64', variant] = text.split('/');
  return variant ? { os, architecture, variant } : { os, architecture };
}

async function readSecret(source: SecretSource): Promise<Buffer | undefined> {
  if (source.file) return readFile(source.file);
  if (source.env) {
    const value = process.env[source.env];
    return value === undefined ? undefined : Buffer.from(value);
  }
  return undefined;
}

/** A copy of the whole source directory: `COPY . DEST` without wildcards, excludes or --parents. */
function copiesWholeSource(action: Extract<FileAction, { action: 'copy' }>): boolean {
  return (
    action.sources.length === 1 &&
    ['.', './', '/', ''].includes(action.sources[0] as string) &&
    action.exclude.length === 0 &&
    !action.parents &&
    !action.extractArchives
  );
}

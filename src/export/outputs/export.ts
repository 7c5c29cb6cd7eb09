/**
 * Exporting a finished build to its outputs, in phases, so that a failure leaves as little
 * behind as possible and nothing named or pushed:
 *
 * 1. every image an output holds is assembled (one per distinct variant: layers, configs,
 *    manifests, index in the content store);
 * 2. file outputs are written (oci, docker tars, local directories, tars), each file appearing
 *    whole or not at all;
 * 3. names are given in the local image store (image outputs, docker without `dest`), and
 *    image outputs with `unpack` are unpacked;
 * 4. image outputs with `push` are pushed.
 *
 * Each output is one progress step named as BuildKit names its exporter ("exporting to image",
 * "exporting to oci image format", …), started with its first phase and done after its last.
 */
import { createHash } from 'node:crypto';
import type { Digest } from '../../oci/index.js';
import { formatPlatform } from '../../platform/index.js';
import type { ProgressSink } from '../../progress/index.js';
import { ImageAssembler, type LayerCompressionDefault } from './assemble.js';
import type { OutputContext, OutputProgress } from './context.js';
import { exportDocker } from './docker.js';
import { pushOutput, storeImage } from './image-output.js';
import { exportLocal } from './local.js';
import { exportOci } from './oci.js';
import { exportTar } from './tar.js';
import type { AnnotationSet, AssembledImage, OutputResult, OutputSpec } from './types.js';

/** Image settings of the build that every image output starts from. */
export interface ExportImageDefaults {
  /** `--label` values, over the Dockerfile's. */
  readonly labels?: Readonly<Record<string, string>>;
  /** `--annotation` values, under each output's own. */
  readonly annotations?: AnnotationSet;
  /** The build's layer compression, under each output's own. */
  readonly compression?: LayerCompressionDefault;
}

const STEP_NAMES: Readonly<Record<OutputSpec['type'], string>> = {
  image: 'exporting to image',
  oci: 'exporting to oci image format',
  docker: 'exporting to docker image format',
  local: 'exporting to client directory',
  tar: 'exporting to client tarball',
  cacheonly: 'exporting cache',
};

/** Exports the build to `outputs`; results come in the same order. */
export async function exportOutputs(
  outputs: readonly OutputSpec[],
  ctx: OutputContext,
  defaults: ExportImageDefaults = {},
): Promise<OutputResult[]> {
  const assembler = new ImageAssembler({
    store: ctx.store,
    snapshots: ctx.snapshots,
    targets: ctx.targets,
    multiPlatform: ctx.multiPlatform,
    buildTime: ctx.buildTime,
    ...(defaults.labels ? { labels: defaults.labels } : {}),
    ...(defaults.annotations ? { annotations: defaults.annotations } : {}),
    ...(defaults.compression ? { compression: defaults.compression } : {}),
    ...(ctx.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: ctx.sourceDateEpoch }),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const run: Export[] = outputs.map((spec, i) => ({ spec, step: new Step(ctx, i, spec) }));
  for (const e of run) await assemble(e, assembler, ctx);
  for (const e of run) await writeFiles(e, ctx);
  for (const e of run) await name(e, ctx);
  for (const e of run) await push(e, ctx);
  for (const e of run) e.step.done();
  return run.map((e) => e.result ?? { type: e.spec.type, names: [], stored: [], pushed: [] });
}

/** One output as it goes through the phases. */
interface Export {
  readonly spec: OutputSpec;
  readonly step: Step;
  image?: AssembledImage;
  result?: OutputResult;
}

/** Phase 1: the image an output holds. */
async function assemble(e: Export, assembler: ImageAssembler, ctx: OutputContext): Promise<void> {
  const o = e.spec;
  if (o.type !== 'image' && o.type !== 'oci' && o.type !== 'docker') return;
  const image = await e.step.run(() => e.step.status('exporting layers', () => assembler.get(o.image)));
  for (const p of image.images) {
    e.step.note(`exporting manifest ${p.descriptor.digest}`);
    e.step.note(`exporting config ${p.configDigest}`);
  }
  if (ctx.multiPlatform) e.step.note(`exporting manifest list ${image.descriptor.digest}`);
  e.image = image;
}

/** Phase 2: files (oci and docker tars, local directories, tars). */
async function writeFiles(e: Export, ctx: OutputContext): Promise<void> {
  const { spec: o, image, step } = e;
  const sending = (work: () => Promise<OutputResult>) =>
    step.run(() => step.status(o.type === 'local' ? 'copying files' : 'sending tarball', work));
  if (o.type === 'oci' && image) e.result = await sending(() => exportOci(o, image, ctx));
  else if (o.type === 'docker' && image && o.dest !== undefined)
    e.result = await sending(() => exportDocker(o, image, ctx));
  else if (o.type === 'local') e.result = await sending(() => exportLocal(o, ctx));
  else if (o.type === 'tar') e.result = await sending(() => exportTar(o, ctx));
}

/** Phase 3: names in the local store (and unpacking). */
async function name(e: Export, ctx: OutputContext): Promise<void> {
  const { spec: o, image, step } = e;
  let result: OutputResult | undefined;
  if (o.type === 'image' && image) result = await step.run(() => storeImage(o, image, ctx));
  else if (o.type === 'docker' && image && o.dest === undefined)
    result = await step.run(() => exportDocker(o, image, ctx));
  if (result === undefined) return;
  for (const stored of result.stored) step.note(`naming to ${stored}`);
  for (const p of result.unpacked ?? []) step.note(`unpacking ${formatPlatform(p)}`);
  e.result = result;
}

/** Phase 4: pushes. */
async function push(e: Export, ctx: OutputContext): Promise<void> {
  const { spec: o, image, result, step } = e;
  if (o.type !== 'image' || !image || !result) return;
  const pushed = await step.run(() => pushOutput(o, image, ctx, step.progress));
  e.result = { ...result, pushed };
}

/** One output's progress step. */
class Step {
  readonly progress: OutputProgress | undefined;
  #started = false;
  readonly #name: string;
  readonly #sink: ProgressSink | undefined;

  constructor(ctx: OutputContext, index: number, output: OutputSpec) {
    this.#name = STEP_NAMES[output.type];
    this.#sink = ctx.progress;
    const digest = `sha256:${createHash('sha256')
      .update(`manifold export ${ctx.buildTime} ${index} ${output.type}`)
      .digest('hex')}` as Digest;
    this.progress = ctx.progress ? { sink: ctx.progress, digest } : undefined;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.#event('started');
    try {
      return await work();
    } catch (err) {
      this.#event('error', (err as Error).message);
      throw err;
    }
  }

  done(): void {
    if (this.#started) this.#emit('done');
  }

  /** Runs `work` as a sub-step `id` of this step (BuildKit's "exporting layers", …). */
  async status<T>(id: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    this.#status(id, started, false);
    const result = await work();
    this.#status(id, started, true);
    return result;
  }

  /** A sub-step that is already done. */
  note(id: string): void {
    this.#status(id, Date.now(), true);
  }

  #status(id: string, started: number, completed: boolean): void {
    if (!this.#sink || !this.progress) return;
    this.#sink({
      type: 'status',
      digest: this.progress.digest,
      id,
      current: 0,
      time: Date.now(),
      started,
      ...(completed ? { completed: true } : {}),
    });
  }

  #event(status: 'started' | 'error', error?: string): void {
    if (status === 'started') {
      if (this.#started) return;
      this.#started = true;
    }
    this.#emit(status, error);
  }

  #emit(status: 'started' | 'done' | 'error', error?: string): void {
    if (!this.#sink || !this.progress) return;
    this.#sink({
      type: 'vertex',
      digest: this.progress.digest,
      name: this.#name,
      status,
      time: Date.now(),
      ...(error === undefined ? {} : { error }),
    });
  }
}

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
  const steps = outputs.map((o, i) => new Step(ctx, i, o));
  const images: (AssembledImage | undefined)[] = [];
  const results: (OutputResult | undefined)[] = [];
  for (const [i, o] of outputs.entries()) {
    if (o.type === 'image' || o.type === 'oci' || o.type === 'docker') {
      images[i] = await steps[i]!.run(() => assembler.get(o.image));
    }
  }
  for (const [i, o] of outputs.entries()) {
    const image = images[i];
    const step = steps[i]!;
    if (o.type === 'oci' && image) results[i] = await step.run(() => exportOci(o, image, ctx));
    else if (o.type === 'docker' && image && o.dest !== undefined)
      results[i] = await step.run(() => exportDocker(o, image, ctx));
    else if (o.type === 'local') results[i] = await step.run(() => exportLocal(o, ctx));
    else if (o.type === 'tar') results[i] = await step.run(() => exportTar(o, ctx));
  }
  for (const [i, o] of outputs.entries()) {
    const image = images[i];
    const step = steps[i]!;
    if (o.type === 'image' && image) results[i] = await step.run(() => storeImage(o, image, ctx));
    else if (o.type === 'docker' && image && o.dest === undefined)
      results[i] = await step.run(() => exportDocker(o, image, ctx));
  }
  for (const [i, o] of outputs.entries()) {
    const image = images[i];
    const result = results[i];
    if (o.type === 'image' && image && result) {
      const step = steps[i]!;
      const pushed = await step.run(() => pushOutput(o, image, ctx, step.progress));
      results[i] = { ...result, pushed };
    }
  }
  for (const step of steps) step.done();
  return outputs.map((o, i) => results[i] ?? { type: o.type, names: [], stored: [], pushed: [] });
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

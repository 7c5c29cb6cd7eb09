/**
 * Dockerfile → one build graph per target platform.
 *
 * For each target, the global ARGs are evaluated (with `--build-arg` values and the automatic
 * platform ARGs), then the target stage is converted, which converts the stages it needs on
 * demand (its FROM parent, `COPY --from`, `RUN --mount=from=`) and no others. Stages and
 * images named by `--from` resolve by stage name, stage index or image reference, in that order.
 * A stage's graph depends on the target only where the Dockerfile lets it (see src/graph/ops.ts),
 * so equal stages give equal vertex digests across targets and the solver runs them once.
 */
import { type Definition, image, local, marshal, State } from '../../graph/index.js';
import type { ImageConfig } from '../../oci/index.js';
import { formatPlatform, type Platform, parsePlatform } from '../../platform/index.js';
import { type DockerfileStages, parseInstruction, readStages, type Stage } from '../instructions/index.js';
import type { DockerfileAst, InstructionNode } from '../parser/index.js';
import { parseDockerfile } from '../parser/index.js';
import { layeredEnv, ShellLexer } from '../shell/index.js';
import type { DispatchContext } from './context.js';
import { dispatch } from './dispatch.js';
import type { ArgSources } from './dispatch-config.js';
import { DockerfileConvertError } from './errors.js';
import { platformArgs } from './platform-args.js';
import {
  type ExpansionRecord,
  type HistoryStep,
  StageBuilder,
  type WorkingConfig,
  workingConfig,
} from './stage-builder.js';

/** A base image resolved for one platform: its pinned reference and its config. */
export interface ResolvedImage {
  /** Canonical reference with the manifest digest, e.g. `docker.io/library/alpine:latest@sha256:…`. */
  readonly ref: string;
  readonly config: ImageConfig;
}

/** Looks up a base image's config for a platform (from the store or a registry). */
export type ImageResolver = (ref: string, platform: Platform) => Promise<ResolvedImage>;

/** Options of {@link convertDockerfile}. */
export interface ConvertOptions {
  /** Name of the Dockerfile in messages; default `Dockerfile`. */
  readonly file?: string;
  /** Target platforms; default the build platform. */
  readonly platforms?: readonly Platform[];
  readonly buildPlatform: Platform;
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Stage to build; default the last. */
  readonly target?: string;
  /** .dockerignore patterns for the context source. */
  readonly excludes?: readonly string[];
  readonly resolveImage: ImageResolver;
  /** Stages whose steps skip the cache. */
  readonly noCacheFilter?: readonly string[];
}

/** The image a stage makes: its base image (if any), its steps since, and its config. */
export interface StageOutput {
  readonly stage: Stage;
  readonly fs: State;
  readonly platform: Platform;
  readonly config: WorkingConfig;
  /** The base image at the bottom of the stage chain; absent for scratch. */
  readonly baseImage?: { readonly state: State; readonly config: ImageConfig; readonly ref: string };
  /** History since the base image, with the states of the steps that change files. */
  readonly steps: readonly HistoryStep[];
}

/** The graph and image description for one target platform. */
export interface TargetBuild {
  readonly platform: Platform;
  readonly output: StageOutput;
  readonly definition: Definition;
}

/** What a conversion produced. */
export interface ConversionResult {
  readonly ast: DockerfileAst;
  readonly stages: DockerfileStages;
  /** The stage built. */
  readonly target: Stage;
  readonly targets: readonly TargetBuild[];
  /** Every word expansion made (for build checks such as UndefinedVar). */
  readonly expansions: readonly ExpansionRecord[];
}

/** Parses a Dockerfile and converts it for every target platform. */
export async function convertDockerfile(
  source: string | Uint8Array,
  options: ConvertOptions,
): Promise<ConversionResult> {
  const file = options.file ?? 'Dockerfile';
  const ast = parseDockerfile(source, { file });
  const stages = readStages(ast);
  const target = findTarget(stages, options.target, file);
  const platforms = options.platforms?.length ? options.platforms : [options.buildPlatform];
  const expansions: ExpansionRecord[] = [];
  const targets: TargetBuild[] = [];
  for (const platform of platforms) {
    const conversion = new PlatformConversion(ast, stages, platform, options, file, expansions);
    const output = await conversion.stageOutput(target.index);
    targets.push({ platform, output, definition: marshal(output.fs) });
  }
  return { ast, stages, target, targets, expansions };
}

function findTarget(stages: DockerfileStages, name: string | undefined, file: string): Stage {
  if (name === undefined) return stages.stages[stages.stages.length - 1]!;
  const found = stages.stages.find((s) => s.name === name.toLowerCase());
  if (found) return found;
  const names = stages.stages.flatMap((s) => (s.name ? [s.name] : []));
  throw new DockerfileConvertError(
    file,
    undefined,
    `target stage "${name}" could not be found`,
    names.length
      ? `the stages are: ${names.join(', ')}`
      : 'this Dockerfile has no named stages: name one with FROM image AS name',
  );
}

class PlatformConversion implements DispatchContext {
  private readonly outputs = new Map<number, Promise<StageOutput>>();
  /** Which stage waits on which: a new edge that closes a loop is a circular dependency. */
  private readonly waitsOn = new Map<number, Set<number>>();
  private readonly images = new Map<string, Promise<ResolvedImage>>();
  private readonly lexer: ShellLexer;
  private readonly argSources: ArgSources;
  private readonly globalScope: Map<string, string>;
  private contextState: State | undefined;

  constructor(
    private readonly ast: DockerfileAst,
    private readonly stages: DockerfileStages,
    private readonly target: Platform,
    private readonly options: ConvertOptions,
    private readonly file: string,
    private readonly expansions: ExpansionRecord[],
  ) {
    this.lexer = new ShellLexer(ast.escapeToken);
    const buildArgs = new Map(Object.entries(options.buildArgs ?? {}));
    const auto = platformArgs(target, options.buildPlatform);
    const globals = new Map<string, string | undefined>();
    for (const arg of stages.metaArgs) {
      for (const decl of arg.args) {
        let value = buildArgs.get(decl.name) ?? auto.get(decl.name);
        if (value === undefined && decl.value !== undefined) {
          const result = this.lexer.processWordWithMatches(
            decl.value,
            layeredEnv(definedOnly(globals), auto),
          );
          expansions.push({ node: arg.node, result });
          value = result.result;
        }
        globals.set(decl.name, value);
      }
    }
    this.argSources = { buildArgs, platformArgs: auto, globalArgs: globals };
    this.globalScope = new Map([...auto, ...definedOnly(globals)]);
  }

  stageOutput(index: number): Promise<StageOutput> {
    let out = this.outputs.get(index);
    if (!out) {
      out = this.convertStage(this.stages.stages[index]!);
      this.outputs.set(index, out);
    }
    return out;
  }

  /** The output of stage `to`, needed by stage `from` at `node`; refuses circular needs. */
  private dependOn(from: number, to: number, node: InstructionNode): Promise<StageOutput> {
    const reaches = (a: number, seen = new Set<number>()): boolean => {
      if (a === from) return true;
      if (seen.has(a)) return false;
      seen.add(a);
      return [...(this.waitsOn.get(a) ?? [])].some((b) => reaches(b, seen));
    };
    if (reaches(to)) {
      const stage = this.stages.stages[to]!;
      throw new DockerfileConvertError(
        this.file,
        node,
        `circular dependency detected on stage: ${stage.name ?? to}`,
        'a stage cannot use itself, directly or through other stages',
      );
    }
    const edges = this.waitsOn.get(from) ?? new Set<number>();
    edges.add(to);
    this.waitsOn.set(from, edges);
    return this.stageOutput(to);
  }

  private expandGlobal(word: string, node: InstructionNode): string {
    const result = this.lexer.processWordWithMatches(word, this.globalScope);
    this.expansions.push({ node, result });
    return result.result;
  }

  private async convertStage(stage: Stage): Promise<StageOutput> {
    const node = stage.from.node;
    const baseName = this.expandGlobal(stage.from.image, node);
    let platform = this.target;
    if (stage.from.platform !== undefined) {
      const text = this.expandGlobal(stage.from.platform, node);
      try {
        platform = parsePlatform(text);
      } catch (err) {
        throw new DockerfileConvertError(
          this.file,
          node,
          `invalid --platform "${text}": ${(err as Error).message}`,
          'write --platform=os/arch[/variant], e.g. $BUILDPLATFORM',
        );
      }
    }
    const parentIndex = this.stages.stages.findIndex(
      (s) => s.name !== undefined && s.name === baseName.toLowerCase(),
    );
    let base: Omit<StageOutput, 'stage'>;
    if (parentIndex === stage.index) {
      throw new DockerfileConvertError(
        this.file,
        node,
        `circular dependency detected on stage: ${stage.name}`,
        `a stage cannot start FROM itself; rename the stage or the image`,
      );
    } else if (parentIndex >= 0) {
      const parent = await this.dependOn(stage.index, parentIndex, node);
      if (stage.from.platform === undefined) platform = parent.platform;
      base = { ...parent, config: cloneConfig(parent.config) };
    } else if (baseName.toLowerCase() === 'scratch') {
      base = { fs: State.scratch(), platform, config: workingConfig(undefined), steps: [] };
    } else if (baseName === '') {
      throw new DockerfileConvertError(
        this.file,
        node,
        'base name (' + stage.from.image + ') should not be blank',
        'set the ARG it names, with a default or --build-arg',
      );
    } else {
      const resolved = await this.resolveImage(baseName, platform);
      const state = image(resolved.ref, formatPlatform(platform), {
        name: `${this.prefix(stage, platform, 1)} FROM ${resolved.ref}`,
      });
      base = {
        fs: state,
        platform,
        config: workingConfig(resolved.config.config, resolved.config.author),
        baseImage: { state, config: resolved.config, ref: resolved.ref },
        steps: [],
      };
    }
    const builder = new StageBuilder(
      stage,
      platform,
      this.target,
      base.fs,
      base.config,
      base.steps,
      this.lexer,
      this.file,
    );
    await this.runTriggers(builder);
    for (const ins of stage.instructions) await dispatch(builder, ins, this, this.argSources);
    this.expansions.push(...builder.expansions);
    return {
      stage,
      fs: builder.fs,
      platform,
      config: builder.config,
      ...(base.baseImage ? { baseImage: base.baseImage } : {}),
      steps: builder.history,
    };
  }

  /** ONBUILD triggers of the base run first, then are cleared from the new image. */
  private async runTriggers(b: StageBuilder): Promise<void> {
    const triggers = b.config.onBuild;
    b.config.onBuild = [];
    for (const expression of triggers) {
      const ast = parseDockerfile(expression, { file: `${this.file} (ONBUILD of the base image)` });
      for (const node of ast.children) {
        const ins = parseInstruction(node, this.file);
        if (ins.kind === 'from' || ins.kind === 'onbuild') {
          throw new DockerfileConvertError(
            this.file,
            b.stage.from.node,
            `the base image has an invalid ONBUILD trigger: ${expression}`,
          );
        }
        await dispatch(b, ins, this, this.argSources);
      }
    }
  }

  private resolveImage(ref: string, platform: Platform): Promise<ResolvedImage> {
    const key = `${ref} ${formatPlatform(platform)}`;
    let found = this.images.get(key);
    if (!found) {
      found = this.options.resolveImage(ref, platform);
      this.images.set(key, found);
    }
    return found;
  }

  async resolveFrom(name: string, node: InstructionNode, b: StageBuilder): Promise<State> {
    const lower = name.toLowerCase();
    let index = this.stages.stages.findIndex((s) => s.name === lower);
    if (index < 0 && /^\d+$/.test(name)) {
      index = Number(name);
      if (index >= b.stage.index) {
        throw new DockerfileConvertError(
          this.file,
          node,
          `invalid from flag value ${name}: refers to current or future build stage`,
          'refer to an earlier stage by its index or name',
        );
      }
    }
    if (index === b.stage.index) {
      throw new DockerfileConvertError(
        this.file,
        node,
        `circular dependency detected on stage: ${name}`,
        'a stage cannot copy from itself',
      );
    }
    if (index >= 0) return (await this.dependOn(b.stage.index, index, node)).fs;
    if (name === '')
      throw new DockerfileConvertError(
        this.file,
        node,
        '--from names no stage or image (it expanded to an empty string)',
      );
    const resolved = await this.resolveImage(name, b.platform);
    return image(resolved.ref, formatPlatform(b.platform), { name: `[internal] load ${resolved.ref}` });
  }

  context(): State {
    this.contextState ??= local(
      'context',
      { exclude: this.options.excludes ?? [] },
      { name: '[internal] load build context' },
    );
    return this.contextState;
  }

  private prefix(stage: Stage, platform: Platform, step: number): string {
    const multi = (this.options.platforms?.length ?? 0) > 1;
    const label = stage.name ?? `stage-${stage.index}`;
    return `[${multi ? `${formatPlatform(platform)} ` : ''}${label} ${step}/${stage.instructions.length + 1}]`;
  }

  vertexName(b: StageBuilder, node: InstructionNode): string {
    const text = node.original.split('\n')[0]?.trim() ?? '';
    return `${this.prefix(b.stage, b.platform, b.step + 1)} ${text}`;
  }

  ignoreCache(b: StageBuilder): boolean {
    return b.stage.name !== undefined && (this.options.noCacheFilter ?? []).includes(b.stage.name);
  }
}

function definedOnly(map: ReadonlyMap<string, string | undefined>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of map) if (v !== undefined) out.set(k, v);
  return out;
}

function cloneConfig(c: WorkingConfig): WorkingConfig {
  return {
    ...c,
    env: [...c.env],
    cmd: c.cmd ? [...c.cmd] : undefined,
    entrypoint: c.entrypoint ? [...c.entrypoint] : undefined,
    labels: new Map(c.labels),
    exposedPorts: new Set(c.exposedPorts),
    volumes: new Set(c.volumes),
    onBuild: [...c.onBuild],
    shell: c.shell ? [...c.shell] : undefined,
  };
}

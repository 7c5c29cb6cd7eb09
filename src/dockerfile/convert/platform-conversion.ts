/**
 * The conversion of one Dockerfile for one target platform: stages are converted on demand, each
 * once, starting from the target stage, so only the stages it needs are converted and only the
 * base images they name are resolved.
 *
 * A stage starts from (see stage-graph.ts for which names mean a stage):
 * - an earlier stage: its file system, config, history and variable scope; it runs on that
 *   stage's platform (a `--platform` on such a FROM is ignored, as BuildKit ignores it);
 * - `scratch`: nothing, on the FROM's platform (`--platform`, else the target);
 * - an image, resolved for the FROM's platform. `--from=image` images are resolved for the
 *   target platform, whatever the stage's platform (as BuildKit does).
 * Then the base's ONBUILD triggers run, then the stage's instructions.
 */

import { isManifoldError } from '../../errors/index.js';
import { image, local, State } from '../../graph/index.js';
import { formatPlatform, type Platform, parsePlatform } from '../../platform/index.js';
import { type DockerfileStages, parseInstruction, type Stage } from '../instructions/index.js';
import type { InstructionNode } from '../parser/ast.js';
import { parseDockerfile } from '../parser/index.js';
import type { ShellLexer } from '../shell/index.js';
import type { DispatchContext, FromUse } from './context.js';
import type { ConvertOptions, ResolvedImage, StageOutput } from './convert.js';
import { dispatch } from './dispatch.js';
import type { ArgSources } from './dispatch-config.js';
import { DockerfileConvertError } from './errors.js';
import { globalScope } from './global-scope.js';
import { PLATFORM_ARG_NAMES } from './platform-args.js';
import {
  type ExpansionRecord,
  locateExpansionError,
  type StageBase,
  StageBuilder,
  type WorkingConfig,
  workingConfig,
} from './stage-builder.js';
import { copySourceStage, mountSourceStage, parentStage, stageLabel } from './stage-graph.js';
import { closest, stageHint } from './suggest.js';

/** What a {@link PlatformConversion} works from. */
export interface PlatformConversionInput {
  readonly stages: DockerfileStages;
  readonly target: Platform;
  readonly options: ConvertOptions;
  readonly file: string;
  readonly lexer: ShellLexer;
  /** Where every expansion made is recorded. */
  readonly expansions: ExpansionRecord[];
}

type Base = StageBase & { readonly platform: Platform; readonly baseImage?: StageOutput['baseImage'] };

/** Copies a whole directory onto the destination root, keeping nothing of the source's owners. */
const WHOLE_DIRECTORY_COPY = {
  action: 'copy' as const,
  sources: ['/'],
  dest: '/',
  link: false,
  parents: false,
  exclude: [],
  extractArchives: false,
  followSymlinks: true,
  allowWildcard: false,
  allowEmptyWildcard: false,
  createDestPath: true,
  dirCopyContents: true,
};

export class PlatformConversion implements DispatchContext {
  private readonly outputs = new Map<number, Promise<StageOutput>>();
  /** Which stage waits on which: a new edge that closes a loop is a circular dependency. */
  private readonly waitsOn = new Map<number, Set<number>>();
  private readonly images = new Map<string, Promise<ResolvedImage>>();
  private readonly stages: DockerfileStages;
  private readonly target: Platform;
  private readonly options: ConvertOptions;
  private readonly file: string;
  private readonly lexer: ShellLexer;
  private readonly expansions: ExpansionRecord[];
  private readonly argSources: ArgSources;
  private contextState: State | undefined;

  constructor(input: PlatformConversionInput) {
    ({
      stages: this.stages,
      target: this.target,
      options: this.options,
      file: this.file,
      lexer: this.lexer,
      expansions: this.expansions,
    } = input);
    const buildArgs = new Map(Object.entries(this.options.buildArgs ?? {}));
    const scope = globalScope(
      this.stages.metaArgs,
      buildArgs,
      this.target,
      this.options.buildPlatform,
      this.lexer,
      this.file,
      this.expansions,
    );
    this.argSources = { buildArgs, globalScope: scope };
  }

  /** The output of stage `index`, converted once. */
  stageOutput(index: number): Promise<StageOutput> {
    let out = this.outputs.get(index);
    if (!out) {
      out = this.convertStage(this.stages.stages[index] as Stage);
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
      const stage = this.stages.stages[from] as Stage;
      throw new DockerfileConvertError(
        this.file,
        node,
        `circular dependency detected on stage: ${stageLabel(stage)}`,
        'a stage cannot use its own result, directly or through other stages',
      );
    }
    const edges = this.waitsOn.get(from) ?? new Set<number>();
    edges.add(to);
    this.waitsOn.set(from, edges);
    return this.stageOutput(to);
  }

  private expandGlobal(word: string, node: InstructionNode) {
    try {
      const result = this.lexer.processWordWithMatches(word, this.argSources.globalScope);
      this.expansions.push({ node, result });
      return result;
    } catch (err) {
      throw locateExpansionError(err, this.file, node);
    }
  }

  private async convertStage(stage: Stage): Promise<StageOutput> {
    const base = await this.stageBase(stage);
    const builder = new StageBuilder(stage, base.platform, this.target, base, this.lexer, this.file);
    await this.runTriggers(builder);
    for (const ins of stage.instructions) await dispatch(builder, ins, this, this.argSources);
    this.expansions.push(...builder.expansions);
    return {
      stage,
      fs: builder.fs,
      platform: base.platform,
      config: builder.config,
      ...(base.baseImage ? { baseImage: base.baseImage } : {}),
      steps: builder.history,
      env: builder.env,
      declaredArgs: builder.declaredArgs,
    };
  }

  private async stageBase(stage: Stage): Promise<Base> {
    const node = stage.from.node;
    const baseName = this.expandGlobal(stage.from.image, node).result;
    if (baseName === '') {
      throw new DockerfileConvertError(
        this.file,
        node,
        `base name (${stage.from.image}) should not be blank`,
        'set the ARG it names, with a default or --build-arg',
      );
    }
    const platform =
      stage.from.platform === undefined ? this.target : this.fromPlatform(stage.from.platform, node);
    const named = this.options.namedContexts?.get(baseName);
    if (named?.kind === 'local') {
      // A directory as a stage's root: its files copied onto an empty file system.
      const fs = State.scratch().file([{ ...WHOLE_DIRECTORY_COPY, from: this.namedLocal(baseName) }], {
        name: `${this.prefix(stage, platform, 1)} FROM ${baseName} (build context)`,
      });
      return {
        fs,
        platform,
        config: workingConfig(undefined),
        history: [],
        env: new Map<string, string>(),
        declaredArgs: [],
      };
    }
    const parent = named ? undefined : parentStage(this.stages, baseName, stage.index);
    if (parent) {
      const out = await this.dependOn(stage.index, parent.index, node);
      const { fs, steps: history, env, declaredArgs, baseImage } = out;
      return {
        fs,
        platform: out.platform,
        config: cloneConfig(out.config),
        history,
        env,
        declaredArgs,
        ...(baseImage ? { baseImage } : {}),
      };
    }
    const empty = { history: [], env: new Map<string, string>(), declaredArgs: [] };
    if (baseName === 'scratch')
      return { fs: State.scratch(), platform, config: workingConfig(undefined), ...empty };
    const imageName = named?.kind === 'image' ? named.ref : baseName;
    this.checkReference(imageName, stage);
    const resolved = await this.resolveImage(
      imageName,
      platform,
      node,
      (msg) => `failed to resolve image "${baseName}" for ${formatPlatform(platform)}: ${msg}`,
    );
    const state = image(resolved.ref, formatPlatform(platform), {
      name: `${this.prefix(stage, platform, 1)} FROM ${resolved.ref}`,
    });
    const config = workingConfig(resolved.config.config ?? {}, resolved.config.author);
    return {
      fs: state,
      platform,
      config,
      baseImage: { state, config: resolved.config, ref: resolved.ref },
      ...empty,
    };
  }

  /** `FROM --platform=…`, expanded in the global scope; empty or malformed is an error. */
  private fromPlatform(expression: string, node: InstructionNode): Platform {
    const { result, matched, unmatched } = this.expandGlobal(expression, node);
    if (result === '') {
      const unset = [...unmatched];
      const emptyVariant = [...matched].find(
        (n) => n.endsWith('VARIANT') && this.argSources.globalScope.get(n) === '',
      );
      const hint = emptyVariant
        ? `${emptyVariant} is empty for ${formatPlatform(this.target)}, which has no variant: use --platform=$TARGETPLATFORM or $BUILDPLATFORM`
        : unset.length > 0
          ? `${unset.join(', ')} is not set in the global scope${suggestion(unset[0] ?? '', [...this.argSources.globalScope.keys(), ...PLATFORM_ARG_NAMES])}: use $BUILDPLATFORM or $TARGETPLATFORM, or declare the ARG before the first FROM`
          : 'write --platform=os/arch[/variant], e.g. --platform=$BUILDPLATFORM';
      throw new DockerfileConvertError(
        this.file,
        node,
        `empty platform value from expression ${expression}`,
        hint,
      );
    }
    try {
      return parsePlatform(result);
    } catch (err) {
      throw new DockerfileConvertError(
        this.file,
        node,
        `failed to parse platform ${expression}: ${(err as Error).message}`,
        {
          hint: 'write --platform=os/arch[/variant], e.g. --platform=$BUILDPLATFORM',
          cause: err,
        },
      );
    }
  }

  /** Image names are lower case; an upper-case name that matches a stage is a likely slip. */
  private checkReference(baseName: string, stage: Stage): void {
    const repository = baseName.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
    const first = repository.split('/')[0] ?? '';
    const hasDomain = repository.includes('/') && (/[.:]/.test(first) || first === 'localhost');
    const path = hasDomain ? repository.slice(first.length + 1) : repository;
    if (path === path.toLowerCase()) return;
    const lower = parentStage(this.stages, baseName.toLowerCase(), stage.index);
    throw new DockerfileConvertError(
      this.file,
      stage.from.node,
      `failed to parse stage name "${baseName}": invalid reference format: repository name must be lowercase`,
      lower ? `stage names are lower case: write FROM ${lower.name}` : 'image names are lower case',
    );
  }

  /** ONBUILD triggers of the base run first, then are cleared from the new image. */
  private async runTriggers(b: StageBuilder): Promise<void> {
    const triggers = b.config.onBuild;
    b.config.onBuild = [];
    b.inTrigger = true;
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
    b.inTrigger = false;
  }

  private async resolveImage(
    ref: string,
    platform: Platform,
    node: InstructionNode,
    reason: (msg: string) => string,
  ): Promise<ResolvedImage> {
    const key = `${ref} ${formatPlatform(platform)}`;
    let found = this.images.get(key);
    if (!found) {
      found = this.options.resolveImage(ref, platform);
      this.images.set(key, found);
    }
    try {
      return await found;
    } catch (err) {
      const code = isManifoldError(err) ? err.code : undefined;
      const hint =
        (isManifoldError(err) ? err.hint : undefined) ??
        `check the name and tag, that the registry is reachable, and that the image has a ${formatPlatform(platform)} variant`;
      throw new DockerfileConvertError(this.file, node, reason((err as Error).message), {
        hint,
        cause: err,
        ...(code ? { code } : {}),
      });
    }
  }

  async resolveFrom(name: string, node: InstructionNode, b: StageBuilder, use: FromUse): Promise<State> {
    const named = this.options.namedContexts?.get(name);
    if (named?.kind === 'local') return this.namedLocal(name);
    if (named?.kind === 'image') return this.resolveFrom(named.ref, node, b, use);
    const stage =
      use === 'copy'
        ? copySourceStage(this.stages, name, this.file, node)
        : mountSourceStage(this.stages, name);
    if (stage) {
      if (stage.index > b.stage.index) {
        throw new DockerfileConvertError(
          this.file,
          node,
          `cannot copy from stage "${name}", it needs to be defined before current stage "${stageLabel(b.stage)}"`,
          `move the stage "${stageLabel(stage)}" above "${stageLabel(b.stage)}"`,
        );
      }
      return (await this.dependOn(b.stage.index, stage.index, node)).fs;
    }
    const flag = use === 'copy' ? '--from' : 'from';
    const names = this.stages.stages.flatMap((s) => (s.name ? [s.name] : []));
    const resolved = await this.resolveImage(
      name,
      this.target,
      node,
      (msg) => `${flag}=${name} names no build stage, and no image "${name}" could be resolved: ${msg}`,
    ).catch((err: unknown) => {
      if (!(err instanceof DockerfileConvertError)) throw err;
      const guess = closest(name, names);
      const hint =
        names.length === 0
          ? 'this Dockerfile has no named stages: name one with FROM image AS name'
          : stageHint(guess, names);
      throw new DockerfileConvertError(this.file, node, err.reason, {
        hint,
        cause: err.cause,
        code: err.code,
      });
    });
    return image(resolved.ref, formatPlatform(this.target), { name: `[internal] load ${resolved.ref}` });
  }

  /** The local source of a named context. */
  private namedLocal(name: string): State {
    return local(name, {}, { name: `[internal] load build context ${name}` });
  }

  context(): State {
    this.contextState ??= local(
      'context',
      { exclude: this.options.excludes ?? [] },
      { name: '[internal] load build context' },
    );
    return this.contextState;
  }

  /** `[linux/arm64 build 2/5]`: platform when several are built, stage label when there are several. */
  private prefix(stage: Stage, platform: Platform, step: number): string {
    const multi = (this.options.platforms?.length ?? 0) > 1;
    const label = this.stages.stages.length > 1 ? `${stageLabel(stage)} ` : '';
    return `[${multi ? `${formatPlatform(platform)} ` : ''}${label}${step}/${stage.instructions.length + 1}]`;
  }

  vertexName(b: StageBuilder, node: InstructionNode): string {
    const text = node.original.split('\n')[0]?.trim() ?? '';
    const keyword = text.replace(/^\S+/, (k) => k.toUpperCase());
    return `${this.prefix(b.stage, b.platform, b.step + 1)} ${b.inTrigger ? 'ONBUILD ' : ''}${keyword}`;
  }

  ignoreCache(b: StageBuilder): boolean {
    return b.stage.name !== undefined && (this.options.noCacheFilter ?? []).includes(b.stage.name);
  }

  proxyArgs(): ReadonlyArray<readonly [string, string]> {
    return PROXY_ARGS.filter((n) => this.argSources.buildArgs.has(n)).map(
      (n) => [n, this.argSources.buildArgs.get(n) as string] as const,
    );
  }
}

/** Build args every Dockerfile may use without an ARG (Docker's predefined ARGs), in RUN only. */
const PROXY_ARGS = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
];

function suggestion(word: string, candidates: readonly string[]): string {
  const guess = closest(
    word,
    candidates.filter((c) => c !== word),
  );
  return guess ? ` (did you mean ${guess}?)` : '';
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

/**
 * The state of one stage while it is converted for one target platform: its file system (a graph
 * state), the image config it accumulates, its history, and its variable scope. Dispatchers
 * (dispatch-*.ts) change it one instruction at a time; nothing else does.
 *
 * The scope, as BuildKit has it: one ordered list of variables, which starts as the base's
 * (the base image's ENV, or the parent stage's whole scope, then the parent's ENV again) and which
 * both ENV and ARG write to, the later write winning. Words are expanded against it and a RUN
 * gets it as its environment. So an ENV after an ARG of the same name shadows the ARG, an ARG
 * (with a value) after an ENV shadows the ENV for the rest of the stage, and only ENV reaches the
 * image config. An ARG declared without a value, and not given one by `--build-arg` or the
 * global scope, sets nothing. Names never declared, automatic platform ARGs included, are unset.
 * A stage built `FROM` another stage inherits that stage's scope and declared ARGs, as the
 * Dockerfile docs ("Build variables") describe.
 */
import type { State } from '../../graph/index.js';
import type { ContainerConfig, HealthcheckConfig, HistoryEntry } from '../../oci/index.js';
import type { Platform } from '../../platform/index.js';
import type { Stage } from '../instructions/index.js';
import type { InstructionNode } from '../parser/ast.js';
import { type ExpansionResult, ShellExpansionError, ShellLexer } from '../shell/index.js';
import { DockerfileConvertError } from './errors.js';

/** The PATH BuildKit gives an image whose config has none. */
export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The comment BuildKit writes on every history entry it makes. */
export const HISTORY_COMMENT = 'buildkit.dockerfile.v0';

/** The lexer of heredoc bodies: backslash escapes, quotes left as they are. */
const RAW_LEXER = new ShellLexer('\\', { skipProcessQuotes: true });

/** A history entry, and the file system state after it when the step changed the file system. */
export interface HistoryStep {
  readonly entry: HistoryEntry;
  /** The state whose diff against the previous layer step is this step's layer. */
  readonly layer?: State;
}

/** The image config fields a Dockerfile sets, as mutable working copies. */
export interface WorkingConfig {
  env: string[];
  user: string;
  workdir: string;
  cmd: string[] | undefined;
  entrypoint: string[] | undefined;
  labels: Map<string, string>;
  exposedPorts: Set<string>;
  volumes: Set<string>;
  stopSignal: string | undefined;
  healthcheck: HealthcheckConfig | undefined;
  onBuild: string[];
  shell: string[] | undefined;
  author: string | undefined;
  argsEscaped: boolean;
}

/**
 * Reads a base image's config into a working copy; `undefined` is `FROM scratch`, whose config
 * BuildKit starts with `WorkingDir: "/"`. A config without PATH gets {@link DEFAULT_PATH} last.
 */
export function workingConfig(config: ContainerConfig | undefined, author?: string): WorkingConfig {
  const env = [...(config?.Env ?? [])];
  if (!env.some((e) => e.startsWith('PATH='))) env.push(DEFAULT_PATH);
  return {
    env,
    user: config?.User ?? '',
    workdir: config === undefined ? '/' : (config.WorkingDir ?? ''),
    cmd: config?.Cmd ? [...config.Cmd] : undefined,
    entrypoint: config?.Entrypoint ? [...config.Entrypoint] : undefined,
    labels: new Map(Object.entries(config?.Labels ?? {})),
    exposedPorts: new Set(Object.keys(config?.ExposedPorts ?? {})),
    volumes: new Set(Object.keys(config?.Volumes ?? {})),
    stopSignal: config?.StopSignal,
    healthcheck: config?.Healthcheck,
    onBuild: [...(config?.OnBuild ?? [])],
    shell: config?.Shell ? [...config.Shell] : undefined,
    author,
    argsEscaped: config?.ArgsEscaped ?? false,
  };
}

/** Turns a working copy back into an image config's `config` object. */
export function finishConfig(c: WorkingConfig): ContainerConfig {
  const obj = <T>(keys: Iterable<string>): Record<string, T> =>
    Object.fromEntries([...keys].sort().map((k) => [k, {} as T]));
  return {
    ...(c.user ? { User: c.user } : {}),
    ...(c.exposedPorts.size ? { ExposedPorts: obj(c.exposedPorts) } : {}),
    Env: [...c.env],
    ...(c.entrypoint ? { Entrypoint: [...c.entrypoint] } : {}),
    ...(c.cmd ? { Cmd: [...c.cmd] } : {}),
    ...(c.volumes.size ? { Volumes: obj(c.volumes) } : {}),
    ...(c.workdir ? { WorkingDir: c.workdir } : {}),
    ...(c.labels.size
      ? { Labels: Object.fromEntries([...c.labels].sort(([a], [b]) => (a < b ? -1 : 1))) }
      : {}),
    ...(c.stopSignal ? { StopSignal: c.stopSignal } : {}),
    ...(c.argsEscaped ? { ArgsEscaped: true } : {}),
    ...(c.healthcheck ? { Healthcheck: c.healthcheck } : {}),
    ...(c.onBuild.length ? { OnBuild: [...c.onBuild] } : {}),
    ...(c.shell ? { Shell: [...c.shell] } : {}),
  };
}

/** Every variable an expansion in a stage read, for the UndefinedVar check and for key tracking. */
export interface ExpansionRecord {
  readonly node: InstructionNode;
  readonly result: ExpansionResult;
}

/** An ARG declared in a stage (or inherited from its parent stage), with the value it got. */
export interface DeclaredArg {
  readonly name: string;
  readonly value: string | undefined;
}

/** What a stage starts from: its base's file system, config, history and scope. */
export interface StageBase {
  readonly fs: State;
  readonly config: WorkingConfig;
  readonly history: readonly HistoryStep[];
  /** The parent stage's variables (empty for an image or scratch). */
  readonly env: ReadonlyMap<string, string>;
  /** The parent stage's declared ARGs (empty for an image or scratch). */
  readonly declaredArgs: readonly DeclaredArg[];
}

/** A stage being converted. */
export class StageBuilder {
  fs: State;
  readonly config: WorkingConfig;
  readonly history: HistoryStep[];
  /** The variables in scope, ENV and ARG alike, in the order they were set. */
  readonly env: Map<string, string>;
  /** ARGs declared so far (this stage's and its parent stages'), for RUN's history line. */
  readonly declaredArgs: DeclaredArg[];
  /** Set once CMD is written in this stage (ENTRYPOINT then keeps it). */
  cmdSet = false;
  /** Count of instructions dispatched, for vertex names. */
  step = 0;
  /** True while an ONBUILD trigger of the base is dispatched (vertex names say so). */
  inTrigger = false;
  readonly expansions: ExpansionRecord[] = [];

  constructor(
    readonly stage: Stage,
    /** The platform this stage's RUN steps run on. */
    readonly platform: Platform,
    /** The target platform of the build (TARGET*). */
    readonly target: Platform,
    base: StageBase,
    readonly lexer: ShellLexer,
    readonly file: string,
  ) {
    this.fs = base.fs;
    this.config = base.config;
    this.history = [...base.history];
    this.env = new Map(base.env);
    // BuildKit re-applies the image config's ENV to the inherited scope at the start of a stage.
    for (const entry of this.config.env) {
      const eq = entry.indexOf('=');
      this.env.set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? '' : entry.slice(eq + 1));
    }
    this.declaredArgs = [...base.declaredArgs];
  }

  /** Expands one word against the scope, recording what it read; errors name the line. */
  expand(word: string, node: InstructionNode): string {
    try {
      const result = this.lexer.processWordWithMatches(word, this.env);
      this.expansions.push({ node, result });
      return result.result;
    } catch (err) {
      throw locateExpansionError(err, this.file, node);
    }
  }

  /**
   * Expands a heredoc body (COPY/ADD `<<EOF` unquoted), as BuildKit does: quotes are kept as
   * text, `\` escapes (whatever the escape directive says) and variables are processed.
   */
  expandRaw(text: string, node: InstructionNode): string {
    try {
      const result = RAW_LEXER.processWordWithMatches(text, this.env);
      this.expansions.push({ node, result });
      return result.result;
    } catch (err) {
      throw locateExpansionError(err, this.file, node);
    }
  }

  /** Expands and splits into words (EXPOSE). */
  expandWords(word: string, node: InstructionNode): string[] {
    this.expand(word, node);
    return this.lexer.processWords(word, this.env);
  }

  /** ENV: sets the variable in the scope and in the image config (replacing in place). */
  setEnv(key: string, value: string): void {
    const at = this.config.env.findIndex((e) => e === key || e.startsWith(`${key}=`));
    if (at >= 0) this.config.env[at] = `${key}=${value}`;
    else this.config.env.push(`${key}=${value}`);
    this.env.set(key, value);
  }

  /** ARG: declares `name`; a value (if any) enters the scope, not the image config. */
  declareArg(name: string, value: string | undefined): void {
    if (value !== undefined) this.env.set(name, value);
    this.declaredArgs.push({ name, value });
  }

  /** The environment of a RUN: the whole scope. */
  runEnv(): string[] {
    return [...this.env].map(([k, v]) => `${k}=${v}`);
  }

  /**
   * The `|N NAME=value …` prefix BuildKit writes before a RUN's command in the history: every
   * declared ARG once (first position, last declaration), valued from the scope.
   */
  runHistoryArgs(): string[] {
    const order: string[] = [];
    const values = new Map<string, string>();
    for (const arg of this.declaredArgs) {
      if (!values.has(arg.name)) order.push(arg.name);
      values.set(arg.name, this.env.get(arg.name) ?? arg.value ?? '');
    }
    return order.length === 0 ? [] : [`|${order.length}`, ...order.map((n) => `${n}=${values.get(n)}`)];
  }

  /** The working directory for RUN and relative paths. */
  cwd(): string {
    return this.config.workdir || '/';
  }

  /** The shell for shell-form commands. */
  shell(): string[] {
    return this.config.shell ?? ['/bin/sh', '-c'];
  }

  /** Records a history entry (a layer when `layer` is given). */
  addHistory(createdBy: string, layer?: State): void {
    this.history.push({
      entry: { created_by: createdBy, comment: HISTORY_COMMENT, ...(layer ? {} : { empty_layer: true }) },
      ...(layer ? { layer } : {}),
    });
  }
}

/** A word-expansion error with the file, line and offending line added (its code kept). */
export function locateExpansionError(err: unknown, file: string, node: InstructionNode): unknown {
  if (!(err instanceof ShellExpansionError)) return err;
  return new DockerfileConvertError(file, node, err.message, { hint: err.hint, cause: err, code: err.code });
}

/**
 * The state of one stage while it is converted for one target platform: its file system (a graph
 * state), the image config it accumulates, its history, and its variable scopes. Dispatchers
 * (dispatch-*.ts) change it one instruction at a time; nothing else does.
 *
 * Scopes, as BuildKit has them: words are expanded with the stage's ENV over its declared ARGs
 * (ENV shadows ARG); a RUN sees the ENV plus the declared ARGs that have a value (ARGs do not
 * reach the image config). Undeclared names, automatic platform ARGs included, are not visible.
 */
import type { State } from '../../graph/index.js';
import type { ContainerConfig, HealthcheckConfig, HistoryEntry } from '../../oci/index.js';
import type { Platform } from '../../platform/index.js';
import type { Stage } from '../instructions/index.js';
import type { InstructionNode } from '../parser/ast.js';
import { type ExpansionResult, layeredEnv, type ShellLexer } from '../shell/index.js';

/** The PATH BuildKit gives an image whose config has none. */
export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

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

/** Reads a base image's config into a working copy. */
export function workingConfig(config: ContainerConfig | undefined, author?: string): WorkingConfig {
  const env = [...(config?.Env ?? [])];
  if (!env.some((e) => e.startsWith('PATH='))) env.unshift(DEFAULT_PATH);
  return {
    env,
    user: config?.User ?? '',
    workdir: config?.WorkingDir ?? '',
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
    argsEscaped: false,
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

/** A stage being converted. */
export class StageBuilder {
  fs: State;
  readonly config: WorkingConfig;
  readonly history: HistoryStep[];
  /** Declared ARGs of this stage and their values (undefined: declared without a value). */
  readonly args = new Map<string, string | undefined>();
  /** Set once CMD is written in this stage (ENTRYPOINT then keeps it). */
  cmdSet = false;
  /** Count of instructions dispatched, for vertex names. */
  step = 0;
  readonly expansions: ExpansionRecord[] = [];

  constructor(
    readonly stage: Stage,
    /** The platform this stage's RUN steps run on. */
    readonly platform: Platform,
    /** The target platform of the build (TARGET*). */
    readonly target: Platform,
    fs: State,
    config: WorkingConfig,
    history: readonly HistoryStep[],
    readonly lexer: ShellLexer,
    readonly file: string,
  ) {
    this.fs = fs;
    this.config = config;
    this.history = [...history];
  }

  /** The ENV list as a map (last entry wins). */
  envMap(): Map<string, string> {
    const map = new Map<string, string>();
    for (const entry of this.config.env) {
      const eq = entry.indexOf('=');
      map.set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? '' : entry.slice(eq + 1));
    }
    return map;
  }

  /** Declared ARGs that have a value. */
  argValues(): Map<string, string> {
    const map = new Map<string, string>();
    for (const [k, v] of this.args) if (v !== undefined) map.set(k, v);
    return map;
  }

  /** Expands one word with ENV over ARGs, recording what it read. */
  expand(word: string, node: InstructionNode): string {
    const result = this.lexer.processWordWithMatches(word, layeredEnv(this.envMap(), this.argValues()));
    this.expansions.push({ node, result });
    return result.result;
  }

  /** Expands and splits into words (EXPOSE). */
  expandWords(word: string, node: InstructionNode): string[] {
    this.expand(word, node);
    return this.lexer.processWords(word, layeredEnv(this.envMap(), this.argValues()));
  }

  /** Sets an ENV variable, replacing an earlier value in place. */
  setEnv(key: string, value: string): void {
    const at = this.config.env.findIndex((e) => e === key || e.startsWith(`${key}=`));
    if (at >= 0) this.config.env[at] = `${key}=${value}`;
    else this.config.env.push(`${key}=${value}`);
  }

  /** The environment of a RUN: ENV plus declared ARGs with a value that ENV does not shadow. */
  runEnv(): string[] {
    const env = this.envMap();
    const out = [...env].map(([k, v]) => `${k}=${v}`);
    for (const [k, v] of this.argValues()) if (!env.has(k)) out.push(`${k}=${v}`);
    return out;
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
  addHistory(createdBy: string, layer?: State, comment?: string): void {
    this.history.push({
      entry: {
        created_by: createdBy,
        ...(comment ? { comment } : {}),
        ...(layer ? {} : { empty_layer: true }),
      },
      ...(layer ? { layer } : {}),
    });
  }
}

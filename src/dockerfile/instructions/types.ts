/**
 * Typed Dockerfile instructions: what each instruction says, read from the parser's nodes but not
 * yet expanded (variables are expanded during conversion, where the scopes are known). Every
 * instruction keeps its node, so the original text, casing and line range stay at hand for error
 * messages and build checks.
 */
import type { Heredoc, InstructionNode } from '../parser/ast.js';

interface Base {
  /** The parser node this instruction was read from. */
  readonly node: InstructionNode;
}

/** `FROM [--platform=P] image [AS name]`. */
export interface FromInstruction extends Base {
  readonly kind: 'from';
  readonly image: string;
  readonly stageName?: string;
  readonly platform?: string;
}

/** One name of an ARG, with its default if it has one. */
export interface ArgDeclaration {
  readonly name: string;
  readonly value?: string;
}

export interface ArgInstruction extends Base {
  readonly kind: 'arg';
  readonly args: readonly ArgDeclaration[];
}

/** ENV or LABEL pairs. */
export interface KeyValueInstruction extends Base {
  readonly kind: 'env' | 'label';
  readonly pairs: readonly { readonly key: string; readonly value: string; readonly legacy: boolean }[];
}

/** A command in exec form (`json`) or shell form (one string, run through SHELL). */
export interface CommandLine {
  readonly args: readonly string[];
  /** Shell form: run through the stage's SHELL. */
  readonly shellForm: boolean;
}

export interface RunInstruction extends Base {
  readonly kind: 'run';
  readonly command: CommandLine;
  readonly heredocs: readonly Heredoc[];
  /** `--mount` values, unparsed. */
  readonly mounts: readonly string[];
  readonly network?: string;
  readonly security?: string;
}

export interface CmdInstruction extends Base {
  readonly kind: 'cmd' | 'entrypoint';
  readonly command: CommandLine;
}

/** COPY and ADD. */
export interface CopyInstruction extends Base {
  readonly kind: 'copy' | 'add';
  readonly sources: readonly string[];
  readonly dest: string;
  readonly heredocs: readonly Heredoc[];
  readonly from?: string;
  readonly chown?: string;
  readonly chmod?: string;
  readonly link: boolean;
  readonly parents: boolean;
  readonly exclude: readonly string[];
  /** ADD only. */
  readonly checksum?: string;
  /** ADD only. */
  readonly keepGitDir?: boolean;
}

/** Instructions with one free-text argument. */
export interface SingleValueInstruction extends Base {
  readonly kind: 'workdir' | 'user' | 'stopsignal' | 'maintainer';
  readonly value: string;
}

/** EXPOSE and VOLUME: a list of words (VOLUME may be JSON). */
export interface ListInstruction extends Base {
  readonly kind: 'expose' | 'volume';
  readonly values: readonly string[];
}

export interface ShellInstruction extends Base {
  readonly kind: 'shell';
  readonly shell: readonly string[];
}

export interface HealthcheckInstruction extends Base {
  readonly kind: 'healthcheck';
  /** `["NONE"]`, or `["CMD", …]` / `["CMD-SHELL", cmd]` as the image config stores it. */
  readonly test: readonly string[];
  /** Durations in nanoseconds, as the image config stores them; absent means default. */
  readonly interval?: number;
  readonly timeout?: number;
  readonly startPeriod?: number;
  readonly startInterval?: number;
  readonly retries?: number;
}

export interface OnbuildInstruction extends Base {
  readonly kind: 'onbuild';
  /** The trigger as the image config stores it, e.g. `RUN echo hi`. */
  readonly expression: string;
}

/** Every instruction. */
export type Instruction =
  | FromInstruction
  | ArgInstruction
  | KeyValueInstruction
  | RunInstruction
  | CmdInstruction
  | CopyInstruction
  | SingleValueInstruction
  | ListInstruction
  | ShellInstruction
  | HealthcheckInstruction
  | OnbuildInstruction;

/** Instructions that may appear inside a stage (all but FROM). */
export type StageInstruction = Exclude<Instruction, FromInstruction>;

/** One build stage: its FROM and what follows until the next FROM. */
export interface Stage {
  /** 0-based position among the stages. */
  readonly index: number;
  /** Stage name from `AS name`, lower-cased as BuildKit does; absent for unnamed stages. */
  readonly name?: string;
  readonly from: FromInstruction;
  readonly instructions: readonly StageInstruction[];
  /** The comment lines just above FROM: the stage's description for `--call targets`. */
  readonly description: string;
}

/** A Dockerfile read into stages. */
export interface DockerfileStages {
  /** ARGs before the first FROM: the global scope. */
  readonly metaArgs: readonly ArgInstruction[];
  readonly stages: readonly Stage[];
}

/**
 * What the frontend walk (walk.ts) keeps per stage: BuildKit's `dispatchState` without the
 * graph. A stage knows its expanded base name, the stage it builds on (when its base names an
 * earlier stage), the stages it copies or mounts from, its environment and declared ARGs (for
 * UndefinedVar), the trackers of the once-only instructions, and what `--call=outline` reports:
 * every ARG it knows with its value, the names it uses, and its secret and ssh mounts.
 */

import type { Stage } from '../instructions/index.js';
import type { InstructionNode } from '../parser/index.js';
import type { LineRange } from './linter.js';
import { VarScope } from './scope.js';

/** An ARG as the outline reports it (BuildKit's `argInfo`). */
export interface ArgInfo {
  readonly name: string;
  /** The value the build would use; undefined when it has none. */
  readonly value: string | undefined;
  /** The ARG instruction (its comments give the description, its line the order). */
  readonly node: InstructionNode;
  /** Position of the name within its instruction (`ARG A B`: A is 0, B is 1). */
  readonly position: number;
  /** Names its default value read (marked used along with it). */
  readonly deps: ReadonlySet<string>;
}

/** A secret or ssh mount as the outline reports it. */
export interface MountUse {
  readonly required: boolean;
  readonly node: InstructionNode;
}

/** The outline bookkeeping of one stage (BuildKit's `outlineCapture`). */
export class OutlineCapture {
  constructor(
    readonly allArgs = new Map<string, ArgInfo>(),
    readonly usedArgs = new Set<string>(),
    readonly secrets = new Map<string, MountUse>(),
    readonly ssh = new Map<string, MountUse>(),
  ) {}

  clone(): OutlineCapture {
    return new OutlineCapture(
      new Map(this.allArgs),
      new Set(this.usedArgs),
      new Map(this.secrets),
      new Map(this.ssh),
    );
  }

  /** Marks `names` used, and the names their default values read, transitively. */
  markAllUsed(names: Iterable<string>, seen = new Set<string>()): void {
    for (const name of [...names]) {
      if (seen.has(name)) continue;
      seen.add(name);
      const info = this.allArgs.get(name);
      if (info) this.markAllUsed(info.deps, seen);
      this.usedArgs.add(name);
    }
  }
}

/** One stage during the walk. */
export class StageState {
  /** The stage it builds on, when FROM names an earlier stage. */
  base: StageState | undefined;
  /** Stages it copies or mounts from. */
  readonly deps = new Set<StageState>();
  outline: OutlineCapture;
  dispatched = false;
  /** The environment words expand against (base image PATH, ENV, ARG values). */
  env = new VarScope();
  /** ARG names declared so far (used or not, valued or not). */
  buildArgs: string[] = [];
  /** True once SHELL has been set (here or in a base stage). */
  shellSet = false;
  /** True once an absolute or relative WORKDIR has been set in this Dockerfile. */
  workdirSet = false;
  /** Last CMD, ENTRYPOINT and HEALTHCHECK, for MultipleInstructionsDisallowed. */
  readonly once = new Map<string, InstructionNode>();

  constructor(
    readonly stage: Stage,
    /** The base name after expansion with the global ARGs. */
    readonly baseName: string,
    outline: OutlineCapture,
  ) {
    this.outline = outline;
  }

  get index(): number {
    return this.stage.index;
  }

  /** BuildKit's name for the stage: its name, or `stage-N`. */
  get displayName(): string {
    return this.stage.name ?? `stage-${this.stage.index}`;
  }

  /** Copies what a stage inherits from the stage it builds on (BuildKit's `init`). */
  inheritFromBase(): void {
    const base = this.base;
    if (!base) return;
    this.env = base.env.clone();
    this.buildArgs = [...base.buildArgs, ...this.buildArgs];
    this.shellSet = base.shellSet;
    this.workdirSet = base.workdirSet;
  }
}

/** A problem that ends the walk: BuildKit's build error, with its location when known. */
export class WalkStop extends Error {
  constructor(
    message: string,
    readonly location: readonly LineRange[] = [],
  ) {
    super(message);
    this.name = 'WalkStop';
  }
}

/** The line range of an instruction. */
export function nodeLines(node: InstructionNode): LineRange[] {
  return [{ start: node.startLine, end: node.endLine }];
}

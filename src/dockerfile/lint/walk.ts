/**
 * The frontend walk behind `--call=check` and `--call=outline`: BuildKit's `toDispatchState`
 * without building a graph or reading a registry. In order:
 *
 * 1. parse (NoEmptyContinuation comes from the parser), then read every instruction
 *    (parse-checks.ts); stage names and keyword casing;
 * 2. the global ARGs and every FROM line (from-checks.ts); a FROM whose base name is an earlier
 *    stage's name builds on that stage;
 * 3. the target: `--target` (by name, any case) or the last stage; the stages each one copies
 *    or mounts from; a circular dependency stops the walk;
 * 4. every stage (a check without `--target`) or only those the target needs (an outline, or a
 *    check with `--target`) is walked in file order (stage-dispatch.ts);
 * 5. with `# check=error=true`, any warning ends the walk with "lint violation found for …".
 *
 * A problem BuildKit stops at ends the walk as a {@link WalkStop}: the result then has `error`,
 * and the warnings found before it.
 */
import { goStrconvQuote, splitCsvRecord } from '../../gofmt/index.js';
import type { Platform } from '../../platform/index.js';
import { type ArgInstruction, readStages, type Stage } from '../instructions/index.js';
import { type DockerfileAst, DockerfileParseError, parseDockerfile } from '../parser/index.js';
import { ShellLexer } from '../shell/index.js';
import {
  checkDefaultBaseNames,
  evaluateGlobalArgs,
  expandFrom,
  type GlobalArgs,
  platformScope,
} from './from-checks.js';
import { type Linter, lines } from './linter.js';
import { checkInstructionCasing, checkInstructions, checkStageNames } from './parse-checks.js';
import { MESSAGES, RULES } from './rules.js';
import { type DispatchContext, dispatchStage } from './stage-dispatch.js';
import { nodeLines, OutlineCapture, StageState, WalkStop } from './walk-state.js';

/** Options of a walk. */
export interface WalkOptions {
  /** Name of the Dockerfile in messages; default `Dockerfile`. */
  readonly file?: string;
  /** `--build-arg` values. */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** `--target`; default the last stage. */
  readonly target?: string;
  readonly buildPlatform: Platform;
  /** The platform being built; default the build platform. */
  readonly targetPlatform?: Platform;
}

/** What a walk found. */
export interface Walk {
  /** Undefined when the text did not parse. */
  readonly ast: DockerfileAst | undefined;
  readonly stages: readonly StageState[];
  readonly target: StageState | undefined;
  readonly globals: GlobalArgs | undefined;
  /** The problem that stopped the walk, if one did. */
  readonly error: WalkStop | undefined;
}

class WalkRun {
  ast: DockerfileAst | undefined;
  stages: StageState[] = [];
  target: StageState | undefined;
  globals: GlobalArgs | undefined;
  private readonly byName = new Map<string, StageState>();
  private readonly buildArgs: ReadonlyMap<string, string>;
  private lexer = new ShellLexer();

  constructor(
    private readonly source: string | Uint8Array,
    private readonly options: WalkOptions,
    private readonly linter: Linter,
    private readonly allStages: boolean,
  ) {
    this.buildArgs = new Map(Object.entries(options.buildArgs ?? {}));
  }

  run(): void {
    const ast = this.parse();
    this.ast = ast;
    this.lexer = new ShellLexer(ast.escapeToken);
    for (const w of ast.warnings) {
      if (w.rule === RULES.NoEmptyContinuation.name) {
        this.linter.run(RULES.NoEmptyContinuation, lines(w.line), MESSAGES.noEmptyContinuation());
      }
    }
    checkInstructions(ast, this.linter);
    const { metaArgs, stages } = this.readStages(ast);
    checkStageNames(stages, this.linter);
    checkInstructionCasing(stages, this.linter);
    this.evaluateStages(metaArgs, stages);
    this.target = this.findTarget();
    this.linkDependencies();
    this.checkCircular();
    this.dispatch();
    const violation = this.linter.violationMessage();
    if (violation !== undefined) throw new WalkStop(violation);
  }

  private parse(): DockerfileAst {
    try {
      return parseDockerfile(this.source, { file: this.options.file ?? 'Dockerfile' });
    } catch (err) {
      if (err instanceof DockerfileParseError) throw new WalkStop(err.reason, lines(err.line, err.endLine));
      throw err;
    }
  }

  private readStages(ast: DockerfileAst): { metaArgs: readonly ArgInstruction[]; stages: readonly Stage[] } {
    try {
      return readStages(ast);
    } catch (err) {
      if (err instanceof DockerfileParseError) throw new WalkStop(err.reason, lines(err.line, err.endLine));
      throw err;
    }
  }

  private evaluateStages(metaArgs: readonly ArgInstruction[], stages: readonly Stage[]): void {
    const build = this.options.buildPlatform;
    const base = platformScope(this.options.targetPlatform ?? build, build, this.buildArgs);
    checkDefaultBaseNames(this.lexer, base, metaArgs, stages, this.linter);
    const globals = evaluateGlobalArgs(this.lexer, base, metaArgs, this.buildArgs);
    this.globals = globals;
    const globalOutline = new OutlineCapture(new Map(globals.infos));
    for (const stage of stages) {
      const from = expandFrom(this.lexer, stage, globals, this.linter);
      const state = new StageState(stage, from.baseName, globalOutline.clone());
      const parent = this.byName.get(from.baseName);
      if (parent) {
        state.base = parent;
        state.outline = parent.outline.clone();
      }
      if (stage.name !== undefined) this.byName.set(stage.name, state);
      this.stages.push(state);
      for (const name of from.used) state.outline.usedArgs.add(name);
    }
  }

  private findTarget(): StageState {
    const wanted = this.options.target;
    if (wanted === undefined) return this.stages[this.stages.length - 1]!;
    const found = this.byName.get(wanted.toLowerCase());
    if (!found) throw new WalkStop(`target stage ${goStrconvQuote(wanted)} could not be found`);
    return found;
  }

  /** The stage a `--from` value names (an index or a name), or undefined for an image. */
  stageFor(from: string): StageState | undefined {
    if (/^[+-]?\d+$/.test(from)) {
      const index = Number.parseInt(from, 10);
      const found = this.stages[index];
      if (!found) throw new WalkStop(`invalid stage index ${index}`);
      return found;
    }
    return this.byName.get(from.toLowerCase());
  }

  private linkDependencies(): void {
    for (const state of this.stages) {
      for (const ins of state.stage.instructions) {
        const froms: string[] = [];
        if (ins.kind === 'copy' && ins.from !== undefined) froms.push(ins.from);
        if (ins.kind === 'run') {
          for (const m of ins.mounts) {
            for (const f of splitCsvRecord(m))
              if (f.toLowerCase().startsWith('from=')) froms.push(f.slice(5));
          }
        }
        for (const from of froms) {
          const dep = this.stageFor(from);
          if (dep) state.deps.add(dep);
        }
      }
    }
  }

  private checkCircular(): void {
    const visited = new Set<StageState>();
    const onPath = new Set<StageState>();
    const visit = (s: StageState): boolean => {
      if (visited.has(s)) return false;
      visited.add(s);
      onPath.add(s);
      for (const dep of s.deps) if (onPath.has(dep) || visit(dep)) return true;
      onPath.delete(s);
      return false;
    };
    for (const state of this.stages) {
      if (visit(state)) {
        const name = this.stages.length === 1 ? '' : state.displayName;
        throw new WalkStop(
          `circular dependency detected on stage: ${name}`,
          nodeLines(state.stage.from.node),
        );
      }
    }
  }

  /** The target and every stage it needs, through bases and dependencies. */
  reachable(): Set<StageState> {
    const out = new Set<StageState>();
    const add = (s: StageState | undefined) => {
      if (!s || out.has(s)) return;
      out.add(s);
      add(s.base);
      for (const d of s.deps) add(d);
    };
    add(this.target);
    return out;
  }

  private dispatch(): void {
    const ctx: DispatchContext = {
      lexer: this.lexer,
      rawLexer: new ShellLexer('\\', { skipProcessQuotes: true }),
      linter: this.linter,
      globals: this.globals!,
      buildArgs: this.buildArgs,
      stageFor: (from) => this.stageFor(from),
    };
    const needed = this.reachable();
    for (const state of this.stages) {
      if (this.allStages || needed.has(state)) dispatchStage(state, ctx);
    }
  }
}

/**
 * Walks a Dockerfile. `allStages` walks every stage (a check without `--target`); otherwise only
 * the stages the target needs. Warnings go to `linter`; a stopping problem becomes `error`.
 */
export function walkDockerfile(
  source: string | Uint8Array,
  options: WalkOptions,
  linter: Linter,
  allStages: boolean,
): Walk {
  const run = new WalkRun(source, options, linter, allStages);
  let error: WalkStop | undefined;
  try {
    run.run();
  } catch (err) {
    if (!(err instanceof WalkStop)) throw err;
    error = err;
  }
  return { ast: run.ast, stages: run.stages, target: run.target, globals: run.globals, error };
}

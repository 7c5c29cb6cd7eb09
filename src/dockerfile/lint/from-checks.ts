/**
 * The global ARGs and the FROM lines, as BuildKit evaluates them before any stage runs:
 *
 * - the global scope starts with the automatic platform ARGs (a `--build-arg` of the same name
 *   overrides one); each ARG before the first FROM then takes its `--build-arg` value, or its
 *   default expanded against the scope so far; an ARG with neither stays out of the scope;
 * - InvalidDefaultArgInFrom: with the defaults alone (no `--build-arg`), a base name that does
 *   not expand to a valid image reference. If a default cannot be expanded the check gives up;
 * - per FROM, in order: UndefinedArgInFrom for each name the base name (then `--platform`)
 *   reads that no global ARG declares; for `--platform`, RedundantTargetPlatform when it is
 *   exactly `$TARGETPLATFORM`, and FromPlatformFlagConstDisallowed when it reads no variable
 *   and names a valid platform whose os and architecture are not part of the stage name.
 */

import { type Platform, parsePlatform } from '../../platform/index.js';
import { isValidReference } from '../../registry/reference/index.js';
import { platformArgs } from '../convert/index.js';
import type { ArgInstruction, Stage } from '../instructions/index.js';
import { type ExpansionResult, ShellExpansionError, type ShellLexer } from '../shell/index.js';
import type { Linter } from './linter.js';
import { MESSAGES, RULES } from './rules.js';
import { VarScope } from './scope.js';
import { suggest } from './suggest.js';
import { type ArgInfo, nodeLines, WalkStop } from './walk-state.js';

/** The global scope after the ARGs before the first FROM. */
export interface GlobalArgs {
  /** Platform ARGs and every global ARG that has a value. */
  readonly scope: VarScope;
  /** Every global ARG, valued or not (the outline's `allArgs`). */
  readonly infos: ReadonlyMap<string, ArgInfo>;
}

/** The automatic platform ARGs, with `--build-arg` overrides. */
export function platformScope(
  target: Platform,
  build: Platform,
  buildArgs: ReadonlyMap<string, string>,
): VarScope {
  const scope = new VarScope();
  for (const [name, value] of platformArgs(target, build)) scope.set(name, buildArgs.get(name) ?? value);
  return scope;
}

function expansionProblem(err: unknown, arg: ArgInstruction): WalkStop {
  if (err instanceof ShellExpansionError) return new WalkStop(err.reason, nodeLines(arg.node));
  throw err;
}

/**
 * Evaluates the global ARGs over `base` (BuildKit's `buildMetaArgs`). Throws {@link WalkStop}
 * when a default cannot be expanded.
 */
export function evaluateGlobalArgs(
  lexer: ShellLexer,
  base: VarScope,
  metaArgs: readonly ArgInstruction[],
  buildArgs: ReadonlyMap<string, string> | undefined,
): GlobalArgs {
  const scope = base.clone();
  const infos = new Map<string, ArgInfo>();
  for (const arg of metaArgs) {
    arg.args.forEach((decl, position) => {
      let value = buildArgs?.get(decl.name);
      let deps: ReadonlySet<string> = new Set();
      if (value === undefined && decl.value !== undefined) {
        let result: ExpansionResult;
        try {
          result = lexer.processWordWithMatches(decl.value, scope);
        } catch (err) {
          throw expansionProblem(err, arg);
        }
        value = result.result;
        deps = result.matched;
      }
      if (value !== undefined) scope.set(decl.name, value);
      infos.set(decl.name, { name: decl.name, value, node: arg.node, position, deps });
    });
  }
  return { scope, infos };
}

/** InvalidDefaultArgInFrom over every stage, with the ARG defaults alone. */
export function checkDefaultBaseNames(
  lexer: ShellLexer,
  base: VarScope,
  metaArgs: readonly ArgInstruction[],
  stages: readonly Stage[],
  linter: Linter,
): void {
  let defaults: GlobalArgs;
  try {
    defaults = evaluateGlobalArgs(lexer, base, metaArgs, undefined);
  } catch (err) {
    if (err instanceof WalkStop) return; // the walk fails later with the same error
    throw err;
  }
  for (const stage of stages) {
    let name: string;
    try {
      name = lexer.processWord(stage.from.image, defaults.scope);
    } catch (err) {
      if (err instanceof ShellExpansionError) return;
      throw err;
    }
    if (!isValidReference(name)) {
      linter.run(
        RULES.InvalidDefaultArgInFrom,
        nodeLines(stage.from.node),
        MESSAGES.invalidDefaultArgInFrom(stage.from.image),
      );
    }
  }
}

/** What a FROM line expands to. */
export interface ExpandedFrom {
  readonly baseName: string;
  readonly platform: Platform | undefined;
  /** Global names the line read (the outline counts them as used). */
  readonly used: ReadonlySet<string>;
}

function reportUndeclared(result: ExpansionResult, globals: GlobalArgs, stage: Stage, linter: Linter): void {
  const declared = [...new Set([...globals.infos.keys(), ...globals.scope.keys()])];
  for (const name of result.unmatched) {
    if (declared.includes(name)) continue;
    linter.run(
      RULES.UndefinedArgInFrom,
      nodeLines(stage.from.node),
      MESSAGES.undefinedArgInFrom(name, suggest(name, declared)),
    );
  }
}

function checkPlatformFlag(
  raw: string,
  result: ExpansionResult,
  globals: GlobalArgs,
  stage: Stage,
  linter: Linter,
) {
  const location = nodeLines(stage.from.node);
  const { matched, unmatched } = result;
  if (matched.size === 1 && unmatched.size === 0 && matched.has('TARGETPLATFORM')) {
    if (result.result === globals.scope.get('TARGETPLATFORM')) {
      linter.run(RULES.RedundantTargetPlatform, location, MESSAGES.redundantTargetPlatform(raw));
    }
  }
  if (matched.size > 0 || unmatched.size > 0) return;
  let platform: Platform;
  try {
    platform = parsePlatform(result.result);
  } catch {
    return; // fails later, with its own error
  }
  const name = stage.name ?? '';
  if (name.includes(platform.os) || name.includes(platform.architecture)) return;
  linter.run(
    RULES.FromPlatformFlagConstDisallowed,
    location,
    MESSAGES.fromPlatformFlagConstDisallowed(result.result),
  );
}

function expandFromWord(lexer: ShellLexer, word: string, globals: GlobalArgs, stage: Stage): ExpansionResult {
  try {
    return lexer.processWordWithMatches(word, globals.scope);
  } catch (err) {
    if (err instanceof ShellExpansionError) throw new WalkStop(err.reason, nodeLines(stage.from.node));
    throw err;
  }
}

/** BuildKit's `wrapSuggestAny`: a "did you mean" for the first unmatched name close to a known one. */
function withSuggestion(message: string, unmatched: ReadonlySet<string>, known: readonly string[]): string {
  for (const name of unmatched) {
    const match = suggest(name, known);
    if (match) return `${message} (did you mean ${match}?)`;
  }
  return message;
}

/** Expands one FROM line with the global ARGs, running its checks; throws {@link WalkStop}. */
export function expandFrom(
  lexer: ShellLexer,
  stage: Stage,
  globals: GlobalArgs,
  linter: Linter,
): ExpandedFrom {
  const location = nodeLines(stage.from.node);
  const name = expandFromWord(lexer, stage.from.image, globals, stage);
  reportUndeclared(name, globals, stage, linter);
  if (name.result === '') {
    throw new WalkStop(`base name (${stage.from.image}) should not be blank`, location);
  }
  const used = new Set(name.matched);
  const raw = stage.from.platform;
  if (raw === undefined) return { baseName: name.result, platform: undefined, used };
  const plat = expandFromWord(lexer, raw, globals, stage);
  reportUndeclared(plat, globals, stage, linter);
  checkPlatformFlag(raw, plat, globals, stage, linter);
  const known = globals.scope.keys();
  if (plat.result === '') {
    throw new WalkStop(
      withSuggestion(`empty platform value from expression ${raw}`, plat.unmatched, known),
      location,
    );
  }
  let platform: Platform;
  try {
    platform = parsePlatform(plat.result);
  } catch (err) {
    const reason = withSuggestion((err as Error).message, plat.unmatched, known);
    throw new WalkStop(`failed to parse platform ${raw}: ${reason}`, location);
  }
  for (const n of plat.matched) used.add(n);
  return { baseName: name.result, platform, used };
}

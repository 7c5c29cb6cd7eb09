/**
 * The checks BuildKit runs while it reads instructions, before anything is expanded:
 *
 * - per instruction, in file order (`instructions.Parse`): MAINTAINER gives MaintainerDeprecated;
 *   `FROM x AS Name` with upper case in the name gives StageNameCasing; `AS` cased unlike a
 *   consistently cased `FROM` gives FromAsCasing. The first instruction that cannot be read
 *   stops the walk with "dockerfile parse error on line N: …" (its warnings are kept);
 * - over the stages (`validateStageNames`): a stage named `context` or `scratch` gives
 *   ReservedStageName, a name used before gives DuplicateStageName;
 * - over the stages' instructions, not the global ARGs (`validateCommandCasing`): every keyword
 *   that is not all lower or all upper case, or that differs from the majority's case (upper
 *   on a tie), gives ConsistentInstructionCasing.
 */
import { goStrconvQuote } from '../../gofmt/index.js';
import { parseInstruction, type Stage } from '../instructions/index.js';
import {
  type DockerfileAst,
  DockerfileParseError,
  type InstructionNode,
  isKnownInstruction,
  unknownInstructionError,
} from '../parser/index.js';
import type { Linter } from './linter.js';
import { MESSAGES, RULES } from './rules.js';
import { nodeLines, WalkStop } from './walk-state.js';

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;
const RESERVED_STAGE_NAMES = new Set(['context', 'scratch']);

function isSelfConsistent(s: string): boolean {
  return s === s.toLowerCase() || s === s.toUpperCase();
}

function checkFromCasing(node: InstructionNode, linter: Linter): void {
  const args = node.args;
  const location = nodeLines(node);
  const name = args[2];
  if (args.length === 3 && name !== undefined && name !== name.toLowerCase()) {
    linter.run(RULES.StageNameCasing, location, MESSAGES.stageNameCasing(name));
  }
  const as = args[1];
  if (args.length < 3 || as === undefined || !isSelfConsistent(node.keyword)) return;
  const fromLower = node.keyword === node.keyword.toLowerCase();
  const matches = fromLower ? as === as.toLowerCase() : as === as.toUpperCase();
  if (!matches) linter.run(RULES.FromAsCasing, location, MESSAGES.fromAsCasing(node.keyword, as));
}

/** The instruction-level problem BuildKit reports for `node`, or undefined when it reads fine. */
function instructionProblem(node: InstructionNode, file: string, seenFrom: boolean): WalkStop | undefined {
  const wrap = (reason: string) =>
    new WalkStop(`dockerfile parse error on line ${node.startLine}: ${reason}`, nodeLines(node));
  if (!isKnownInstruction(node.keyword)) return wrap(unknownInstructionError(node, file).reason);
  try {
    parseInstruction(node, file);
  } catch (err) {
    if (err instanceof DockerfileParseError) return wrap(err.reason);
    throw err;
  }
  if (node.name === 'from') {
    const name = node.args[2];
    if (node.args.length === 3 && name !== undefined && !STAGE_NAME.test(name.toLowerCase())) {
      return wrap(
        `invalid name for build stage: ${goStrconvQuote(name)}, name can't start with a number or contain symbols`,
      );
    }
  } else if (!seenFrom && node.name !== 'arg') {
    return new WalkStop('no build stage in current context', nodeLines(node));
  }
  return undefined;
}

/**
 * Runs the read-time checks over every instruction, in order, and throws {@link WalkStop} at
 * the first instruction BuildKit could not read (after that instruction's own checks).
 */
export function checkInstructions(ast: DockerfileAst, linter: Linter): void {
  let seenFrom = false;
  for (const node of ast.children) {
    if (node.name === 'maintainer') {
      linter.run(RULES.MaintainerDeprecated, nodeLines(node), MESSAGES.maintainerDeprecated());
    } else if (node.name === 'from') {
      checkFromCasing(node, linter);
    }
    const problem = instructionProblem(node, ast.file, seenFrom);
    if (problem) throw problem;
    if (node.name === 'from') seenFrom = true;
  }
  if (!seenFrom) throw new WalkStop('dockerfile contains no stages to build');
}

/** ReservedStageName and DuplicateStageName over the stages, in order. */
export function checkStageNames(stages: readonly Stage[], linter: Linter): void {
  const seen = new Set<string>();
  for (const stage of stages) {
    const name = stage.name;
    if (name === undefined) continue;
    const location = nodeLines(stage.from.node);
    if (RESERVED_STAGE_NAMES.has(name)) {
      linter.run(RULES.ReservedStageName, location, MESSAGES.reservedStageName(name));
    }
    if (seen.has(name)) linter.run(RULES.DuplicateStageName, location, MESSAGES.duplicateStageName(name));
    seen.add(name);
  }
}

function caseMismatch(keyword: string, majorityLower: boolean): 'lowercase' | 'uppercase' | undefined {
  if (majorityLower && keyword.toLowerCase() !== keyword) return 'lowercase';
  if (!majorityLower && keyword.toUpperCase() !== keyword) return 'uppercase';
  return undefined;
}

/** ConsistentInstructionCasing over the FROM lines and instructions of every stage. */
export function checkInstructionCasing(stages: readonly Stage[], linter: Linter): void {
  const nodes = stages.flatMap((s) => [s.from.node, ...s.instructions.map((i) => i.node)]);
  let lower = 0;
  let upper = 0;
  for (const node of nodes) {
    if (!isSelfConsistent(node.keyword)) continue;
    if (node.keyword === node.keyword.toLowerCase()) lower++;
    else upper++;
  }
  const majorityLower = lower > upper;
  for (const node of nodes) {
    const casing = caseMismatch(node.keyword, majorityLower);
    if (casing) {
      linter.run(
        RULES.ConsistentInstructionCasing,
        nodeLines(node),
        MESSAGES.consistentInstructionCasing(node.keyword, casing),
      );
    }
  }
}

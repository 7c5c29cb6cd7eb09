/**
 * Which stage a name refers to, and the checks BuildKit makes on the whole Dockerfile before it
 * converts anything (so they hold for stages the target does not need, too):
 * - `FROM name` names a stage only if a stage defined *earlier* has exactly that (lower-case)
 *   name; anything else is an image (so `FROM golang AS golang` pulls the image `golang`);
 * - `COPY --from=X` names a stage by index (`--from=0`) or by name in any case, else an image;
 *   `RUN --mount=from=X` by name only, else an image;
 * - neither `--from` nor a mount's `from` may use variables, platform ARGs included (BuildKit
 *   resolves them before any scope exists): a stage whose FROM line expands the variable is the
 *   way to pick a stage per platform;
 * - an index past the last stage is an error, and so is a stage that needs itself, directly or
 *   through other stages ("circular dependency detected on stage: NAME").
 */
import type { DockerfileStages, Stage } from '../instructions/index.js';
import type { InstructionNode } from '../parser/ast.js';
import { EMPTY_ENV, type ShellLexer } from '../shell/index.js';
import { DockerfileConvertError } from './errors.js';
import { isPlatformArg } from './platform-args.js';

/** A stage's name in messages and vertex names: its own, or `stage-N`. */
export function stageLabel(stage: Stage): string {
  return stage.name ?? `stage-${stage.index}`;
}

/** The earlier stage a FROM line's (expanded) base name refers to, if any. */
export function parentStage(stages: DockerfileStages, baseName: string, current: number): Stage | undefined {
  return stages.stages.find((s) => s.index < current && s.name !== undefined && s.name === baseName);
}

/** The stage `COPY --from=word` refers to (index or name, any case); undefined: an image. */
export function copySourceStage(
  stages: DockerfileStages,
  word: string,
  file: string,
  node: InstructionNode,
): Stage | undefined {
  if (/^[+-]?\d+$/.test(word)) {
    const index = Number(word);
    const stage = stages.stages[index];
    if (stage === undefined || index < 0) {
      throw new DockerfileConvertError(
        file,
        node,
        `invalid stage index ${index}`,
        `this Dockerfile has stages 0 to ${stages.stages.length - 1}`,
      );
    }
    return stage;
  }
  return byName(stages, word);
}

/** The stage `RUN --mount=from=word` refers to (by name, any case); undefined: an image. */
export function mountSourceStage(stages: DockerfileStages, word: string): Stage | undefined {
  return byName(stages, word);
}

function byName(stages: DockerfileStages, word: string): Stage | undefined {
  const lower = word.toLowerCase();
  return stages.stages.find((s) => s.name === lower);
}

interface Edge {
  readonly to: number;
  readonly node: InstructionNode;
}

/** Runs the whole-Dockerfile checks above; throws the first problem as BuildKit orders them. */
export function checkStageReferences(stages: DockerfileStages, lexer: ShellLexer, file: string): void {
  const edges = new Map<number, Edge[]>();
  for (const stage of stages.stages) {
    const out: Edge[] = [];
    for (const ins of stage.instructions) {
      if (ins.kind === 'copy' && ins.from !== undefined) {
        checkNoVariables(ins.from, lexer, file, ins.node);
        const to = copySourceStage(stages, ins.from, file, ins.node);
        if (to) out.push({ to: to.index, node: ins.node });
      } else if (ins.kind === 'run') {
        for (const mount of ins.mounts) {
          const from = mountFrom(mount);
          if (from === undefined) continue;
          if (/\$./.test(from)) {
            throw new DockerfileConvertError(
              file,
              ins.node,
              "'from' doesn't support variable expansion, define alias stage instead",
              aliasHint(from, 'RUN --mount=from='),
            );
          }
          const to = mountSourceStage(stages, from);
          if (to) out.push({ to: to.index, node: ins.node });
        }
      }
    }
    edges.set(stage.index, out);
  }
  const cycle = findCycle(stages, edges);
  if (cycle) {
    throw new DockerfileConvertError(
      file,
      cycle.node,
      `circular dependency detected on stage: ${stageLabel(cycle.stage)}`,
      'a stage cannot use its own result, directly or through other stages: copy from an earlier stage instead',
    );
  }
}

function checkNoVariables(word: string, lexer: ShellLexer, file: string, node: InstructionNode): void {
  let same: boolean;
  try {
    same = lexer.processWord(word, EMPTY_ENV) === word;
  } catch {
    same = false;
  }
  if (same) return;
  throw new DockerfileConvertError(
    file,
    node,
    'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround',
    aliasHint(word, 'COPY --from='),
  );
}

/** How to pick a stage by a variable: a FROM line (which sees the global scope) naming it. */
function aliasHint(word: string, use: string): string {
  const names = [...word.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? '');
  const platform = names.find(isPlatformArg);
  const why = platform
    ? `${platform} is an automatic platform ARG: it can be expanded in FROM lines, not in ${use}`
    : 'variables are expanded in FROM lines, not here';
  return `${why}. Add a stage "FROM ${word} AS picked" and write ${use}picked`;
}

/** The raw `from=` value of a --mount, if any (fields split as CSV, before expansion). */
function mountFrom(text: string): string | undefined {
  for (const field of text.split(',')) {
    const eq = field.indexOf('=');
    if (eq > 0 && field.slice(0, eq).trim().toLowerCase() === 'from')
      return field.slice(eq + 1).replace(/^"|"$/g, '');
  }
  return undefined;
}

/** BuildKit's search: stages in order, depth first; the cycle is reported on the starting stage. */
function findCycle(
  stages: DockerfileStages,
  edges: ReadonlyMap<number, readonly Edge[]>,
): { stage: Stage; node: InstructionNode } | undefined {
  const visited = new Set<number>();
  const onPath = new Set<number>();
  const visit = (at: number, first: InstructionNode | undefined): InstructionNode | undefined => {
    if (visited.has(at)) return undefined;
    visited.add(at);
    onPath.add(at);
    for (const edge of edges.get(at) ?? []) {
      const via = first ?? edge.node;
      if (onPath.has(edge.to)) return via;
      const found = visit(edge.to, via);
      if (found) return found;
    }
    onPath.delete(at);
    return undefined;
  };
  for (const stage of stages.stages) {
    const node = visit(stage.index, undefined);
    if (node) return { stage, node };
  }
  return undefined;
}

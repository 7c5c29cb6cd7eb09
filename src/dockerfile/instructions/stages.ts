/**
 * A parsed Dockerfile → its global ARGs and its stages. Only ARG may come before the first
 * FROM; every other instruction belongs to the stage opened by the FROM above it.
 */
import type { DockerfileAst } from '../parser/ast.js';
import { instructionError } from './errors.js';
import { parseInstruction } from './parse-instruction.js';
import type { ArgInstruction, DockerfileStages, FromInstruction, Stage, StageInstruction } from './types.js';

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** Splits a Dockerfile into global ARGs and stages, reading every instruction. */
export function readStages(ast: DockerfileAst): DockerfileStages {
  const metaArgs: ArgInstruction[] = [];
  const stages: Stage[] = [];
  let current: { from: FromInstruction; instructions: StageInstruction[]; description: string } | undefined;
  const close = () => {
    if (!current) return;
    const { from } = current;
    stages.push({
      index: stages.length,
      ...(from.stageName === undefined ? {} : { name: from.stageName }),
      from,
      instructions: current.instructions,
      description: current.description,
    });
  };
  for (const node of ast.children) {
    const instruction = parseInstruction(node, ast.file);
    if (instruction.kind === 'from') {
      if (instruction.stageName !== undefined && !STAGE_NAME.test(instruction.stageName)) {
        throw instructionError(
          ast.file,
          node,
          `invalid name for build stage: "${instruction.stageName}", name can't start with a number or contain symbols`,
          'stage names start with a letter and use letters, digits, "-", "_" and "."',
        );
      }
      close();
      current = { from: instruction, instructions: [], description: node.comments.join('\n') };
    } else if (current) {
      current.instructions.push(instruction);
    } else if (instruction.kind === 'arg') {
      metaArgs.push(instruction);
    } else {
      throw instructionError(
        ast.file,
        node,
        `${node.keyword.toUpperCase()} before the first FROM: no build stage in current context`,
        'only ARG may come before the first FROM; start a stage with FROM image',
      );
    }
  }
  close();
  if (stages.length === 0) {
    throw instructionError(
      ast.file,
      ast.children[ast.children.length - 1] ?? fakeNode(),
      'the Dockerfile has no FROM instruction',
      'start a stage with FROM image',
    );
  }
  return { metaArgs, stages };
}

function fakeNode() {
  return {
    keyword: '',
    name: '',
    flags: [],
    args: [],
    json: false,
    heredocs: [],
    original: '',
    startLine: 1,
    endLine: 1,
    comments: [],
  };
}

/**
 * A parsed Dockerfile → its global ARGs and its stages. Only ARG may come before the first
 * FROM; every other instruction belongs to the stage opened by the FROM above it.
 */
import type { DockerfileAst, InstructionNode } from '../parser/ast.js';
import { DockerfileParseError } from '../parser/errors.js';
import { isKnownInstruction } from '../parser/instructions.js';
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
  let previous: InstructionNode | undefined;
  for (const node of ast.children) {
    const instruction = readInstruction(node, previous, ast.file);
    previous = node;
    if (instruction.kind === 'from') {
      if (instruction.stageName !== undefined && !STAGE_NAME.test(instruction.stageName)) {
        throw instructionError(
          ast.file,
          node,
          `invalid name for build stage: "${instruction.stageName}", name can't start with a number or contain symbols`,
          instruction.stageName.includes('$')
            ? // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile text shown to the user
              'stage names are not expanded (not even platform ARGs such as $TARGETARCH): give each stage a fixed name, and pick one in a later stage with FROM name-${TARGETARCH}'
            : 'stage names start with a letter and use letters, digits, "-", "_" and "."',
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

/**
 * Reads one instruction. An unknown keyword right after a RUN, COPY or ADD that has `<<` but
 * no heredoc is most likely a heredoc body: the heredoc word could not be read (an unbalanced
 * quote), so BuildKit, and this parser, read its body as instructions. The hint says so.
 */
function readInstruction(node: InstructionNode, previous: InstructionNode | undefined, file: string) {
  try {
    return parseInstruction(node, file);
  } catch (err) {
    const target = previous?.subInstruction ?? previous;
    const lostHeredoc =
      previous !== undefined &&
      target !== undefined &&
      ['run', 'copy', 'add'].includes(target.name) &&
      previous.heredocs.length === 0 &&
      previous.original.includes('<<') &&
      !isKnownInstruction(node.keyword);
    if (!(err instanceof DockerfileParseError) || !lostHeredoc) throw err;
    throw instructionError(
      file,
      node,
      err.reason,
      `line ${previous.startLine} (${previous.original.split('\n')[0]}) has "<<" but no heredoc could be read from it: ` +
        `balance the quotes of the heredoc word (<<EOF, <<'EOF' or <<"EOF"), or this line is taken for an instruction`,
    );
  }
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

/**
 * Which instruction keywords exist. The parser itself accepts any word as a keyword (as
 * BuildKit's does, giving an unknown one a single empty argument); rejecting unknown keywords is
 * the next stage's job, and {@link assertKnownInstructions} does it with BuildKit's message:
 * `unknown instruction: FORM (did you mean FROM?)`. A suggestion is the known keyword at the
 * smallest edit distance below 3, in the casing of the word as written when that is all upper
 * or all lower case.
 */
import type { DockerfileAst, InstructionNode } from './ast.js';
import { DockerfileParseError } from './errors.js';
import { goToLower, goToUpper } from './go-text.js';

/** Every instruction keyword BuildKit knows, in lower case. */
export const KNOWN_INSTRUCTIONS: readonly string[] = [
  'add',
  'arg',
  'cmd',
  'copy',
  'entrypoint',
  'env',
  'expose',
  'from',
  'healthcheck',
  'label',
  'maintainer',
  'onbuild',
  'run',
  'shell',
  'stopsignal',
  'user',
  'volume',
  'workdir',
];

/** True when `keyword` (any casing) is an instruction BuildKit knows. */
export function isKnownInstruction(keyword: string): boolean {
  return KNOWN_INSTRUCTIONS.includes(goToLower(keyword));
}

/** Levenshtein distance over code points, every edit costing 1. */
function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = (prev[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, substitution));
    }
    prev = cur;
  }
  return prev[y.length] ?? 0;
}

/** The known keyword `keyword` was probably meant to be, or undefined. */
export function suggestInstruction(keyword: string): string | undefined {
  const lower = goToLower(keyword);
  let match: string | undefined;
  let best = 3;
  for (const known of KNOWN_INSTRUCTIONS) {
    const d = editDistance(lower, known);
    if (d < best) {
      best = d;
      match = known;
    }
  }
  if (match === undefined) return undefined;
  if (keyword === goToLower(keyword)) return match;
  if (keyword === goToUpper(keyword)) return goToUpper(match);
  return match;
}

/** The error for an instruction whose keyword is unknown. */
export function unknownInstructionError(node: InstructionNode, file: string): DockerfileParseError {
  const suggestion = suggestInstruction(node.keyword);
  const reason = `unknown instruction: ${node.keyword}${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`;
  return new DockerfileParseError(
    reason,
    { file, line: node.startLine, endLine: node.endLine, lineText: node.original },
    {
      hint:
        suggestion === undefined
          ? `use one of ${KNOWN_INSTRUCTIONS.map((k) => k.toUpperCase()).join(', ')}`
          : `write ${suggestion} instead of ${node.keyword}`,
    },
  );
}

/** Throws {@link DockerfileParseError} for the first instruction whose keyword is unknown. */
export function assertKnownInstructions(ast: DockerfileAst): void {
  for (const node of ast.children) {
    if (!isKnownInstruction(node.keyword)) throw unknownInstructionError(node, ast.file);
  }
}

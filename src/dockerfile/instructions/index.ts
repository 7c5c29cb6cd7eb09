/**
 * Typed Dockerfile instructions and stages, read from the parser's tree (not yet expanded).
 * `readStages(parseDockerfile(text))` gives the global ARGs and the stages.
 */
export { formatGoDuration, parseGoDuration } from './duration.js';
export { type FlagKind, type FlagSpec, INSTRUCTION_FLAGS, type ParsedFlags, parseFlags } from './flags.js';
export { parseInstruction } from './parse-instruction.js';
export { readStages } from './stages.js';
export type * from './types.js';

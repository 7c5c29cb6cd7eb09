/** Every case of the conversion table. */
import { ARG_CASES } from './args.js';
import { BRIEF_CASES } from './brief.js';
import { INSTRUCTION_CASES } from './instructions.js';
import { PLATFORM_CASES } from './platform.js';
import { STAGE_CASES } from './stages.js';
import type { Case } from './types.js';

export const CASES: readonly Case[] = [
  ...BRIEF_CASES,
  ...ARG_CASES,
  ...PLATFORM_CASES,
  ...STAGE_CASES,
  ...INSTRUCTION_CASES,
];

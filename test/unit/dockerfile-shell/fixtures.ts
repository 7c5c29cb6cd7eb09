/**
 * Readers for BuildKit's shell-lexer fixtures in conformance/buildkit-shell-lexer (formats as
 * described in that folder's README.md).
 */
import { readFileSync } from 'node:fs';
import { conformancePath } from '../../helpers/paths.js';

/** `A` everywhere, `U` only on non-Windows systems, `W` only on Windows. */
export type CasePlatform = 'A' | 'U' | 'W';

/** One line of `envVarTest`. */
export interface EnvVarCase {
  readonly line: number;
  readonly platform: CasePlatform;
  readonly input: string;
  /** The expected result, or `undefined` when expansion must fail. */
  readonly expected: string | undefined;
}

/** One case line of `wordsTest`, with the `ENV` lines above it. */
export interface WordsCase {
  readonly line: number;
  readonly input: string;
  /** The expected words, or `undefined` when processing must fail. */
  readonly expected: readonly string[] | undefined;
  readonly env: ReadonlyMap<string, string>;
}

function fixtureLines(name: string): string[] {
  const text = readFileSync(conformancePath('buildkit-shell-lexer', name), 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Reads `envVarTest`. */
export function readEnvVarCases(): EnvVarCase[] {
  const cases: EnvVarCase[] = [];
  fixtureLines('envVarTest').forEach((raw, index) => {
    if (raw.startsWith('#')) return;
    const line = raw.trim();
    if (line === '') return;
    const fields = line.split('|').map((field) => field.trim());
    if (fields.length !== 3)
      throw new Error(`envVarTest:${index + 1}: expected 3 fields, got ${fields.length}`);
    const [platform, input, expected] = fields as [string, string, string];
    if (platform !== 'A' && platform !== 'U' && platform !== 'W') {
      throw new Error(`envVarTest:${index + 1}: unknown platform ${JSON.stringify(platform)}`);
    }
    cases.push({ line: index + 1, platform, input, expected: expected === 'error' ? undefined : expected });
  });
  return cases;
}

/** Reads `wordsTest`; also returns how many `ENV` lines it had. */
export function readWordsCases(): { cases: WordsCase[]; envLines: number } {
  const cases: WordsCase[] = [];
  const env = new Map<string, string>();
  let envLines = 0;
  fixtureLines('wordsTest').forEach((raw, index) => {
    if (raw.startsWith('#')) return;
    if (raw.startsWith('ENV ')) {
      const entry = raw.slice(3).replace(/^ +/, '');
      const eq = entry.indexOf('=');
      if (eq < 0) throw new Error(`wordsTest:${index + 1}: ENV line without "="`);
      env.set(entry.slice(0, eq), entry.slice(eq + 1));
      envLines++;
      return;
    }
    const fields = raw.split('|');
    if (fields.length !== 2)
      throw new Error(`wordsTest:${index + 1}: expected 2 fields, got ${fields.length}`);
    const input = fields[0]!.trim();
    const words = fields[1]!.replace(/^ +/, '').split(',');
    const expected = words.length === 1 && words[0] === 'error' ? undefined : words;
    cases.push({ line: index + 1, input, expected, env: new Map(env) });
  });
  return { cases, envLines };
}

/** `lexer-unit-cases.json`, as typed as the tests need it. */
export interface LexerUnitCases {
  processWordWithMatches: {
    cases: Array<{
      input: string;
      env: Record<string, string>;
      expected?: string;
      error?: boolean;
      matched?: string[];
      unmatched?: string[];
      notGuaranteed?: boolean;
    }>;
  };
  processWordPlatform: {
    input: string;
    cases: Array<{ env: Record<string, string>; expected: string }>;
  };
  mandatoryEnvVars: {
    cases: Array<{ input: string; env: string[]; expected?: string; errorContains?: string }>;
  };
  envListLookup: {
    cases: Array<{ env: string[]; name: string; expected: string }>;
  };
}

/** Reads `lexer-unit-cases.json`. */
export function readLexerUnitCases(): LexerUnitCases {
  const path = conformancePath('buildkit-shell-lexer', 'lexer-unit-cases.json');
  return JSON.parse(readFileSync(path, 'utf8')) as LexerUnitCases;
}

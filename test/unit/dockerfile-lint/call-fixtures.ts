/**
 * The `--call` golden cases in test/fixtures/call/<case>/: a Dockerfile, an optional call.json
 * (`target`, `buildArgs`, `platform`), and the expected output of each call in text and JSON
 * (`expected-{check,outline,targets}.{txt,json}`). Outputs are what buildx prints on standard
 * output for `docker buildx build --call=<fn>[,format=json] .` run in the case's folder on
 * linux/amd64; in text, a failure adds what buildx prints on standard error (`ERROR: …` and the
 * source); JSON files hold the JSON alone (a failed check's `buildError` is part of it), except
 * that a targets or outline call that fails prints no JSON, only the error.
 *
 * Run with UPDATE_GOLDEN=1 to rewrite the expected files (then review the diff).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  formatLintError,
  formatLintJson,
  formatLintText,
  type LintOptions,
  lintDockerfile,
} from '../../../src/dockerfile/lint/index.js';
import {
  formatOutlineJson,
  formatOutlineText,
  formatTargetsJson,
  formatTargetsText,
  listTargets,
  outlineDockerfile,
} from '../../../src/dockerfile/outline/index.js';
import { isManifoldError } from '../../../src/errors/index.js';
import { type Platform, parsePlatform } from '../../../src/platform/index.js';
import { repoRoot } from '../../helpers/paths.js';

/** Folder of the golden cases. */
export const CALL_FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'call');

/** The build platform every golden output assumes. */
export const BUILD_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

/** One golden case. */
export interface CallCase {
  readonly name: string;
  readonly dir: string;
  readonly dockerfile: Buffer;
  readonly options: LintOptions;
}

/** Every case folder, sorted by name. */
export function callCases(): CallCase[] {
  return readdirSync(CALL_FIXTURES, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const dir = path.join(CALL_FIXTURES, name);
      const configFile = path.join(dir, 'call.json');
      const config = existsSync(configFile)
        ? (JSON.parse(readFileSync(configFile, 'utf8')) as {
            target?: string;
            buildArgs?: Record<string, string>;
            platform?: string;
          })
        : {};
      const options: LintOptions = {
        buildPlatform: BUILD_PLATFORM,
        ...(config.target ? { target: config.target } : {}),
        ...(config.buildArgs ? { buildArgs: config.buildArgs } : {}),
        ...(config.platform ? { targetPlatform: parsePlatform(config.platform) } : {}),
      };
      return { name, dir, dockerfile: readFileSync(path.join(dir, 'Dockerfile')), options };
    });
}

function failure(err: unknown): string {
  if (isManifoldError(err)) return `ERROR: ${err.message}\n`;
  throw err;
}

/** `--call=check` output, text or JSON. */
export function renderCheck(c: CallCase, format: 'text' | 'json'): string {
  const result = lintDockerfile(c.dockerfile, c.options);
  if (format === 'json') return formatLintJson(result);
  const out = formatLintText(result, 'Dockerfile');
  const error = formatLintError(result, 'Dockerfile');
  return error === undefined ? out : `${out}ERROR: ${error.replace(/\n+$/, '')}\n`;
}

/** `--call=targets` output, text or JSON. */
export function renderTargets(c: CallCase, format: 'text' | 'json'): string {
  try {
    const list = listTargets(c.dockerfile);
    return format === 'json' ? formatTargetsJson(list) : formatTargetsText(list);
  } catch (err) {
    return failure(err);
  }
}

/** `--call=outline` output, text or JSON. */
export function renderOutline(c: CallCase, format: 'text' | 'json'): string {
  try {
    const outline = outlineDockerfile(c.dockerfile, c.options);
    return format === 'json' ? formatOutlineJson(outline) : formatOutlineText(outline);
  } catch (err) {
    return failure(err);
  }
}

/** Compares `actual` with the golden file (or writes it with UPDATE_GOLDEN=1). */
export function assertGolden(c: CallCase, file: string, actual: string): void {
  const golden = path.join(c.dir, file);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, actual);
  assert.ok(existsSync(golden), `${c.name}/${file} is missing: run with UPDATE_GOLDEN=1 and review it`);
  assert.equal(actual, readFileSync(golden, 'utf8'), `${c.name}/${file}`);
}

/**
 * `manifold build --call=…` run in process, as main() runs it (a root program with the build
 * command registered, errors and exit statuses through reportError): output and exit status for
 * the golden cases, the Dockerfile's name and location, and the hand-off of real builds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Command } from '@commander-js/extra-typings';
import { registerBuild } from '../../src/cli/build.js';
import type { BuildCliOptions } from '../../src/cli/build-flags.js';
import type { BuildRunner } from '../../src/cli/build-run.js';
import { reportError } from '../../src/cli/errors.js';
import { CALL_FIXTURES } from '../unit/dockerfile-lint/call-fixtures.js';

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

let runs = 0;
const scratch = mkdtempSync(path.join(tmpdir(), 'manifold-build-call-'));

async function manifold(args: readonly string[], runner?: BuildRunner): Promise<Run> {
  let stdout = '';
  let stderr = '';
  // main.ts's createProgram(), minus the other commands
  const program = new Command().name('manifold').option('--debug').exitOverride();
  program.configureOutput({ writeErr: (s) => (stderr += s), writeOut: (s) => (stdout += s) });
  registerBuild(program, runner, { stdout: (s) => (stdout += s), env: {} });
  let status = 0;
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (err) {
    status = reportError(err, false, (s) => (stderr += s));
  }
  runs++;
  return { status, stdout, stderr };
}

function fixture(name: string): string {
  return path.join(CALL_FIXTURES, name);
}

function golden(name: string, file: string, dir = fixture(name)): string {
  // Goldens name the file as `docker buildx build .` would, run inside the case's folder.
  return readFileSync(path.join(fixture(name), file), 'utf8').replaceAll('Dockerfile:', `${dir}/Dockerfile:`);
}

test('--call=check prints the warnings and exits 1', async () => {
  const dir = fixture('stage-name-casing');
  const r = await manifold(['build', '--call=check', dir]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, golden('stage-name-casing', 'expected-check.txt'));
  assert.equal(r.stderr, '');
});

test('--check is --call=check; ignorestatus=true exits 0', async () => {
  const dir = fixture('multiple-instructions-disallowed');
  const a = await manifold(['build', '--check', dir]);
  const b = await manifold(['build', '--call', 'check,ignorestatus=true', dir]);
  assert.equal(a.status, 1);
  assert.equal(b.status, 0);
  assert.equal(a.stdout, b.stdout);
  assert.equal(a.stdout, golden('multiple-instructions-disallowed', 'expected-check.txt'));
});

test("--call=check,format=json prints BuildKit's JSON", async () => {
  const r = await manifold(['build', '--call=check,format=json', fixture('undefined-var')]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, readFileSync(path.join(fixture('undefined-var'), 'expected-check.json'), 'utf8'));
});

test('a clean Dockerfile passes the check', async () => {
  const r = await manifold(['build', '--call=check', fixture('clean')]);
  assert.deepEqual(r, { status: 0, stdout: 'Check complete, no warnings found.\n', stderr: '' });
});

test('# check=error=true fails with the rules on stderr', async () => {
  const dir = fixture('check-error');
  const r = await manifold(['build', '--call=check', dir]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout + r.stderr, golden('check-error', 'expected-check.txt'));
  assert.match(r.stderr, /^ERROR: lint violation found for rules: FromAsCasing, JSONArgsRecommended\n$/);
});

test('a parse error fails the check after the warnings before it', async () => {
  const dir = fixture('parse-error');
  const r = await manifold(['build', '--call=check', dir]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout + r.stderr, golden('parse-error', 'expected-check.txt'));
});

test('--call=targets and --call=outline print the golden tables and JSON', async () => {
  const dir = fixture('target-outline');
  const targets = await manifold(['build', '--call=targets', dir]);
  assert.deepEqual(targets, {
    status: 0,
    stdout: golden('target-outline', 'expected-targets.txt'),
    stderr: '',
  });
  const args = ['--target', 'app', '--build-arg', 'MODE=debug', '--build-arg=REGISTRY=ghcr.io'];
  const outline = await manifold(['build', '--call=outline,format=json', ...args, dir]);
  assert.equal(outline.status, 0);
  assert.equal(outline.stdout, golden('target-outline', 'expected-outline.json'));
  const text = await manifold(['build', '--call', 'outline', ...args, dir]);
  assert.equal(text.stdout, golden('target-outline', 'expected-outline.txt'));
});

test('-f names the Dockerfile as given; a lower-case dockerfile is found', async () => {
  const r = await manifold([
    'build',
    '--check',
    '-f',
    path.join(fixture('maintainer-deprecated'), 'Dockerfile'),
    scratch,
  ]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, golden('maintainer-deprecated', 'expected-check.txt'));
  const lower = mkdtempSync(path.join(scratch, 'lower-'));
  writeFileSync(path.join(lower, 'dockerfile'), 'FROM alpine\nMAINTAINER x\n');
  // buildx reads `dockerfile` but still names it <context>/Dockerfile in text; JSON has the real name
  const text = await manifold(['build', '--check', lower]);
  assert.match(text.stdout, new RegExp(`\\n${lower}/Dockerfile:2\\n`));
  const json = await manifold(['build', '--call=check,format=json', lower]);
  assert.equal(JSON.parse(json.stdout).sources[0].filename, 'dockerfile');
});

test('a missing context or Dockerfile is an error', async () => {
  const missing = await manifold(['build', '--check', path.join(scratch, 'nope')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^ERROR: unable to prepare context: path ".*nope" not found\n/);
  const empty = mkdtempSync(path.join(scratch, 'empty-'));
  const noFile = await manifold(['build', '--call=targets', empty]);
  assert.equal(noFile.status, 1);
  assert.match(noFile.stderr, /^ERROR: failed to read dockerfile: open .*Dockerfile/);
});

test('bad --call values are refused', async () => {
  const r = await manifold(['build', '--call=check,format=yaml', fixture('clean')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /unsupported call format "yaml"/);
});

test('--call=build hands the typed options to the runner and exits with its status', async () => {
  let seen: BuildCliOptions | undefined;
  const runner: BuildRunner = async (opts) => {
    seen = opts;
    return 3;
  };
  const r = await manifold(
    ['build', '-t', 'app:1', '--platform', 'linux/amd64,linux/arm64', '--push', '.'],
    runner,
  );
  assert.equal(r.status, 3);
  assert.equal(seen?.contextPath, '.');
  assert.deepEqual(seen?.tags, ['app:1']);
  assert.equal(seen?.platforms.length, 2);
  assert.deepEqual(seen?.exports, [{ type: 'image', attrs: { push: 'true' } }]);
  const ok = await manifold(['build', '.'], async () => 0);
  assert.equal(ok.status, 0);
});

test('without a runner a real build fails with a clear message', async () => {
  const r = await manifold(['build', '.']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^ERROR: this manifold cannot run builds yet/);
});

after(() => {
  rmSync(scratch, { recursive: true, force: true });
  console.log(`in-process manifold build runs: ${runs}`);
});

/**
 * The resident builder (src/resident/): a build that finds none starts one; later builds run in
 * it, in the client's directory and environment, with the same output and exit codes as a build
 * in the command's own process; it serves one build at a time, cancels a build whose client is
 * interrupted, and quits on `stop`, for a client of another version, and when its state
 * directory is emptied. Real runc and qemu run the steps; the base image comes from the test
 * registry.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../helpers/paths.js';
import {
  freshHome,
  makeContext,
  manifold,
  publishBaseImages,
  type RunResult,
  runCommand,
  testRegistry,
} from './helpers.js';

const registry = testRegistry();
const skip = registry ? false : 'the test registry is not running (bash scripts/testworld/registry.sh start)';
const ON = { MANIFOLD_RESIDENT: '1' };

/** The resident's pid once its pid file names a live process; fails after `ms`. */
async function residentPid(home: string, ms = 10_000): Promise<number> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const text = await readFile(path.join(home, 'resident.pid'), 'utf8').catch(() => '');
    const pid = Number.parseInt(text, 10);
    if (pid > 0 && alive(pid) && existsSync(path.join(home, 'resident.sock'))) return pid;
    await sleep(50);
  }
  throw new Error(`no resident builder started for ${home}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await sleep(50);
  }
  return false;
}

/** The text after the progress: what `--progress quiet` leaves on stderr. */
function summary(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('debug:'))
    .join('\n');
}

describe('the resident builder', { skip }, () => {
  const reg = registry ?? '';
  const homes: string[] = [];
  const home = async () => {
    const h = await freshHome(reg);
    homes.push(h);
    return h;
  };
  before(async () => {
    await publishBaseImages(reg);
  });
  after(async () => {
    for (const h of homes) {
      await manifold(['stop'], { MANIFOLD_HOME: h, ...ON });
      await rm(h, { recursive: true, force: true });
    }
  });

  it('starts after a build, runs the next builds with the same output, in the client’s directory and environment', async () => {
    const h = await home();
    const ctx = await makeContext({
      Dockerfile: 'FROM alpine\nARG MSG\nRUN echo "$MSG from $(uname -m)" > /msg.txt\nCOPY a.txt /a.txt\n',
      'a.txt': 'first\n',
    });
    const env = { MANIFOLD_HOME: h, MSG: 'hello', ...ON };
    // Relative paths (the context, the output) resolve in the client's directory, and
    // `--build-arg MSG` takes its value from the client's environment.
    const args = ['build', '--progress', 'quiet', '--platform', 'linux/arm64', '--build-arg', 'MSG'];
    const first = await runIn(ctx, [...args, '-o', 'type=local,dest=out1', '.'], env);
    assert.equal(first.code, 0, first.stderr);
    const pid = await residentPid(h);
    assert.notEqual(pid, first.pid, 'the resident builder is a process of its own');

    const second = await runIn(ctx, ['--debug', ...args, '-o', 'type=local,dest=out2', '.'], {
      ...env,
      MSG: 'again',
    });
    assert.equal(second.code, 0, second.stderr);
    assert.match(
      second.stderr,
      new RegExp(`^debug: the resident builder \\(pid ${pid}\\) runs this build$`, 'm'),
    );
    // A new build argument value runs the step again, under qemu, in the resident process.
    assert.equal(await readFile(path.join(ctx, 'out2', 'msg.txt'), 'utf8'), 'again from aarch64\n');
    assert.equal(await readFile(path.join(ctx, 'out2', 'a.txt'), 'utf8'), 'first\n');
    assert.equal(await readFile(path.join(ctx, 'out1', 'msg.txt'), 'utf8'), 'hello from aarch64\n');

    // The same build in the command's own process prints the same, byte for byte.
    const local = await runIn(ctx, [...args, '-o', 'type=local,dest=out3', '.'], {
      ...env,
      MSG: 'again',
      MANIFOLD_RESIDENT: '0',
    });
    const resident = await runIn(ctx, [...args, '-o', 'type=local,dest=out3', '.'], { ...env, MSG: 'again' });
    assert.equal(local.code, 0, local.stderr);
    assert.equal(resident.code, 0, resident.stderr);
    assert.equal(summary(resident.stderr), local.stderr);
    assert.equal(resident.stdout, local.stdout);
  });

  it('reports a failing build exactly as the command’s own process does', async () => {
    const h = await home();
    const ctx = await makeContext({ Dockerfile: 'FROM alpine\nRUN exit 3\n' });
    const args = ['build', '--progress', 'plain', '--platform', 'linux/amd64', ctx];
    const own = await manifold(args, { MANIFOLD_HOME: h });
    assert.equal(own.code, 1, own.stderr);
    assert.match(own.stderr, /did not complete successfully: exit code: 3/);
    // Fails too, in its own process (there is no resident yet), and starts the resident.
    const first = await manifold(args, { MANIFOLD_HOME: h, ...ON });
    assert.equal(first.code, 1, first.stderr);
    const pid = await residentPid(h);
    const debug = await manifold(['--debug', ...args], { MANIFOLD_HOME: h, ...ON });
    assert.match(debug.stderr, new RegExp(`debug: the resident builder \\(pid ${pid}\\)`));
    assert.equal(debug.code, 1);
    const viaResident = await manifold(args, { MANIFOLD_HOME: h, ...ON });
    assert.equal(viaResident.code, 1);
    // Progress lines carry timings; the error report after them is the same text.
    const report = (s: string) => s.slice(s.indexOf('ERROR:'));
    assert.notEqual(own.stderr.indexOf('ERROR:'), -1, own.stderr);
    assert.equal(report(summary(viaResident.stderr)), report(own.stderr));
  });

  it('serves one build at a time: a second client builds in its own process', async () => {
    const h = await home();
    const ctx = await makeContext({ Dockerfile: 'FROM alpine\nARG N\nRUN sleep 2 && echo $N > /n\n' });
    await manifold(['build', '--progress', 'quiet', '--platform', 'linux/amd64', ctx], {
      MANIFOLD_HOME: h,
      ...ON,
    });
    const pid = await residentPid(h);
    const build = (n: string) =>
      manifold(
        [
          '--debug',
          'build',
          '--progress',
          'quiet',
          '--platform',
          'linux/amd64',
          '--build-arg',
          `N=${n}`,
          ctx,
        ],
        {
          MANIFOLD_HOME: h,
          ...ON,
        },
      );
    const [a, b] = await Promise.all([build('1'), build('2')]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const handed = [a, b].filter((r) => r.stderr.includes(`resident builder (pid ${pid})`));
    assert.equal(handed.length, 1, `exactly one build ran in the resident:\n${a.stderr}\n---\n${b.stderr}`);
  });

  it('cancels the build of an interrupted client and serves the next one', async () => {
    const h = await home();
    const ctx = await makeContext({ Dockerfile: 'FROM alpine\nARG N\nRUN echo $N && sleep 60\n' });
    const base = ['build', '--progress', 'plain', '--platform', 'linux/amd64', ctx];
    await manifold(
      ['build', '--progress', 'quiet', '--platform', 'linux/amd64', '--target', 'missing', ctx],
      {
        MANIFOLD_HOME: h,
        ...ON,
      },
    );
    const pid = await residentPid(h);
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin', 'manifold.js'), ...base, '--build-arg', 'N=1'],
      {
        env: { ...process.env, MANIFOLD_HOME: h, ...ON },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const until = Date.now() + 30_000;
    while (!/sleep 60/.test(stderr) && Date.now() < until) await sleep(50);
    assert.match(stderr, /RUN echo \$N && sleep 60/);
    const started = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.notEqual(code, 0);
    assert.ok(Date.now() - started < 30_000, 'the interrupted build ended long before its sleep');
    // The resident is free again: the next build runs in it.
    const next = await manifold(
      ['--debug', 'build', '--progress', 'quiet', '--platform', 'linux/amd64', '--target', 'missing', ctx],
      {
        MANIFOLD_HOME: h,
        ...ON,
      },
    );
    assert.match(next.stderr, new RegExp(`resident builder \\(pid ${pid}\\)`));
    assert.ok(alive(pid));
  });

  it('quits on stop, for a client of another version, and when its state directory is emptied', async () => {
    const h = await home();
    const ctx = await makeContext({ Dockerfile: 'FROM scratch\nCOPY Dockerfile /\n' });
    const start = async () => {
      const r = await manifold(['build', '--progress', 'quiet', ctx], { MANIFOLD_HOME: h, ...ON });
      assert.equal(r.code, 0, r.stderr);
      return residentPid(h);
    };
    let pid = await start();
    const stop = await manifold(['stop'], { MANIFOLD_HOME: h, ...ON });
    assert.equal(stop.code, 0, stop.stderr);
    assert.ok(await gone(pid), 'stop ends the resident builder');
    assert.equal(existsSync(path.join(h, 'resident.sock')), false);
    assert.equal(existsSync(path.join(h, 'resident.pid')), false);

    pid = await start();
    const answer = await ask(path.join(h, 'resident.sock'), {
      t: 'run',
      key: 'another-version',
      argv: ['build', ctx],
      cwd: ctx,
      env: {},
      umask: 0o22,
      stdout: { isTTY: false },
      stderr: { isTTY: false },
    });
    assert.deepEqual(answer, [{ t: 'mismatch' }]);
    assert.ok(await gone(pid), 'a client of another version makes it quit');

    pid = await start();
    await rm(path.join(h, 'resident.sock'));
    assert.ok(await gone(pid), 'a resident whose socket is gone quits');
  });
});

/** Runs the CLI in `cwd`, the resident builder on unless `env` says otherwise. */
function runIn(
  cwd: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<RunResult> {
  return runCommand(process.execPath, [path.join(repoRoot, 'bin', 'manifold.js'), ...args], env, cwd);
}

/** Sends one frame to a resident socket and collects its answers until it closes. */
function ask(socketPath: string, frame: object): Promise<object[]> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let text = '';
    socket.on('connect', () => socket.write(`${JSON.stringify(frame)}\n`));
    socket.on('data', (d: Buffer) => {
      text += d.toString();
    });
    socket.on('error', reject);
    socket.on('close', () =>
      resolve(
        text
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as object),
      ),
    );
  });
}

/**
 * The test world's scripts (scripts/testworld/), run for real as root: install.sh, binfmt.sh,
 * rootfs.sh and registry.sh. Each must be idempotent (a second run changes nothing and says so),
 * the binfmt entries must carry the F and P flags, the busybox root file systems must be
 * deterministic and run on their architecture, and the registries must answer as specified and
 * leave nothing behind when stopped. The registries run in a temp state dir on ports 5511/5512
 * so that registries other tests use (5501/5502) are not disturbed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const scriptsDir = path.join(repoRoot, 'scripts', 'testworld');
const PLAIN_PORT = 5511;
const TLS_PORT = 5512;
const BINFMT = '/proc/sys/fs/binfmt_misc';

const isRoot = process.platform === 'linux' && process.getuid?.() === 0;
const skip = isRoot ? false : 'the test world needs root on Linux';

interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs one script of scripts/testworld with the test's environment; rejects on a non-zero exit. */
function runScript(
  name: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 600_000,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [path.join(scriptsDir, name), ...args],
      { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${name} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

/** Runs a program and returns its stdout; rejects on a non-zero exit. */
function run(file: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

async function sha256File(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** Pids of processes whose command line contains `needle`. */
async function pidsWithCmdline(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
}

/** GET /v2/ on a test registry; `ca` and `auth` make it HTTPS with basic auth. */
function getV2(port: number, opts: { ca?: Buffer; auth?: string } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage): void => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    };
    const base = { host: '127.0.0.1', port, path: '/v2/', method: 'GET', auth: opts.auth, agent: false };
    const req = opts.ca
      ? https.request({ ...base, ca: opts.ca }, onResponse)
      : http.request(base, onResponse);
    req.on('error', reject);
    req.end();
  });
}

describe('test world scripts', { skip }, () => {
  let work = '';
  let stateDir = '';
  let env: NodeJS.ProcessEnv = {};
  const counts = { scripts: 0, idempotentReruns: 0, tarballs: 0, archesRun: 0 };

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'manifold-world-test-'));
    stateDir = path.join(work, 'state');
    env = {
      ...process.env,
      MANIFOLD_TESTWORLD_DIR: stateDir,
      MANIFOLD_TEST_REGISTRY_PORT: String(PLAIN_PORT),
      MANIFOLD_TEST_TLS_REGISTRY_PORT: String(TLS_PORT),
    };
    delete env.MANIFOLD_TEST_TLS_USER;
    delete env.MANIFOLD_TEST_TLS_PASS;
  });

  after(async () => {
    if (stateDir) await runScript('registry.sh', ['stop'], env).catch(() => undefined);
    if (work) await rm(work, { recursive: true, force: true });
    console.log(
      `test world: scripts run: ${counts.scripts}, idempotent reruns: ${counts.idempotentReruns}, ` +
        `tarballs: ${counts.tarballs}, architectures run: ${counts.archesRun}`,
    );
  });

  test('install.sh a second time does no apt work and says so', async () => {
    await runScript('install.sh', [], env);
    const second = await runScript('install.sh', [], env);
    counts.scripts += 2;
    assert.match(second.stdout, /^install: nothing to do$/m);
    assert.doesNotMatch(second.stdout, /apt-get/);
    counts.idempotentReruns += 1;
    // Debian's packaged registry (port 5000) must not run.
    assert.deepEqual(await pidsWithCmdline('/etc/docker/registry/config.yml'), []);
  });

  test('binfmt.sh register: qemu-aarch64 and qemu-arm enabled with F and P; a rerun changes nothing', async () => {
    await runScript('binfmt.sh', ['register'], env);
    const names = ['qemu-aarch64', 'qemu-arm'];
    const before = await Promise.all(names.map((n) => readFile(path.join(BINFMT, n), 'utf8')));
    for (const [i, text] of before.entries()) {
      const lines = text.split('\n');
      assert.equal(lines[0], 'enabled', `${names[i]} is enabled`);
      const flags = lines.find((l) => l.startsWith('flags: '))?.slice('flags: '.length) ?? '';
      assert.ok(flags.includes('F') && flags.includes('P'), `${names[i]} flags '${flags}' hold F and P`);
    }
    const second = await runScript('binfmt.sh', ['register'], env);
    counts.scripts += 2;
    assert.match(second.stdout, /^binfmt: nothing to do$/m);
    const afterRerun = await Promise.all(names.map((n) => readFile(path.join(BINFMT, n), 'utf8')));
    assert.deepEqual(afterRerun, before);
    counts.idempotentReruns += 1;
    const status = await runScript('binfmt.sh', ['status'], env);
    assert.match(status.stdout, /^qemu-aarch64\s+enabled\s+flags=\S*F/m);
  });

  test('rootfs.sh: three deterministic tarballs; a rerun changes nothing', async () => {
    const out = path.join(work, 'rootfs');
    const names = ['busybox-linux-amd64.tar', 'busybox-linux-arm64.tar', 'busybox-linux-arm-v7.tar'];
    await runScript('rootfs.sh', ['--out', out], env);
    const first = await Promise.all(names.map((n) => sha256File(path.join(out, n))));
    const second = await runScript('rootfs.sh', ['--out', out], env);
    assert.match(second.stdout, /^rootfs: nothing to do$/m);
    assert.deepEqual(await Promise.all(names.map((n) => sha256File(path.join(out, n)))), first);
    counts.idempotentReruns += 1;
    // A build in another directory gives the same bytes.
    const out2 = path.join(work, 'rootfs2');
    await runScript('rootfs.sh', ['--out', out2], env);
    counts.scripts += 3;
    assert.deepEqual(await Promise.all(names.map((n) => sha256File(path.join(out2, n)))), first);
    counts.tarballs = names.length;

    const listing = await run('tar', ['-tvf', path.join(out, 'busybox-linux-arm64.tar')]);
    assert.match(listing, /^lrwxrwxrwx 0\/0 +0 1970-01-01 00:00 bin\/sh -> busybox$/m);
    assert.match(listing, /^-rwxr-xr-x 0\/0 +\d+ 1970-01-01 00:00 bin\/busybox$/m);
    assert.match(listing, /^drwxrwxrwt 0\/0 +0 1970-01-01 00:00 tmp\/$/m);
    assert.match(listing, /^-rw-r--r-- 0\/0 +\d+ 1970-01-01 00:00 etc\/passwd$/m);
  });

  test('each busybox runs on its architecture: uname -m, and a pipeline under chroot', async () => {
    const out = path.join(work, 'rootfs');
    const cases: Array<[string, string]> = [
      ['amd64', 'x86_64'],
      ['arm64', 'aarch64'],
      ['arm-v7', 'armv7l'],
    ];
    for (const [platform, machine] of cases) {
      const root = path.join(work, `root-${platform}`);
      await run('mkdir', ['-p', root]);
      await run('tar', ['-xf', path.join(out, `busybox-linux-${platform}.tar`), '-C', root]);
      // Through binfmt_misc for the foreign ones: no explicit qemu.
      assert.equal((await run(path.join(root, 'bin', 'busybox'), ['uname', '-m'])).trim(), machine);
      // A pipeline makes busybox's shell exec itself under applet names: needs the P flag.
      const piped = await run('chroot', [root, '/bin/sh', '-c', 'echo hello | wc -c; uname -m']);
      assert.deepEqual(piped.trim().split('\n'), ['6', machine]);
      counts.archesRun += 1;
    }
  });

  test('registry.sh: start twice, answers on /v2/, stop leaves nothing', async () => {
    const plainCfg = path.join(stateDir, 'plain', 'config.yml');
    const tlsCfg = path.join(stateDir, 'tls', 'config.yml');
    await runScript('registry.sh', ['start'], env);
    const pidsPlain = await pidsWithCmdline(plainCfg);
    const pidsTls = await pidsWithCmdline(tlsCfg);
    assert.equal(pidsPlain.length, 1);
    assert.equal(pidsTls.length, 1);
    const again = await runScript('registry.sh', ['start'], env);
    counts.scripts += 2;
    assert.match(again.stdout, /^registry: already running/m);
    assert.deepEqual(await pidsWithCmdline(plainCfg), pidsPlain);
    assert.deepEqual(await pidsWithCmdline(tlsCfg), pidsTls);
    counts.idempotentReruns += 1;

    const vars = JSON.parse(await readFile(path.join(stateDir, 'env.json'), 'utf8')) as Record<
      string,
      string
    >;
    assert.equal(vars.MANIFOLD_TEST_REGISTRY, `127.0.0.1:${PLAIN_PORT}`);
    assert.equal(vars.MANIFOLD_TEST_TLS_REGISTRY, `127.0.0.1:${TLS_PORT}`);
    assert.equal(vars.MANIFOLD_TEST_TLS_CA, path.join(stateDir, 'certs', 'ca.crt'));
    assert.equal(vars.MANIFOLD_TEST_TLS_USER, 'manifold');
    assert.equal(vars.MANIFOLD_TEST_TLS_PASS, 'manifold-test-pass');
    const sourced = await run('bash', [
      '-c',
      `source "$1"; echo "$MANIFOLD_TEST_REGISTRY $MANIFOLD_TEST_TLS_REGISTRY $MANIFOLD_TEST_TLS_CA"`,
      'bash',
      path.join(stateDir, 'env.sh'),
    ]);
    assert.equal(
      sourced.trim(),
      `${vars.MANIFOLD_TEST_REGISTRY} ${vars.MANIFOLD_TEST_TLS_REGISTRY} ${vars.MANIFOLD_TEST_TLS_CA}`,
    );

    assert.equal((await getV2(PLAIN_PORT)).status, 200);
    const ca = await readFile(vars.MANIFOLD_TEST_TLS_CA);
    const anonymous = await getV2(TLS_PORT, { ca });
    assert.equal(anonymous.status, 401);
    assert.match(String(anonymous.headers['www-authenticate']), /^Basic /);
    const wrong = await getV2(TLS_PORT, { ca, auth: `${vars.MANIFOLD_TEST_TLS_USER}:wrong` });
    assert.equal(wrong.status, 401);
    const good = await getV2(TLS_PORT, {
      ca,
      auth: `${vars.MANIFOLD_TEST_TLS_USER}:${vars.MANIFOLD_TEST_TLS_PASS}`,
    });
    assert.equal(good.status, 200);
    assert.equal(good.headers['docker-distribution-api-version'], 'registry/2.0');

    await runScript('registry.sh', ['stop'], env);
    counts.scripts += 1;
    assert.deepEqual(await pidsWithCmdline(plainCfg), []);
    assert.deepEqual(await pidsWithCmdline(tlsCfg), []);
    assert.equal(await portOpen(PLAIN_PORT), false);
    assert.equal(await portOpen(TLS_PORT), false);
    await assert.rejects(readFile(path.join(stateDir, 'env.json')));
    await assert.rejects(readdir(path.join(stateDir, 'plain', 'data')));
    const stoppedAgain = await runScript('registry.sh', ['stop'], env);
    assert.match(stoppedAgain.stdout, /^registry: not running$/m);
    const status = await runScript('registry.sh', ['status'], env).catch((e: Error) => e);
    assert.ok(status instanceof Error, 'status exits non-zero when stopped');
  });
});

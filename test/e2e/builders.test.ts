/**
 * Issue 7's bars, end to end with the compiled CLI: emulators installed with `manifold binfmt`
 * show in its status and in the default builder's `inspect --bootstrap`; the tutorial's
 * `create`/`use` lines run unchanged and `ls` marks the builder current; a builder's own
 * configuration sends `FROM alpine` through its mirror while the default builder (without that
 * file) does not use it; two builders keep separate caches and `rm` removes state unless
 * `--keep-state`; a builder created for linux/arm64 refuses linux/amd64,linux/arm64 before any
 * step runs.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshHome, makeContext, manifold, publishBaseImages, testRegistry } from './helpers.js';

const registry = testRegistry();
const skip = registry ? false : 'the test registry is not running (bash scripts/testworld/registry.sh start)';
const isRoot = process.geteuid?.() === 0;
const DOCKERFILE = 'FROM alpine\nRUN echo hello > /hello\n';
let checks = 0;
after(() => console.log(`builders e2e: ${checks} checks`));

/** A MANIFOLD_HOME with a mirror configuration file (not the default builder's) beside it. */
async function homeWithMirrorFile(reg: string): Promise<{ home: string; config: string }> {
  const home = await freshHome();
  const config = path.join(home, 'mirror-buildkitd.toml');
  await writeFile(config, `[registry."docker.io"]\n  mirrors = ["${reg}"]\n`);
  return { home, config };
}

/** The du table without its LAST ACCESSED column (relative times move on). */
function duShape(stdout: string): string {
  return stdout
    .split('\n')
    .map((l) => l.replace(/\s{3}(Less than a second|\d+ seconds?|About a minute|\d+ minutes) ago$/, ''))
    .join('\n');
}

describe('binfmt and the default builder', { skip: isRoot ? false : 'binfmt --install needs root' }, () => {
  it('binfmt --install arm64,arm, then status and inspect --bootstrap list linux/arm64 and linux/arm/v7', async () => {
    const home = await freshHome();
    const env = { MANIFOLD_HOME: home };
    const installed = await manifold(['binfmt', '--install', 'arm64,arm'], env);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stderr, /^installing: arm64 (OK|already registered) \(qemu-aarch64, /m);
    assert.match(installed.stderr, /^installing: arm (OK|already registered) \(qemu-arm, /m);
    const again = await manifold(['binfmt', '--install', 'arm64,arm'], env);
    assert.match(
      again.stderr,
      /^installing: arm64 already registered \(qemu-aarch64, flags [A-Z]*F/m,
      'idempotent',
    );
    const status = await manifold(['binfmt'], env);
    assert.equal(status.code, 0, status.stderr);
    const json = JSON.parse(status.stdout) as { supported: string[]; emulators: string[] };
    assert.ok(json.supported.includes('linux/arm64'), status.stdout);
    assert.ok(json.supported.includes('linux/arm/v7'), status.stdout);
    assert.ok(json.emulators.includes('qemu-aarch64') && json.emulators.includes('qemu-arm'), status.stdout);
    const inspect = await manifold(['inspect', '--bootstrap'], env);
    assert.equal(inspect.code, 0, inspect.stderr);
    assert.match(inspect.stdout, /^Name:\s+default$/m);
    const platforms = /^Platforms:\s+(.*)$/m.exec(inspect.stdout)?.[1] ?? '';
    assert.ok(platforms.split(', ').includes('linux/arm64'), inspect.stdout);
    assert.ok(platforms.split(', ').includes('linux/arm/v7'), inspect.stdout);
    assert.match(inspect.stdout, /^ {2}emulated:.*linux\/arm64 \(qemu-aarch64\)/m);
    checks += 13;
  });

  const riscv = '/usr/lib/binfmt.d/qemu-riscv64.conf';
  const riscvSkip = !existsSync(riscv)
    ? 'no qemu-riscv64 definition'
    : existsSync('/proc/sys/fs/binfmt_misc/qemu-riscv64')
      ? 'qemu-riscv64 is registered already (left alone)'
      : false;
  it('installs and uninstalls an emulator it did not have (riscv64), with F and P', {
    skip: riscvSkip,
  }, async () => {
    const env = { MANIFOLD_HOME: await freshHome() };
    try {
      const installed = await manifold(['binfmt', '--install', 'riscv64'], env);
      assert.equal(installed.code, 0, installed.stderr);
      assert.match(installed.stderr, /^installing: riscv64 OK \(qemu-riscv64, flags POF\)$/m);
      assert.match(readFileSync('/proc/sys/fs/binfmt_misc/qemu-riscv64', 'utf8'), /^flags: POF$/m);
      assert.ok(
        (JSON.parse(installed.stdout) as { supported: string[] }).supported.includes('linux/riscv64'),
      );
    } finally {
      const removed = await manifold(['binfmt', '--uninstall', 'riscv64'], env);
      assert.equal(removed.code, 0, removed.stderr);
      assert.match(removed.stderr, /^uninstalling: qemu-riscv64 OK$/m);
    }
    assert.ok(!existsSync('/proc/sys/fs/binfmt_misc/qemu-riscv64'));
    checks += 7;
  });
});

describe('the tutorial lines', () => {
  it('create --use --name=mybuilder-cn --driver docker-container …, use mybuilder-cn; ls marks it current', async () => {
    const env = { MANIFOLD_HOME: await freshHome() };
    const created = await manifold(
      [
        'create',
        '--use',
        '--name=mybuilder-cn',
        '--driver',
        'docker-container',
        '--driver-opt',
        'image=dockerpracticesig/buildkit:master',
      ],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'mybuilder-cn\n');
    assert.equal(
      created.stderr,
      'driver "docker-container": Manifold needs no container, builder "mybuilder-cn" builds in-process (local driver); ignored --driver-opt image=\n',
    );
    const used = await manifold(['use', 'mybuilder-cn'], env);
    assert.equal(used.code, 0, used.stderr);
    const ls = await manifold(['ls'], env);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /^NAME\/NODE\s+DRIVER\/ENDPOINT\s+STATUS\s+BUILDKIT\s+PLATFORMS$/m);
    assert.match(ls.stdout, /^mybuilder-cn\*\s+local$/m);
    assert.match(ls.stdout, /^default\s+local$/m, 'default is not current');
    const json = (await manifold(['ls', '--format', 'json'], env)).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      json.map((b: { Name: string; Current: boolean }) => [b.Name, b.Current]),
      [
        ['mybuilder-cn', true],
        ['default', false],
      ],
    );
    const wrong = await manifold(['use', 'nope'], env);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^ERROR: no builder "nope" found$/m);
    checks += 10;
  });
});

describe('builders against the test registry', { skip }, () => {
  const reg = registry ?? '';
  before(async () => {
    const res = await fetch(`http://${reg}/v2/library/alpine/manifests/latest`, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.oci.image.index.v1+json' },
    }).catch(() => undefined);
    if (res?.status !== 200) await publishBaseImages(reg);
  });

  it("a builder's --config mirror serves FROM alpine; the default builder, without that file, does not use it", async () => {
    const { home, config } = await homeWithMirrorFile(reg);
    const env = { MANIFOLD_HOME: home };
    const ctx = await makeContext({ Dockerfile: DOCKERFILE });
    const plain = await manifold(['build', '--progress', 'plain', ctx], env);
    assert.equal(plain.code, 1, plain.stderr);
    assert.match(plain.stderr, /docker\.io\/library\/alpine/);
    assert.match(plain.stderr, /registry-1\.docker\.io/);
    const created = await manifold(['create', '--name', 'cn', '--config', config], env);
    assert.equal(created.code, 0, created.stderr);
    const built = await manifold(['build', '--builder', 'cn', '--progress', 'plain', ctx], env);
    assert.equal(built.code, 0, built.stderr);
    assert.match(built.stderr, /FROM docker\.io\/library\/alpine:latest@sha256:[0-9a-f]{64}/);
    const inspect = await manifold(['inspect', 'cn'], env);
    assert.match(
      inspect.stdout,
      new RegExp(`^ {2}registry docker\\.io:\\s+mirrors ${reg.replace(/\./g, '\\.')}$`, 'm'),
    );
    const viaEnv = await manifold(['build', '--progress', 'plain', ctx], { ...env, MANIFOLD_BUILDER: 'cn' });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.match(viaEnv.stderr, /\(0 steps run, \d+ cached\)/, 'MANIFOLD_BUILDER picks cn and its cache');
    checks += 9;
  });

  it('two builders keep separate caches; rm deletes the state unless --keep-state', async () => {
    const { home, config } = await homeWithMirrorFile(reg);
    const env = { MANIFOLD_HOME: home };
    const ctx = await makeContext({ Dockerfile: DOCKERFILE });
    for (const name of ['one', 'two']) {
      const c = await manifold(['create', '--name', name, '--config', config], env);
      assert.equal(c.code, 0, c.stderr);
    }
    const b1 = await manifold(['--builder', 'one', 'build', '--progress', 'plain', ctx], env);
    assert.equal(b1.code, 0, b1.stderr);
    const duOne = await manifold(['du', '--builder', 'one'], env);
    assert.equal(duOne.code, 0, duOne.stderr);
    assert.ok(duOne.stdout.trim().split('\n').length >= 4, `records in one: ${duOne.stdout}`);
    assert.match(duOne.stdout, /^Total:\s+\d+(\.\d+)?[kMG]B$/m);
    const duTwoBefore = await manifold(['du', '--builder', 'two'], env);
    assert.match(duTwoBefore.stdout, /^Total:\s+0B$/m);
    const b2 = await manifold(['build', '--builder', 'two', '--progress', 'plain', ctx], env);
    assert.equal(b2.code, 0, b2.stderr);
    assert.match(b2.stderr, /\(2 steps run, 0 cached\)/, 'two has its own cache');
    const duTwo = await manifold(['du', '--builder', 'two'], env);
    const b1again = await manifold(
      ['build', '--builder', 'one', '--progress', 'plain', '--no-cache', ctx],
      env,
    );
    assert.equal(b1again.code, 0, b1again.stderr);
    const duTwoAfter = await manifold(['du', '--builder', 'two'], env);
    assert.equal(duShape(duTwoAfter.stdout), duShape(duTwo.stdout), 'a build in one leaves two unchanged');
    const duOneAfter = await manifold(['du', '--builder', 'one'], env);
    assert.notEqual(
      duShape(duOneAfter.stdout),
      duShape(duOne.stdout),
      'the build in one added records there',
    );

    const stateOne = path.join(home, 'builders', 'one');
    const stateTwo = path.join(home, 'builders', 'two');
    assert.ok((await readdir(path.join(stateOne, 'snapshots'))).length > 0);
    const rmOne = await manifold(['rm', 'one'], env);
    assert.equal(rmOne.code, 0, rmOne.stderr);
    assert.ok(!existsSync(stateOne), 'rm removed the state');
    const rmTwo = await manifold(['rm', '--keep-state', 'two'], env);
    assert.equal(rmTwo.code, 0, rmTwo.stderr);
    assert.ok(existsSync(path.join(stateTwo, 'snapshots')), '--keep-state kept it');
    const ls = await manifold(['ls'], env);
    assert.doesNotMatch(ls.stdout, /^(one|two)\b/m);
    checks += 16;
  });

  it('prune removes build-step results and reports what it freed; --all the rest', async () => {
    const { home, config } = await homeWithMirrorFile(reg);
    const env = { MANIFOLD_HOME: home };
    const ctx = await makeContext({ Dockerfile: DOCKERFILE });
    await manifold(['create', '--name', 'p', '--use', '--config', config], env);
    const built = await manifold(['build', '--progress', 'plain', ctx], env);
    assert.equal(built.code, 0, built.stderr);
    const refused = await manifold(['prune'], env);
    assert.equal(refused.code, 0);
    assert.match(
      refused.stderr,
      /WARNING! This will remove all dangling build cache\. Are you sure you want to continue\? \[y\/N\]/,
    );
    assert.match((await manifold(['du'], env)).stdout, /^Total:\s+[1-9]/m, 'nothing removed without a yes');
    const pruned = await manifold(['prune', '-f'], env);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.match(
      pruned.stdout,
      /^ID\s+RECLAIMABLE\s+SIZE\s+LAST ACCESSED\n[0-9a-f]{12}\s+true\s+\S+\s+.* ago\n/,
    );
    assert.match(pruned.stdout, /^Total:\s+\d+(\.\d+)?k?B$/m);
    const all = await manifold(['prune', '-a', '-f'], env);
    assert.equal(all.code, 0, all.stderr);
    assert.match((await manifold(['du'], env)).stdout, /^Total:\s+0B$/m);
    const rebuilt = await manifold(['build', '--progress', 'plain', ctx], env);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(rebuilt.stderr, /\(2 steps run, 0 cached\)/);
    checks += 10;
  });

  it('a builder created with --platform linux/arm64 refuses linux/amd64,linux/arm64 before any step runs', async () => {
    const { home, config } = await homeWithMirrorFile(reg);
    const env = { MANIFOLD_HOME: home };
    const ctx = await makeContext({ Dockerfile: DOCKERFILE });
    const created = await manifold(
      ['create', '--name', 'armonly', '--platform', 'linux/arm64', '--config', config],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const ls = await manifold(['ls'], env);
    assert.match(ls.stdout, /^ \\_ armonly0\s+\\_ in-process\s+\S+\s+.*linux\/arm64\*$/m);
    const refused = await manifold(
      ['build', '--builder', 'armonly', '--progress', 'plain', '--platform', 'linux/amd64,linux/arm64', ctx],
      env,
    );
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      'ERROR: builder "armonly" cannot build linux/amd64: it builds only linux/arm64\n' +
        'hint: it was created with --platform linux/arm64; build for those only, or create a builder that ' +
        'includes linux/amd64 ("manifold create --name NAME --platform linux/arm64,linux/amd64") and build ' +
        'with --builder NAME; for a platform this host cannot run, add an emulator with ' +
        '"manifold binfmt --install ARCH"\n',
    );
    assert.ok(
      !existsSync(path.join(home, 'builders', 'armonly', 'snapshots')),
      'no step ran, nothing was unpacked',
    );
    const arm = await manifold(
      ['build', '--builder', 'armonly', '--progress', 'plain', '--platform', 'linux/arm64', ctx],
      env,
    );
    assert.equal(arm.code, 0, arm.stderr);
    assert.match(arm.stderr, /\(2 steps run, 0 cached\)/);
    checks += 6;
  });
});

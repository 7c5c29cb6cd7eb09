/**
 * The run executor against real runc and real qemu: busybox root file systems for amd64, arm64
 * and arm/v7 (see busybox-rootfs.ts). Needs root, runc, qemu-user-static and the test world's
 * .debs; binfmt_misc entries for arm64 and arm (flags F and P) are registered on the test
 * machine, and a fake, empty binfmt directory stands in for a host without them.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Platform, parsePlatform } from '../../../src/platform/index.js';
import {
  checkEmulators,
  DEFAULT_CAPABILITIES,
  DEFAULT_PATH,
  type EmulatorLookup,
  emulatorFor,
  hostsFileContent,
  prepareStep,
  QEMU_MOUNT_PATH,
  readHostResolvConf,
  resolvConfContent,
  runStep,
  type StepMount,
  type StepProcess,
} from '../../../src/worker/exec/index.js';
import { makeBusyboxRootfs } from './busybox-rootfs.js';

const AMD64 = parsePlatform('linux/amd64');
const ARM64 = parsePlatform('linux/arm64');
const ARMV7 = parsePlatform('linux/arm/v7');

let tmp = '';
let amd64 = '';
let arm64 = '';
let armv7 = '';
let emptyBinfmt = '';
let runs = 0;

interface Outcome {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface RunOptions {
  readonly platform?: Platform;
  readonly user?: string;
  readonly cwd?: string;
  readonly env?: readonly string[];
  readonly network?: StepProcess['network'];
  readonly mounts?: readonly StepMount[];
  readonly lookup?: EmulatorLookup;
  readonly signal?: AbortSignal;
}

async function run(rootfs: string, args: readonly string[], o: RunOptions = {}): Promise<Outcome> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  runs++;
  const { exitCode } = await runStep({
    rootfs,
    exec: {
      args,
      env: o.env ?? [],
      cwd: o.cwd ?? '/',
      user: o.user ?? '',
      network: o.network ?? 'none',
      security: 'sandbox',
    },
    platform: o.platform ?? AMD64,
    host: AMD64,
    ...(o.mounts ? { mounts: o.mounts } : {}),
    ...(o.lookup ? { emulatorLookup: o.lookup } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    runc: { stateDir: path.join(tmp, 'runc-state') },
    onOutput: (stream, data) => (stream === 'stdout' ? out : err).push(data),
  });
  return { exitCode, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

const sh = (script: string) => ['/bin/sh', '-c', script];

before(() => {
  return (async () => {
    tmp = await mkdtemp('/tmp/manifold-exec-test-');
    amd64 = makeBusyboxRootfs('amd64', path.join(tmp, 'amd64'), tmp);
    arm64 = makeBusyboxRootfs('arm64', path.join(tmp, 'arm64'), tmp);
    armv7 = makeBusyboxRootfs('armhf', path.join(tmp, 'armv7'), tmp);
    emptyBinfmt = path.join(tmp, 'binfmt-empty');
    mkdirSync(emptyBinfmt);
    writeFileSync(path.join(emptyBinfmt, 'status'), 'enabled\n');
  })();
});

after(async () => {
  console.log(`run-step: ${runs} containers run`);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('platforms', () => {
  test('uname -m prints each platform’s machine', async () => {
    const cases: Array<[string, Platform, string]> = [
      [amd64, AMD64, 'x86_64\n'],
      [arm64, ARM64, 'aarch64\n'],
      [armv7, ARMV7, 'armv7l\n'],
    ];
    for (const [rootfs, platform, machine] of cases) {
      const r = await run(rootfs, sh('uname -m'), { platform });
      assert.deepEqual(r, { exitCode: 0, stdout: machine, stderr: '' });
    }
  });

  test('emulatorFor: native for amd64, binfmt (F flag) for arm64 and arm/v7 on this host', () => {
    assert.deepEqual(emulatorFor(AMD64, AMD64), { kind: 'native' });
    assert.deepEqual(emulatorFor(parsePlatform('linux/386'), AMD64), { kind: 'native' });
    for (const p of [ARM64, ARMV7]) {
      const e = emulatorFor(p, AMD64);
      assert.equal(e?.kind, 'binfmt');
      assert.ok(e?.kind === 'binfmt' && e.flags.includes('F') && e.flags.includes('P'));
    }
  });

  test('pipelines work under binfmt emulation (busybox re-execs itself)', async () => {
    const r = await run(arm64, sh('echo hello | tr a-z A-Z | cat'), { platform: ARM64 });
    assert.deepEqual(r, { exitCode: 0, stdout: 'HELLO\n', stderr: '' });
  });

  test('qemu-direct fallback: no binfmt entry, the step runs through qemu-aarch64-static', async () => {
    const lookup = { binfmtDir: emptyBinfmt };
    const e = emulatorFor(ARM64, AMD64, lookup);
    assert.deepEqual(e, { kind: 'qemu', path: '/usr/bin/qemu-aarch64-static' });
    const r = await run(arm64, ['uname', '-m'], { platform: ARM64, lookup });
    assert.deepEqual(r, { exitCode: 0, stdout: 'aarch64\n', stderr: '' });
    // PID 1 is the emulator, started with -0 so busybox sees its applet name.
    // (Read by a child: qemu shows a process its own guest argv.)
    const cmdline = await run(arm64, ['sh', '-c', 'cat /proc/1/cmdline; true'], { platform: ARM64, lookup });
    assert.equal(cmdline.exitCode, 0);
    assert.deepEqual(cmdline.stdout.split('\0').filter(Boolean), [
      QEMU_MOUNT_PATH,
      '-0',
      'sh',
      '/bin/sh',
      '-c',
      'cat /proc/1/cmdline; true',
    ]);
  });

  test('missing emulator: E_EMULATOR_MISSING before anything runs, exact text', async () => {
    const lookup = { binfmtDir: emptyBinfmt, qemuSearchPath: [] as string[] };
    assert.equal(emulatorFor(ARM64, AMD64, lookup), undefined);
    const expected = {
      code: 'E_EMULATOR_MISSING',
      message:
        'no emulator for linux/arm64, linux/riscv64: this host (linux/amd64) cannot run their programs natively, ' +
        'binfmt_misc has no enabled entry with the F flag for them, and no qemu-user-static binary was found',
      hint:
        'run "manifold binfmt --install arm64,riscv64" (or install qemu-user-static and register its ' +
        'binfmt_misc entries with the F and P flags), then build again',
      platforms: ['linux/arm64', 'linux/riscv64'],
    };
    assert.throws(
      () => checkEmulators([AMD64, ARM64, parsePlatform('linux/riscv64'), ARM64], { host: AMD64, ...lookup }),
      (err: unknown) => {
        const e = err as { code: string; message: string; hint: string; platforms: string[] };
        assert.deepEqual(
          { code: e.code, message: e.message, hint: e.hint, platforms: e.platforms },
          expected,
        );
        return true;
      },
    );
    const before = runs;
    await assert.rejects(run(arm64, sh('touch /should-not-exist'), { platform: ARM64, lookup }), {
      code: 'E_EMULATOR_MISSING',
      message:
        'no emulator for linux/arm64: this host (linux/amd64) cannot run its programs natively, ' +
        'binfmt_misc has no enabled entry with the F flag for it, and no qemu-user-static binary was found',
      hint:
        'run "manifold binfmt --install arm64" (or install qemu-user-static and register its ' +
        'binfmt_misc entries with the F and P flags), then build again',
    });
    assert.equal(runs, before + 1);
    assert.equal(existsSync(path.join(arm64, 'should-not-exist')), false);
  });

  test('checkEmulators returns one emulator per distinct platform', () => {
    const found = checkEmulators([AMD64, ARM64, ARMV7, ARM64], { host: AMD64 });
    assert.deepEqual([...found.keys()], ['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
    assert.equal(found.get('linux/amd64')?.kind, 'native');
  });
});

describe('process', () => {
  test('stdout and stderr are separate streams', async () => {
    const r = await run(amd64, sh('echo out; echo err >&2; echo out2'));
    assert.deepEqual(r, { exitCode: 0, stdout: 'out\nout2\n', stderr: 'err\n' });
  });

  test('exit codes pass through, also under emulation', async () => {
    assert.equal((await run(amd64, sh('exit 42'))).exitCode, 42);
    assert.equal((await run(arm64, sh('exit 3'), { platform: ARM64 })).exitCode, 3);
    assert.equal((await run(amd64, ['false'])).exitCode, 1);
  });

  test('only fds 0, 1 and 2 are open (3 is ls’s own directory)', async () => {
    const r = await run(amd64, ['ls', '/proc/self/fd']);
    assert.deepEqual(r, { exitCode: 0, stdout: '0\n1\n2\n3\n', stderr: '' });
  });

  test('env: PATH defaults to BuildKit’s, HOME comes from passwd, no HOSTNAME', async () => {
    const r = await run(amd64, ['env'], { env: ['FOO=bar'] });
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.stdout.split('\n').filter(Boolean).sort(), [
      'FOO=bar',
      'HOME=/root',
      `PATH=${DEFAULT_PATH}`,
    ]);
    const tester = await run(amd64, ['env'], { user: 'tester', env: ['PATH=/bin'] });
    assert.equal(tester.stdout, 'PATH=/bin\nHOME=/home/tester\n');
    assert.equal((await run(amd64, ['hostname'])).stdout, 'buildkitsandbox\n');
  });

  test('an abort signal kills the container', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = run(amd64, ['sleep', '30'], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 500);
    await assert.rejects(pending, /stop/);
    assert.ok(Date.now() - started < 10_000);
  });
});

describe('user', () => {
  test('USER resolves through /etc/passwd and /etc/group (`id` output)', async () => {
    const cases: Array<[string, string]> = [
      ['', 'uid=0(root) gid=0(root)'],
      ['root', 'uid=0(root) gid=0(root) groups=3000(other)'],
      ['tester', 'uid=1000(tester) gid=1000(tester) groups=2000(extra),3000(other)'],
      ['1000', 'uid=1000(tester) gid=1000(tester) groups=2000(extra),3000(other)'],
      ['1000:2000', 'uid=1000(tester) gid=2000(extra)'],
      ['tester:other', 'uid=1000(tester) gid=3000(other)'],
      ['nobody', 'uid=65534(nobody) gid=65534(nogroup)'],
      ['4242', 'uid=4242 gid=0(root)'],
      ['4242:4343', 'uid=4242 gid=4343'],
    ];
    for (const [user, expected] of cases) {
      const r = await run(amd64, ['id'], { user });
      assert.deepEqual(
        r,
        { exitCode: 0, stdout: `${expected}\n`, stderr: '' },
        `USER ${JSON.stringify(user)}`,
      );
    }
  });

  test('an unknown user fails before running, in BuildKit’s words', async () => {
    await assert.rejects(run(amd64, ['id'], { user: 'ghost' }), {
      code: 'E_EXEC_USER',
      message: 'unable to find user ghost: no matching entries in passwd file',
    });
    await assert.rejects(run(amd64, ['id'], { user: 'tester:ghosts' }), {
      code: 'E_EXEC_USER',
      message: 'unable to find group ghosts: no matching entries in group file',
    });
  });

  test('capabilities: Docker’s default set for root, none effective for a user; new privileges allowed', async () => {
    const numbers: Record<string, number> = {
      CAP_CHOWN: 0,
      CAP_DAC_OVERRIDE: 1,
      CAP_FOWNER: 3,
      CAP_FSETID: 4,
      CAP_KILL: 5,
      CAP_SETGID: 6,
      CAP_SETUID: 7,
      CAP_SETPCAP: 8,
      CAP_NET_BIND_SERVICE: 10,
      CAP_NET_RAW: 13,
      CAP_SYS_CHROOT: 18,
      CAP_MKNOD: 27,
      CAP_AUDIT_WRITE: 29,
      CAP_SETFCAP: 31,
    };
    const mask = DEFAULT_CAPABILITIES.reduce((m, c) => m | (1n << BigInt(numbers[c] ?? -1)), 0n);
    const hex = mask.toString(16).padStart(16, '0');
    assert.equal(hex, '00000000a80425fb');
    const status = (user: string) =>
      run(amd64, sh('grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status'), { user });
    assert.equal((await status('')).stdout, `CapEff:\t${hex}\nCapBnd:\t${hex}\nNoNewPrivs:\t0\n`);
    // A user has no effective capabilities, but the bounding set is intact and no_new_privs is
    // off, so a setuid-root program would regain them.
    assert.equal(
      (await status('tester')).stdout,
      `CapEff:\t${'0'.repeat(16)}\nCapBnd:\t${hex}\nNoNewPrivs:\t0\n`,
    );
  });
});

describe('network and generated files', () => {
  test('network none has only lo; default and host see the host’s interfaces', async () => {
    assert.equal((await run(amd64, ['ls', '/sys/class/net'], { network: 'none' })).stdout, 'lo\n');
    const hostIfaces = `${readdirSync('/sys/class/net').sort().join('\n')}\n`;
    for (const network of ['default', 'host'] as const) {
      const r = await run(amd64, ['ls', '/sys/class/net'], { network });
      assert.equal(r.stdout, hostIfaces, network);
    }
  });

  test('/etc/hosts and /etc/resolv.conf: BuildKit’s contents, read-only, stubs removed afterwards', async () => {
    const r = await run(amd64, sh('cat /etc/hosts; echo ---; cat /etc/resolv.conf'));
    const resolv = resolvConfContent(await readHostResolvConf('none'), 'none');
    assert.equal(r.stdout, `${hostsFileContent()}---\n${resolv}`);
    assert.equal(
      hostsFileContent(),
      '127.0.0.1\tlocalhost buildkitsandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n',
    );
    const mounts = await run(
      amd64,
      sh('grep -E " /etc/(hosts|resolv.conf) " /proc/mounts | cut -d" " -f2,4'),
    );
    for (const line of mounts.stdout.trim().split('\n')) {
      const [, opts = ''] = line.split(' ');
      for (const o of ['ro', 'nosuid', 'nodev', 'noexec'])
        assert.ok(opts.split(',').includes(o), `${line} has ${o}`);
    }
    assert.equal(mounts.stdout.trim().split('\n').length, 2);
    const write = await run(amd64, sh('echo x >> /etc/hosts'));
    assert.notEqual(write.exitCode, 0);
    assert.equal(existsSync(path.join(amd64, 'etc/hosts')), false);
    assert.equal(existsSync(path.join(amd64, 'etc/resolv.conf')), false);
  });
});

describe('filesystem', () => {
  test('a missing cwd is created, 0755, owned by the user', async () => {
    const r = await run(amd64, ['pwd'], { user: 'tester', cwd: '/work/a/b' });
    assert.deepEqual(r, { exitCode: 0, stdout: '/work/a/b\n', stderr: '' });
    for (const d of ['work', 'work/a', 'work/a/b']) {
      const st = statSync(path.join(amd64, d));
      assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [1000, 1000, 0o755], d);
    }
  });

  test('bind (ro and rw) and tmpfs mounts; their stubs are removed', async () => {
    const data = path.join(tmp, 'bind-data');
    mkdirSync(data);
    writeFileSync(path.join(data, 'in.txt'), 'from host\n');
    const mounts: StepMount[] = [
      { kind: 'bind', target: '/mnt/ro', source: data, readonly: true },
      { kind: 'bind', target: '/mnt/rw', source: data, readonly: false },
      { kind: 'tmpfs', target: '/scratch', size: 1 << 20 },
    ];
    const r = await run(
      amd64,
      sh(
        'cat /mnt/ro/in.txt; echo new > /mnt/rw/out.txt; touch /mnt/ro/x 2>/dev/null || echo ro; echo t > /scratch/t; cat /scratch/t',
      ),
      { mounts },
    );
    assert.deepEqual(r, { exitCode: 0, stdout: 'from host\nro\nt\n', stderr: '' });
    assert.equal(readFileSync(path.join(data, 'out.txt'), 'utf8'), 'new\n');
    assert.equal(existsSync(path.join(amd64, 'mnt')), false);
    assert.equal(existsSync(path.join(amd64, 'scratch')), false);
  });

  test('secrets: env values reach the process only; files are read-only, 0400, and leave no trace', async () => {
    const secret = 's3cr3t-value';
    const mounts: StepMount[] = [
      { kind: 'secret', id: 'token', env: 'TOKEN', data: Buffer.from(secret) },
      { kind: 'secret', id: 'mysecret', data: Buffer.from('file-secret') },
    ];
    const exec: StepProcess = {
      args: sh('echo "$TOKEN"; cat /run/secrets/mysecret; echo; stat -c "%a %u" /run/secrets/mysecret'),
      env: [],
      cwd: '/',
      user: '',
      network: 'none',
      security: 'sandbox',
    };
    const prepared = await prepareStep({ rootfs: amd64, exec, mounts, platform: AMD64, host: AMD64 });
    try {
      assert.ok(!prepared.spec.args.join(' ').includes(secret));
      assert.ok(prepared.spec.env.includes(`TOKEN=${secret}`));
      assert.ok(!JSON.stringify(prepared.spec.mounts).includes(secret));
    } finally {
      await prepared.release();
    }
    assert.equal(existsSync(prepared.runDir), false);
    const r = await run(amd64, exec.args, { mounts });
    assert.deepEqual(r, { exitCode: 0, stdout: `${secret}\nfile-secret\n400 0\n`, stderr: '' });
    assert.equal(existsSync(path.join(amd64, 'run')), false);
  });
});

/**
 * Emulator management against a fake binfmt_misc: registration lines, name resolution, install
 * (F and P flags, idempotence, replacing an entry without them, never the native architecture,
 * mounting), uninstall, the messages without root or qemu-user-static, and the status JSON.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  BinfmtConfError,
  BinfmtPermissionError,
  emulationStatus,
  formatRegistration,
  installEmulators,
  parseRegistration,
  QemuNotInstalledError,
  resolveEmulatorNames,
  UnknownEmulatorError,
  uninstallEmulators,
  withFlags,
} from '../../../src/emulation/index.js';
import { parsePlatform } from '../../../src/platform/index.js';
import { DEBIAN_CONF, type FakeBinfmt, fakeBinfmt, writeEntry } from './fake-binfmt.js';

const AMD64 = parsePlatform('linux/amd64');
const ARM64 = parsePlatform('linux/arm64');
let checks = 0;
const fakes: FakeBinfmt[] = [];
const fake = (o?: Parameters<typeof fakeBinfmt>[0]) => {
  const f = fakeBinfmt(o);
  fakes.push(f);
  return f;
};
after(() => {
  for (const f of fakes) f.cleanup();
  console.log(`emulation: ${checks} checks`);
});

describe('registration lines', () => {
  it('parses Debian qemu-aarch64.conf and formats it back byte for byte', () => {
    const line = DEBIAN_CONF.aarch64!;
    const reg = parseRegistration(line);
    assert.equal(reg.name, 'qemu-aarch64');
    assert.equal(reg.type, 'M');
    assert.equal(reg.offset, 0);
    assert.equal(reg.magic.toString('hex'), '7f454c460201010000000000000000000200b700');
    assert.equal(reg.mask?.toString('hex'), 'ffffffffffffff00fffffffffffffffffeffffff');
    assert.equal(reg.interpreter, '/usr/libexec/qemu-binfmt/aarch64-binfmt-P');
    assert.equal(reg.flags, 'OPF');
    assert.equal(formatRegistration(reg), line);
    checks += 8;
  });

  it('reads the real definition when qemu-user-static is installed', {
    skip: !existsSync('/usr/lib/binfmt.d/qemu-arm.conf'),
  }, () => {
    const text = readFileSync('/usr/lib/binfmt.d/qemu-arm.conf', 'utf8').trim();
    const reg = parseRegistration(text);
    assert.equal(reg.name, 'qemu-arm');
    assert.equal(formatRegistration(reg), text);
    checks += 2;
  });

  it('adds missing flags in order and keeps present ones', () => {
    const reg = parseRegistration(':x:M::\\x7fELF::/bin/i:O');
    assert.equal(withFlags(reg, 'FP').flags, 'OFP');
    assert.equal(withFlags(withFlags(reg, 'FP'), 'FP').flags, 'OFP');
    assert.equal(formatRegistration(withFlags(reg, 'FP')), ':x:M::\\x7f\\x45\\x4c\\x46::/bin/i:OFP');
    checks += 3;
  });

  const bad: [string, RegExp][] = [
    ['', /empty/],
    [':x:Q::\\x7f::/i:', /type must be M or E/],
    [':x:M:a:\\x7f::/i:', /offset must be a number/],
    [':x:M::::/i:', /magic/],
    [':x:M::\\x7f:::', /interpreter is empty/],
    [':x:M::\\x7f::/i:Z', /unknown flags "Z"/],
    [':a/b:M::\\x7f::/i:', /not a valid entry name/],
    [':x:M::\\x7f', /expected 7 fields/],
  ];
  for (const [line, message] of bad) {
    it(`refuses ${JSON.stringify(line)}`, () => {
      assert.throws(
        () => parseRegistration(line, 'test.conf'),
        (e: unknown) =>
          e instanceof BinfmtConfError && message.test(e.message) && e.message.startsWith('test.conf: '),
      );
      checks++;
    });
  }
});

describe('emulator names', () => {
  const table: [string, string[]][] = [
    ['arm64', ['arm64']],
    ['aarch64', ['arm64']],
    ['qemu-aarch64', ['arm64']],
    ['linux/arm64', ['arm64']],
    ['arm', ['arm']],
    ['linux/arm/v7', ['arm']],
    ['armhf', ['arm']],
    ['386', ['386']],
    ['i386', ['386']],
    ['x86_64', ['amd64']],
    ['mips64el', ['mips64le']],
    ['loongarch64', ['loong64']],
    ['riscv64,ppc64le,s390x', ['riscv64', 'ppc64le', 's390x']],
    ['arm64,aarch64,arm', ['arm64', 'arm']],
  ];
  for (const [input, expected] of table) {
    it(`${input} → ${expected.join(',')}`, () => {
      assert.deepEqual(resolveEmulatorNames(input.split(',')), expected);
      checks++;
    });
  }
  it('all gives every architecture; unknown names say what is accepted', () => {
    assert.equal(resolveEmulatorNames(['all']).length, 13);
    assert.throws(
      () => resolveEmulatorNames(['sparc']),
      (e: unknown) =>
        e instanceof UnknownEmulatorError &&
        /unknown emulator "sparc"/.test(e.message) &&
        /arm64/.test(e.hint ?? ''),
    );
    checks += 2;
  });
});

describe('installEmulators', () => {
  it('registers arm64 and arm with F and P, then a second run changes nothing', async () => {
    const f = fake();
    const first = await installEmulators(['arm64,arm'], { host: f.host, hostPlatform: AMD64 });
    assert.deepEqual(
      first.map((o) => [o.architecture, o.result, o.entry, o.flags]),
      [
        ['arm64', 'installed', 'qemu-aarch64', 'POF'],
        ['arm', 'installed', 'qemu-arm', 'POF'],
      ],
    );
    assert.equal(f.registered.length, 2);
    const second = await installEmulators(['arm64', 'arm'], { host: f.host, hostPlatform: AMD64 });
    assert.deepEqual(
      second.map((o) => o.result),
      ['present', 'present'],
    );
    assert.equal(f.registered.length, 2, 'nothing registered the second time');
    checks += 4;
  });

  it('replaces an entry of the same name without the F flag, keeps another name with F and P', async () => {
    const f = fake();
    writeEntry(f.dir, DEBIAN_CONF.aarch64!.replace(/:OPF$/, ':P'));
    writeEntry(f.dir, DEBIAN_CONF.arm!.replace(':qemu-arm:', ':arm-other:'));
    const out = await installEmulators(['arm64', 'arm'], { host: f.host, hostPlatform: AMD64 });
    assert.deepEqual(
      out.map((o) => [o.result, o.entry]),
      [
        ['replaced', 'qemu-aarch64'],
        ['present', 'arm-other'],
      ],
    );
    assert.deepEqual(f.removed, ['qemu-aarch64']);
    assert.match(readFileSync(path.join(f.dir, 'qemu-aarch64'), 'utf8'), /flags: POF/);
    checks += 3;
  });

  it('re-registers a disabled entry', async () => {
    const f = fake();
    writeEntry(f.dir, DEBIAN_CONF.aarch64!, false);
    const [o] = await installEmulators(['arm64'], { host: f.host, hostPlatform: AMD64 });
    assert.equal(o?.result, 'replaced');
    assert.match(readFileSync(path.join(f.dir, 'qemu-aarch64'), 'utf8'), /^enabled/);
    checks += 2;
  });

  it('never registers the native architecture', async () => {
    const f = fake();
    const out = await installEmulators(['arm64', 'arm', 'riscv64'], { host: f.host, hostPlatform: ARM64 });
    assert.deepEqual(
      out.map((o) => [o.architecture, o.result]),
      [
        ['arm64', 'native'],
        ['arm', 'native'],
        ['riscv64', 'installed'],
      ],
    );
    const amd = await installEmulators(['386'], { host: f.host, hostPlatform: AMD64 });
    assert.deepEqual(
      amd.map((o) => o.result),
      ['native'],
    );
    checks += 2;
  });

  it('all installs what qemu-user-static defines and skips the rest silently', async () => {
    const f = fake();
    const out = await installEmulators(['all'], { host: f.host, hostPlatform: AMD64 });
    assert.deepEqual(
      out.map((o) => o.architecture),
      ['arm64', 'arm', 'riscv64'],
    );
    checks++;
  });

  it('mounts binfmt_misc when it is not mounted', async () => {
    const f = fake({ mounted: false });
    await installEmulators(['arm64'], { host: f.host, hostPlatform: AMD64 });
    assert.equal(f.mounts, 1);
    assert.ok(existsSync(path.join(f.dir, 'qemu-aarch64')));
    checks += 2;
  });

  it('says to run as root, before changing anything', async () => {
    const f = fake({ privileged: false });
    await assert.rejects(
      installEmulators(['arm64,arm'], { host: f.host, hostPlatform: AMD64 }),
      (e: unknown) => {
        assert.ok(e instanceof BinfmtPermissionError);
        assert.equal(e.code, 'E_BINFMT_PERMISSION');
        assert.match(e.message, /needs root/);
        assert.equal(e.hint, 'run it as root: sudo manifold binfmt --install arm64,arm');
        return true;
      },
    );
    assert.equal(f.registered.length, 0);
    checks += 5;
  });

  it('says to install qemu-user-static when its definitions or interpreters are missing', async () => {
    const f = fake({ confs: ['aarch64'] });
    await assert.rejects(
      installEmulators(['arm64', 'arm'], { host: f.host, hostPlatform: AMD64 }),
      (e: unknown) => {
        assert.ok(e instanceof QemuNotInstalledError);
        assert.equal(
          e.message,
          `qemu-user-static is not installed: ${path.join(f.confDir, 'qemu-arm.conf')} is missing`,
        );
        assert.match(e.hint ?? '', /apt-get install qemu-user-static/);
        return true;
      },
    );
    assert.equal(f.registered.length, 0, 'nothing registered when one is missing');
    const g = fake({ interpreterExists: false });
    await assert.rejects(
      installEmulators(['arm64'], { host: g.host, hostPlatform: AMD64 }),
      /aarch64-binfmt-P is missing/,
    );
    const none = fake({ confs: [] });
    await assert.rejects(
      installEmulators(['all'], { host: none.host, hostPlatform: AMD64 }),
      QemuNotInstalledError,
    );
    checks += 6;
  });
});

describe('uninstallEmulators', () => {
  it('removes by architecture, entry name or qemu-*, reports absent ones', async () => {
    const f = fake();
    await installEmulators(['arm64,arm,riscv64'], { host: f.host, hostPlatform: AMD64 });
    writeFileSync(
      path.join(f.dir, 'python3.11'),
      'enabled\ninterpreter /usr/bin/python3.11\nflags: \noffset 0\nmagic 0d0a\n',
    );
    const one = await uninstallEmulators(['riscv64', 'mips'], { host: f.host, hostPlatform: AMD64 });
    assert.deepEqual(one, [
      { entry: 'qemu-riscv64', result: 'removed' },
      { entry: 'qemu-mips', result: 'absent' },
    ]);
    const rest = await uninstallEmulators(['qemu-*'], { host: f.host, hostPlatform: AMD64 });
    assert.deepEqual(
      rest.map((o) => o.entry),
      ['qemu-aarch64', 'qemu-arm'],
    );
    assert.ok(existsSync(path.join(f.dir, 'python3.11')), 'other entries stay');
    const again = await uninstallEmulators(['arm64'], { host: f.host, hostPlatform: AMD64 });
    assert.deepEqual(again, [{ entry: 'qemu-aarch64', result: 'absent' }]);
    checks += 4;
  });

  it('needs root only when something would be removed', async () => {
    const f = fake({ privileged: false });
    assert.deepEqual(await uninstallEmulators(['arm64'], { host: f.host, hostPlatform: AMD64 }), [
      { entry: 'qemu-aarch64', result: 'absent' },
    ]);
    writeEntry(f.dir, DEBIAN_CONF.aarch64!);
    await assert.rejects(
      uninstallEmulators(['arm64'], { host: f.host, hostPlatform: AMD64 }),
      BinfmtPermissionError,
    );
    checks += 2;
  });
});

describe('emulationStatus', () => {
  it('lists the host, native platforms and F-flag emulators, as tonistiigi/binfmt does', async () => {
    const f = fake();
    assert.deepEqual(emulationStatus({ hostPlatform: AMD64, binfmtDir: f.dir }), {
      supported: ['linux/amd64', 'linux/386'],
      emulators: [],
    });
    await installEmulators(['arm64,arm'], { host: f.host, hostPlatform: AMD64 });
    writeEntry(f.dir, DEBIAN_CONF.riscv64!.replace(/:OPF$/, ':P'));
    assert.deepEqual(emulationStatus({ hostPlatform: AMD64, binfmtDir: f.dir }), {
      supported: ['linux/amd64', 'linux/arm64', 'linux/386', 'linux/arm/v7', 'linux/arm/v6'],
      emulators: ['qemu-aarch64', 'qemu-arm', 'qemu-riscv64'],
    });
    checks += 2;
  });
});

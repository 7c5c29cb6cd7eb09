/**
 * Choosing an emulator without running anything: binfmt_misc entries read from fake directories
 * (texts as the kernel prints Debian's qemu-user-static entries), ELF magic matching, the F-flag
 * rule, the qemu-user-static search, and native platforms.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { parsePlatform } from '../../../src/platform/index.js';
import {
  architectureInfo,
  emulatorFor,
  matchBinfmt,
  parseBinfmtEntry,
  readBinfmtEntries,
  sampleElfHeader,
} from '../../../src/worker/exec/index.js';

const tmp = mkdtempSync('/tmp/manifold-emulator-test-');
after(() => rmSync(tmp, { recursive: true, force: true }));

const AMD64 = parsePlatform('linux/amd64');

/** Debian's entries, as /proc/sys/fs/binfmt_misc/qemu-* print them. */
const ENTRIES: Record<string, [magic: string, mask: string]> = {
  'qemu-aarch64': ['7f454c460201010000000000000000000200b700', 'ffffffffffffff00fffffffffffffffffeffffff'],
  'qemu-arm': ['7f454c4601010100000000000000000002002800', 'ffffffffffffff00fffffffffffffffffeffffff'],
  'qemu-riscv64': ['7f454c460201010000000000000000000200f300', 'ffffffffffffff00fffffffffffffffffeffffff'],
  'qemu-s390x': ['7f454c4602020100000000000000000000020016', 'ffffffffffffff00fffffffffffffffffffeffff'],
  'qemu-ppc64le': ['7f454c4602010100000000000000000002001500', 'ffffffffffffff00fffffffffffffffffeffff00'],
};

function entryText(name: string, flags: string, enabled = true): string {
  const [magic, mask] = ENTRIES[name] ?? ['', ''];
  const arch = name.slice('qemu-'.length);
  return `${enabled ? 'enabled' : 'disabled'}\ninterpreter /usr/libexec/qemu-binfmt/${arch}-binfmt-P\nflags: ${flags}\noffset 0\nmagic ${magic}\nmask ${mask}\n`;
}

function fakeBinfmt(name: string, entries: Record<string, string>, status = 'enabled'): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'status'), `${status}\n`);
  writeFileSync(path.join(dir, 'register'), '');
  for (const [file, text] of Object.entries(entries)) writeFileSync(path.join(dir, file), text);
  return dir;
}

test('parses an entry as the kernel prints it', () => {
  const e = parseBinfmtEntry('qemu-aarch64', entryText('qemu-aarch64', 'POF'));
  assert.equal(e.enabled, true);
  assert.equal(e.interpreter, '/usr/libexec/qemu-binfmt/aarch64-binfmt-P');
  assert.equal(e.flags, 'POF');
  assert.equal(e.offset, 0);
  assert.equal(e.magic?.toString('hex'), ENTRIES['qemu-aarch64']?.[0]);
  assert.equal(e.mask?.toString('hex'), ENTRIES['qemu-aarch64']?.[1]);
});

test('ELF magic matching picks exactly the right entry per architecture', (t) => {
  const entries = Object.keys(ENTRIES).map((n) => parseBinfmtEntry(n, entryText(n, 'POF')));
  const expected: Record<string, string | undefined> = {
    arm64: 'qemu-aarch64',
    arm: 'qemu-arm',
    riscv64: 'qemu-riscv64',
    s390x: 'qemu-s390x',
    ppc64le: 'qemu-ppc64le',
    amd64: undefined,
    '386': undefined,
    ppc64: undefined,
    mips64le: undefined,
  };
  for (const [arch, entry] of Object.entries(expected)) {
    const info = architectureInfo(arch);
    assert.ok(info, arch);
    assert.equal(matchBinfmt(entries, sampleElfHeader(info.elf))?.name, entry, arch);
  }
  t.diagnostic(`${Object.keys(expected).length} architectures matched against ${entries.length} entries`);
});

test('the real binfmt_misc of this machine matches arm64 and arm', () => {
  const entries = readBinfmtEntries();
  for (const arch of ['arm64', 'arm']) {
    const info = architectureInfo(arch);
    assert.ok(info);
    const e = matchBinfmt(entries, sampleElfHeader(info.elf));
    assert.equal(e?.name, `qemu-${info.qemu}`);
  }
});

test('binfmt needs the F flag; disabled entries and a disabled status do not count', () => {
  const arm64 = parsePlatform('linux/arm64');
  const noQemu = { qemuSearchPath: [] as string[] };
  const withF = fakeBinfmt('with-f', { 'qemu-aarch64': entryText('qemu-aarch64', 'OCF') });
  assert.deepEqual(emulatorFor(arm64, AMD64, { binfmtDir: withF, ...noQemu }), {
    kind: 'binfmt',
    interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
    entry: 'qemu-aarch64',
    flags: 'OCF',
  });
  const withoutF = fakeBinfmt('without-f', { 'qemu-aarch64': entryText('qemu-aarch64', 'P') });
  assert.equal(emulatorFor(arm64, AMD64, { binfmtDir: withoutF, ...noQemu }), undefined);
  const disabled = fakeBinfmt('disabled', { 'qemu-aarch64': entryText('qemu-aarch64', 'POF', false) });
  assert.equal(emulatorFor(arm64, AMD64, { binfmtDir: disabled, ...noQemu }), undefined);
  const off = fakeBinfmt('status-off', { 'qemu-aarch64': entryText('qemu-aarch64', 'POF') }, 'disabled');
  assert.equal(emulatorFor(arm64, AMD64, { binfmtDir: off, ...noQemu }), undefined);
  assert.equal(emulatorFor(arm64, AMD64, { binfmtDir: path.join(tmp, 'not-mounted'), ...noQemu }), undefined);
  // Without F, a qemu-user-static binary is the way.
  assert.deepEqual(emulatorFor(arm64, AMD64, { binfmtDir: withoutF }), {
    kind: 'qemu',
    path: '/usr/bin/qemu-aarch64-static',
  });
});

test('qemu-user-static is searched by QEMU’s architecture names in the given directories', (t) => {
  const empty = fakeBinfmt('none', {});
  const bin = path.join(tmp, 'bin');
  mkdirSync(bin);
  const names: Record<string, string> = {
    'linux/arm64': 'aarch64',
    'linux/arm/v7': 'arm',
    'linux/arm/v6': 'arm',
    'linux/riscv64': 'riscv64',
    'linux/ppc64le': 'ppc64le',
    'linux/s390x': 's390x',
    'linux/mips64le': 'mips64el',
    'linux/loong64': 'loongarch64',
  };
  for (const qemu of new Set(Object.values(names))) {
    const file = path.join(bin, `qemu-${qemu}-static`);
    writeFileSync(file, '#!/bin/false\n');
    chmodSync(file, 0o755);
  }
  for (const [platform, qemu] of Object.entries(names)) {
    assert.deepEqual(
      emulatorFor(parsePlatform(platform), AMD64, { binfmtDir: empty, qemuSearchPath: [bin] }),
      { kind: 'qemu', path: path.join(bin, `qemu-${qemu}-static`) },
      platform,
    );
  }
  // Not executable: not an emulator. BuildKit's name is accepted too.
  const other = path.join(tmp, 'bin2');
  mkdirSync(other);
  copyFileSync(path.join(bin, 'qemu-aarch64-static'), path.join(other, 'qemu-riscv64-static'));
  chmodSync(path.join(other, 'qemu-riscv64-static'), 0o644);
  const riscv = parsePlatform('linux/riscv64');
  assert.equal(emulatorFor(riscv, AMD64, { binfmtDir: empty, qemuSearchPath: [other] }), undefined);
  writeFileSync(path.join(other, 'buildkit-qemu-riscv64'), '');
  chmodSync(path.join(other, 'buildkit-qemu-riscv64'), 0o755);
  assert.deepEqual(emulatorFor(riscv, AMD64, { binfmtDir: empty, qemuSearchPath: [other] }), {
    kind: 'qemu',
    path: path.join(other, 'buildkit-qemu-riscv64'),
  });
  t.diagnostic(`${readdirSync(bin).length} qemu names checked`);
});

test('native platforms need no emulator; other operating systems have none', () => {
  const empty = { binfmtDir: path.join(tmp, 'nothing'), qemuSearchPath: [] as string[] };
  const native: Array<[string, string]> = [
    ['linux/amd64', 'linux/amd64'],
    ['linux/amd64/v3', 'linux/amd64'],
    ['linux/386', 'linux/amd64'],
    ['linux/arm/v6', 'linux/arm/v7'],
    ['linux/arm/v7', 'linux/arm64'],
    ['linux/arm64', 'linux/arm64'],
  ];
  for (const [p, host] of native) {
    assert.deepEqual(
      emulatorFor(parsePlatform(p), parsePlatform(host), empty),
      { kind: 'native' },
      `${p} on ${host}`,
    );
  }
  assert.equal(emulatorFor(parsePlatform('linux/arm/v7'), parsePlatform('linux/arm/v6'), empty), undefined);
  assert.equal(emulatorFor(parsePlatform('windows/amd64'), AMD64, {}), undefined);
  assert.equal(emulatorFor(parsePlatform('linux/wasm'), AMD64, {}), undefined);
});

/**
 * A fake binfmt_misc for tests: a directory laid out as the kernel shows it (`register`,
 * `status`, one file per entry in the kernel's text form) and a confDir of qemu definitions, so
 * that the install logic runs against it exactly as against /proc/sys/fs/binfmt_misc.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BinfmtHost, parseRegistration } from '../../../src/emulation/index.js';

/** Debian's definitions (flags OPF), as /usr/lib/binfmt.d ships them. */
export const DEBIAN_CONF: Readonly<Record<string, string>> = {
  aarch64:
    ':qemu-aarch64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:OPF',
  arm: ':qemu-arm:M::\\x7f\\x45\\x4c\\x46\\x01\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\x28\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/libexec/qemu-binfmt/arm-binfmt-P:OPF',
  riscv64:
    ':qemu-riscv64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xf3\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/libexec/qemu-binfmt/riscv64-binfmt-P:OPF',
};

/** A fake host and what it recorded. */
export interface FakeBinfmt {
  readonly host: BinfmtHost;
  readonly dir: string;
  readonly confDir: string;
  /** Lines written to `register`, in order. */
  readonly registered: string[];
  /** Entries removed, in order. */
  readonly removed: string[];
  mounts: number;
  cleanup(): void;
}

/** Options of {@link fakeBinfmt}. */
export interface FakeOptions {
  readonly privileged?: boolean;
  readonly mounted?: boolean;
  /** qemu names with a definition in confDir (default every one of DEBIAN_CONF). */
  readonly confs?: readonly string[];
  /** Interpreters that exist (default all). */
  readonly interpreterExists?: boolean;
}

/** Writes an entry file as the kernel shows it. */
export function writeEntry(dir: string, line: string, enabled = true): void {
  const reg = parseRegistration(line);
  const flags = ['P', 'O', 'C', 'F'].filter((f) => reg.flags.includes(f)).join('');
  const text = [
    enabled ? 'enabled' : 'disabled',
    `interpreter ${reg.interpreter}`,
    `flags: ${flags}`,
    `offset ${reg.offset}`,
    `magic ${reg.magic.toString('hex')}`,
    ...(reg.mask ? [`mask ${reg.mask.toString('hex')}`] : []),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, reg.name), text);
}

/** A fake binfmt_misc in a temporary directory. */
export function fakeBinfmt(options: FakeOptions = {}): FakeBinfmt {
  const root = mkdtempSync(path.join(os.tmpdir(), 'manifold-binfmt-'));
  const dir = path.join(root, 'binfmt_misc');
  const confDir = path.join(root, 'binfmt.d');
  mkdirSync(dir);
  mkdirSync(confDir);
  for (const q of options.confs ?? Object.keys(DEBIAN_CONF)) {
    writeFileSync(path.join(confDir, `qemu-${q}.conf`), `# from qemu-user-static\n${DEBIAN_CONF[q]}\n`);
  }
  const mountFs = () => {
    writeFileSync(path.join(dir, 'register'), '');
    writeFileSync(path.join(dir, 'status'), 'enabled\n');
  };
  if (options.mounted !== false) mountFs();
  const fake: FakeBinfmt = {
    dir,
    confDir,
    registered: [],
    removed: [],
    mounts: 0,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
    host: {
      dir,
      confDir,
      isPrivileged: () => options.privileged !== false,
      isMounted: () => existsSync(path.join(dir, 'register')),
      async mount() {
        fake.mounts++;
        mountFs();
      },
      async register(line) {
        const name = parseRegistration(line).name;
        if (existsSync(path.join(dir, name))) {
          throw Object.assign(new Error('File exists'), { code: 'EEXIST' });
        }
        fake.registered.push(line);
        writeEntry(dir, line);
      },
      async unregister(name) {
        fake.removed.push(name);
        rmSync(path.join(dir, name));
      },
      exists: () => options.interpreterExists !== false,
    },
  };
  return fake;
}

/**
 * The machine side of emulator management, behind one small interface so that the install logic
 * can be tested against a fake: where binfmt_misc is mounted, where qemu-user-static's
 * definitions are, whether this process may change them, and the three kernel operations
 * (mount, register a line, remove an entry). The kernel implementation writes to
 * `<dir>/register` and `<dir>/<name>` exactly as `update-binfmts` and systemd-binfmt do.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BINFMT_MISC_DIR } from '../worker/exec/index.js';
import { BinfmtKernelError } from './errors.js';

/** What emulator management needs from the machine. */
export interface BinfmtHost {
  /** The binfmt_misc mount point. */
  readonly dir: string;
  /** Directory of qemu-user-static's `qemu-<name>.conf` definitions. */
  readonly confDir: string;
  /** True when this process may change binfmt_misc (root). */
  isPrivileged(): boolean;
  /** True when binfmt_misc is mounted at {@link dir}. */
  isMounted(): boolean;
  /** Mounts binfmt_misc at {@link dir} and enables it if it is globally disabled. */
  mount(): Promise<void>;
  /** Writes one registration line to `register`. */
  register(line: string): Promise<void>;
  /** Removes the entry `name`. */
  unregister(name: string): Promise<void>;
  /** True when `file` exists (the interpreters a definition names). */
  exists(file: string): boolean;
}

/** Where Debian's qemu-user-static puts its binfmt_misc definitions. */
export const QEMU_BINFMT_CONF_DIR = '/usr/lib/binfmt.d';

/** Options of {@link kernelBinfmtHost}. */
export interface KernelBinfmtOptions {
  readonly dir?: string;
  readonly confDir?: string;
}

/** The real machine's binfmt_misc. */
export function kernelBinfmtHost(options: KernelBinfmtOptions = {}): BinfmtHost {
  const dir = options.dir ?? BINFMT_MISC_DIR;
  const run = promisify(execFile);
  return {
    dir,
    confDir: options.confDir ?? QEMU_BINFMT_CONF_DIR,
    isPrivileged: () => process.geteuid?.() === 0,
    isMounted: () => existsSync(path.join(dir, 'register')),
    async mount() {
      if (!existsSync(path.join(dir, 'register'))) {
        try {
          await run('mount', ['-t', 'binfmt_misc', 'binfmt_misc', dir]);
        } catch (err) {
          throw new BinfmtKernelError(
            `cannot mount binfmt_misc at ${dir}: ${firstLine(err)}`,
            'load the module ("modprobe binfmt_misc") or check that the kernel has CONFIG_BINFMT_MISC; in a container, run it privileged',
            err,
          );
        }
      }
      const status = path.join(dir, 'status');
      if (existsSync(status) && readFileSync(status, 'utf8').trim() === 'disabled')
        await writeFile(status, '1');
    },
    register: (line) => writeFile(path.join(dir, 'register'), line),
    unregister: (name) => writeFile(path.join(dir, name), '-1'),
    exists: (file) => existsSync(file),
  };
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr?.trim() || e.message || String(err)).split('\n')[0] ?? '';
}

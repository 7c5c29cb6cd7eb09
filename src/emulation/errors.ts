/**
 * Errors of emulator management: no root, no qemu-user-static, a name that is not an
 * architecture, and binfmt_misc refusing to mount or to take a registration. Each has one stable
 * code; messages quote the input and hints say what to run.
 */
import { ManifoldError } from '../errors/index.js';

/** Changing binfmt_misc needs root (`E_BINFMT_PERMISSION`). */
export class BinfmtPermissionError extends ManifoldError {
  constructor(action: 'install' | 'uninstall', names: readonly string[], cause?: unknown) {
    const list = names.join(',') || 'all';
    super(
      'E_BINFMT_PERMISSION',
      `${action === 'install' ? 'registering' : 'removing'} emulators in binfmt_misc needs root: this process is not privileged`,
      { hint: `run it as root: sudo manifold binfmt --${action} ${list}`, cause },
    );
    this.name = 'BinfmtPermissionError';
  }
}

/** Debian's qemu-user-static (its binfmt.d definitions or interpreters) is missing (`E_BINFMT_QEMU_MISSING`). */
export class QemuNotInstalledError extends ManifoldError {
  /** The files looked for and not found. */
  readonly missing: readonly string[];
  constructor(missing: readonly string[]) {
    super(
      'E_BINFMT_QEMU_MISSING',
      `qemu-user-static is not installed: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`,
      {
        hint: 'install it with "apt-get install qemu-user-static" (as root), then run manifold binfmt --install again',
      },
    );
    this.name = 'QemuNotInstalledError';
    this.missing = missing;
  }
}

/** A name given to --install or --uninstall that names no architecture (`E_BINFMT_UNKNOWN`). */
export class UnknownEmulatorError extends ManifoldError {
  constructor(name: string, known: readonly string[]) {
    super('E_BINFMT_UNKNOWN', `unknown emulator "${name}": not an architecture Manifold can emulate`, {
      hint: `use "all" or a comma list of ${known.join(', ')}`,
    });
    this.name = 'UnknownEmulatorError';
  }
}

/** binfmt_misc could not be mounted, or refused a registration (`E_BINFMT_KERNEL`). */
export class BinfmtKernelError extends ManifoldError {
  constructor(message: string, hint: string, cause?: unknown) {
    super('E_BINFMT_KERNEL', message, { hint, cause });
    this.name = 'BinfmtKernelError';
  }
}

/** A binfmt.d line that is not `:name:type:offset:magic:mask:interpreter:flags` (`E_BINFMT_CONF`). */
export class BinfmtConfError extends ManifoldError {
  constructor(source: string, line: string, problem: string) {
    super('E_BINFMT_CONF', `${source}: invalid binfmt_misc registration "${line}": ${problem}`, {
      hint: "a registration reads :name:M:offset:magic:mask:interpreter:flags (see the kernel's binfmt-misc.rst)",
    });
    this.name = 'BinfmtConfError';
  }
}

/**
 * Installing and removing QEMU emulators in binfmt_misc, as `tonistiigi/binfmt --install` does but
 * with Debian's qemu-user-static definitions (/usr/lib/binfmt.d/qemu-<name>.conf):
 *
 * - every registration carries the `F` and `P` flags (added when a definition lacks them): `F` so
 *   the interpreter works inside a build container, `P` so busybox-style programs see argv[0];
 * - binfmt_misc is mounted (and enabled) first when it is not;
 * - an architecture the host runs natively is never registered (`native`);
 * - an enabled entry for the same format (same name, or same magic and mask) that has `F` and `P`
 *   is kept (`present`), so a second run changes nothing; an entry of the same name without them
 *   is replaced (`replaced`).
 *
 * Names are checked, privilege and the definitions are looked for, all before anything changes.
 */
import { only, type Platform, parsePlatform } from '../platform/index.js';
import { type BinfmtEntry, readBinfmtEntries } from '../worker/exec/index.js';
import type { BinfmtHost } from './binfmt-host.js';
import { BinfmtKernelError, BinfmtPermissionError, QemuNotInstalledError } from './errors.js';
import { entryName, qemuName, resolveEmulatorNames } from './names.js';
import {
  type BinfmtRegistration,
  formatRegistration,
  qemuConfPath,
  readQemuConf,
  withFlags,
} from './registration.js';

/** What happened to one architecture. */
export interface InstallOutcome {
  readonly architecture: string;
  /** The binfmt_misc entry that serves it (none for `native`). */
  readonly entry?: string;
  readonly result: 'installed' | 'replaced' | 'present' | 'native';
  /** The entry's flags afterwards. */
  readonly flags?: string;
}

/** What happened to one entry on uninstall. */
export interface UninstallOutcome {
  readonly entry: string;
  readonly result: 'removed' | 'absent';
}

/** Where to act. */
export interface EmulatorActionOptions {
  readonly host: BinfmtHost;
  readonly hostPlatform: Platform;
}

/** The flags every registration gets. */
const REQUIRED_FLAGS = 'FP';

/**
 * Registers emulators for `names` (`all`, architectures, QEMU names, entry names or platforms).
 * @throws UnknownEmulatorError, BinfmtPermissionError, QemuNotInstalledError, BinfmtKernelError
 */
export async function installEmulators(
  names: readonly string[],
  options: EmulatorActionOptions,
): Promise<InstallOutcome[]> {
  const { host } = options;
  const wantsAll = names.some((n) => n.split(',').some((part) => part.trim() === 'all'));
  const outcomes: InstallOutcome[] = [];
  const todo: { architecture: string; reg: BinfmtRegistration }[] = [];
  const missing: string[] = [];
  const architectures = resolveEmulatorNames(names);
  const wanted = architectures.filter((a) => {
    if (!isNative(a, options.hostPlatform)) return true;
    if (!wantsAll) outcomes.push({ architecture: a, result: 'native' });
    return false;
  });
  if (wanted.length > 0 && !host.isPrivileged()) throw new BinfmtPermissionError('install', names);
  for (const architecture of wanted) {
    const reg = await readQemuConf(host.confDir, qemuName(architecture));
    if (!reg) {
      // `all` means every architecture this qemu-user-static has a definition for.
      if (!wantsAll) missing.push(qemuConfPath(host.confDir, qemuName(architecture)));
      continue;
    }
    if (!host.exists(reg.interpreter)) missing.push(reg.interpreter);
    else todo.push({ architecture, reg: withFlags(reg, REQUIRED_FLAGS) });
  }
  if (wantsAll && todo.length === 0 && missing.length === 0 && wanted.length > 0) {
    missing.push(qemuConfPath(host.confDir, qemuName(wanted[0]!)));
  }
  if (missing.length > 0) throw new QemuNotInstalledError(missing);
  if (todo.length > 0 && !host.isMounted()) await host.mount();
  for (const { architecture, reg } of todo) outcomes.push(await installOne(architecture, reg, host, names));
  return outcomes;
}

async function installOne(
  architecture: string,
  reg: BinfmtRegistration,
  host: BinfmtHost,
  names: readonly string[],
): Promise<InstallOutcome> {
  const entries = readBinfmtEntries(host.dir);
  const same = entries.filter((e) => e.name === reg.name || sameFormat(e, reg));
  const good = same.find((e) => e.enabled && hasFlags(e.flags, REQUIRED_FLAGS));
  if (good) return { architecture, entry: good.name, result: 'present', flags: good.flags };
  const stale = same.find((e) => e.name === reg.name);
  if (stale) await kernelCall(() => host.unregister(stale.name), 'uninstall', names, `remove ${stale.name}`);
  await kernelCall(() => host.register(formatRegistration(reg)), 'install', names, `register ${reg.name}`);
  const made = readBinfmtEntries(host.dir).find((e) => e.name === reg.name);
  if (!made) {
    throw new BinfmtKernelError(
      `binfmt_misc took the registration of ${reg.name} but shows no such entry in ${host.dir}`,
      `check ${host.dir} by hand (cat ${host.dir}/${reg.name})`,
    );
  }
  return { architecture, entry: reg.name, result: stale ? 'replaced' : 'installed', flags: made.flags };
}

/**
 * Removes the binfmt_misc entries for `names` (as for install, plus `qemu-*` for every qemu
 * entry and `all` for the same); entries that do not exist are reported `absent`.
 */
export async function uninstallEmulators(
  names: readonly string[],
  options: EmulatorActionOptions,
): Promise<UninstallOutcome[]> {
  const { host } = options;
  const present = readBinfmtEntries(host.dir).map((e) => e.name);
  const targets: string[] = [];
  const add = (n: string) => {
    if (!targets.includes(n)) targets.push(n);
  };
  for (const name of names.flatMap((n) => n.split(',')).map((n) => n.trim())) {
    if (name === 'qemu-*' || name === 'all') present.filter((n) => n.startsWith('qemu-')).forEach(add);
    else if (name !== '' && present.includes(name)) add(name);
    else if (name !== '') resolveEmulatorNames([name]).map(entryName).forEach(add);
  }
  const toRemove = targets.filter((t) => present.includes(t));
  if (toRemove.length > 0 && !host.isPrivileged()) throw new BinfmtPermissionError('uninstall', names);
  const outcomes: UninstallOutcome[] = [];
  for (const entry of targets) {
    if (!toRemove.includes(entry)) {
      outcomes.push({ entry, result: 'absent' });
      continue;
    }
    await kernelCall(() => host.unregister(entry), 'uninstall', names, `remove ${entry}`);
    outcomes.push({ entry, result: 'removed' });
  }
  return outcomes;
}

function isNative(architecture: string, host: Platform): boolean {
  const p = parsePlatform(architecture === 'arm' ? 'linux/arm/v7' : `linux/${architecture}`);
  return (p.architecture === 'amd64' && host.architecture === 'amd64') || only(host)(p);
}

function sameFormat(entry: BinfmtEntry, reg: BinfmtRegistration): boolean {
  if (reg.type !== 'M' || !entry.magic || entry.offset !== reg.offset) return false;
  const mask = (m: Buffer | undefined) => (m ? m.toString('hex') : 'ff'.repeat(reg.magic.length));
  return entry.magic.equals(reg.magic) && mask(entry.mask) === mask(reg.mask);
}

function hasFlags(flags: string, required: string): boolean {
  return [...required].every((f) => flags.includes(f));
}

async function kernelCall(
  call: () => Promise<void>,
  action: 'install' | 'uninstall',
  names: readonly string[],
  what: string,
): Promise<void> {
  try {
    await call();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new BinfmtPermissionError(action, names, err);
    throw new BinfmtKernelError(
      `binfmt_misc refused to ${what}: ${(err as Error).message}`,
      'check the definition and the kernel log (dmesg); an interpreter given with the F flag must exist',
      err,
    );
  }
}

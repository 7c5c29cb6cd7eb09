/**
 * The names `manifold binfmt --install/--uninstall` accepts, as tonistiigi/binfmt does: `all`, an
 * architecture as platforms name it (`arm64`, `arm`, `riscv64`, `ppc64le`, `s390x`, `386`, …), QEMU's
 * name for it (`aarch64`, `x86_64`, `mips64el`, …), a binfmt entry name (`qemu-aarch64`) or a
 * platform (`linux/arm/v7`). Each resolves to one architecture; QEMU's names come from the
 * emulation table in src/worker/exec/architectures.ts.
 */
import { type Platform, parsePlatform } from '../platform/index.js';
import { architectureInfo } from '../worker/exec/index.js';
import { UnknownEmulatorError } from './errors.js';

/** Every architecture QEMU can emulate here, in the order `all` installs them. */
export const EMULATED_ARCHITECTURES: readonly string[] = [
  'amd64',
  'arm64',
  'arm',
  'riscv64',
  'ppc64le',
  'ppc64',
  's390x',
  '386',
  'mips64le',
  'mips64',
  'mipsle',
  'mips',
  'loong64',
];

/**
 * The platforms `binfmt` status reports, in tonistiigi/binfmt's order (after the host's own):
 * each architecture once, arm as v7 and v6.
 */
export const STATUS_PLATFORMS: readonly Platform[] = [
  'linux/amd64',
  'linux/arm64',
  'linux/riscv64',
  'linux/ppc64le',
  'linux/ppc64',
  'linux/s390x',
  'linux/386',
  'linux/mips64le',
  'linux/mips64',
  'linux/mipsle',
  'linux/mips',
  'linux/loong64',
  'linux/arm/v7',
  'linux/arm/v6',
].map((p) => parsePlatform(p));

/** QEMU's name of an architecture (`arm64` → `aarch64`). */
export function qemuName(architecture: string): string {
  const info = architectureInfo(architecture);
  if (!info) throw new Error(`no QEMU name for architecture "${architecture}"`);
  return info.qemu;
}

/** The binfmt_misc entry Debian's definition registers for an architecture (`qemu-aarch64`). */
export function entryName(architecture: string): string {
  return `qemu-${qemuName(architecture)}`;
}

/**
 * Resolves user-given names (comma lists allowed) to architectures, in order and without
 * repeats; `all` gives every emulated architecture. Throws {@link UnknownEmulatorError} on the
 * first name that is none of the accepted forms.
 */
export function resolveEmulatorNames(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names.flatMap((n) => n.split(',')).map((n) => n.trim())) {
    if (name === '') continue;
    const found = name === 'all' ? EMULATED_ARCHITECTURES : [architectureOf(name)];
    for (const a of found) if (!out.includes(a)) out.push(a);
  }
  return out;
}

function architectureOf(name: string): string {
  const lower = name.toLowerCase().replace(/^qemu-/, '');
  if (EMULATED_ARCHITECTURES.includes(lower)) return lower;
  const byQemu = EMULATED_ARCHITECTURES.find((a) => qemuName(a) === lower);
  if (byQemu) return byQemu;
  try {
    const p = parsePlatform(lower);
    if (EMULATED_ARCHITECTURES.includes(p.architecture)) return p.architecture;
  } catch {
    // not a platform either
  }
  throw new UnknownEmulatorError(name, ['all', ...EMULATED_ARCHITECTURES]);
}

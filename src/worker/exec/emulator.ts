/**
 * How a step for a given platform runs on this host, chosen in this order:
 *
 * 1. `native`: the host runs the platform's programs itself (its compatibility vector, see
 *    src/platform/match.ts: amd64 runs 386, arm/v7 runs v6 and v5; any amd64 level counts as
 *    amd64).
 * 2. `binfmt`: binfmt_misc has an enabled entry matching the platform's ELF header with the `F`
 *    flag, so the kernel starts the interpreter even inside the container's mount namespace;
 *    the step runs as if native. (Without `F` the interpreter path would be looked up inside the
 *    container, where it does not exist, so such an entry does not count.)
 * 3. `qemu`: a qemu-user-static binary for the architecture is on the host
 *    (`qemu-<arch>-static`, or BuildKit's `buildkit-qemu-<arch>`); the executor bind-mounts it
 *    into the container and starts the step through it, as BuildKit does without binfmt.
 *    Caveat: Debian's qemu-user does not follow execve, so programs the step starts run
 *    through binfmt_misc or not at all; single-program steps always work.
 * 4. none: `emulatorFor` returns undefined and `checkEmulators` throws `E_EMULATOR_MISSING`,
 *    naming the platforms and `manifold binfmt --install <arch>`.
 *
 * The host platform, the binfmt_misc directory and the qemu search path are passed in, so tests
 * can pretend a host has no binfmt entries.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { formatPlatform, hostPlatform, only, type Platform } from '../../platform/index.js';
import { architectureInfo, sampleElfHeader } from './architectures.js';
import { BINFMT_MISC_DIR, matchBinfmt, readBinfmtEntries } from './binfmt.js';
import { EmulatorMissingError } from './errors.js';

/** How a platform's programs run here. */
export type Emulator =
  | { readonly kind: 'native' }
  | {
      readonly kind: 'binfmt';
      /** The registered interpreter, e.g. /usr/libexec/qemu-binfmt/aarch64-binfmt-P. */
      readonly interpreter: string;
      /** The binfmt_misc entry name, e.g. `qemu-aarch64`. */
      readonly entry: string;
      /** Its flag letters; `P` is needed for multi-call binaries such as busybox. */
      readonly flags: string;
    }
  | {
      readonly kind: 'qemu';
      /** Host path of the qemu-user-static binary. */
      readonly path: string;
    };

/** Where to look for emulators (all optional; defaults are the real host's). */
export interface EmulatorLookup {
  /** binfmt_misc mount point; default /proc/sys/fs/binfmt_misc. */
  readonly binfmtDir?: string;
  /** Directories searched for qemu binaries; default $PATH plus /usr/bin and /usr/local/bin. */
  readonly qemuSearchPath?: readonly string[];
}

/** Options of {@link checkEmulators}. */
export interface CheckEmulatorsOptions extends EmulatorLookup {
  /** The host platform; default {@link hostPlatform}. */
  readonly host?: Platform;
}

/** Chooses how programs of `platform` run on `host`; undefined when they cannot. */
export function emulatorFor(
  platform: Platform,
  host: Platform,
  lookup: EmulatorLookup = {},
): Emulator | undefined {
  if (isNative(platform, host)) return { kind: 'native' };
  if (platform.os !== 'linux' || host.os !== 'linux') return undefined;
  const info = architectureInfo(platform.architecture);
  if (!info) return undefined;
  const entries = readBinfmtEntries(lookup.binfmtDir ?? BINFMT_MISC_DIR);
  const entry = matchBinfmt(entries, sampleElfHeader(info.elf));
  if (entry?.flags.includes('F')) {
    return { kind: 'binfmt', interpreter: entry.interpreter, entry: entry.name, flags: entry.flags };
  }
  const qemu = findQemu(info.qemu, lookup.qemuSearchPath ?? defaultSearchPath());
  return qemu === undefined ? undefined : { kind: 'qemu', path: qemu };
}

/**
 * Checks, before any work, that every platform can run here. Returns each platform's emulator by
 * its formatted name; throws {@link EmulatorMissingError} listing every platform that has none.
 */
export function checkEmulators(
  platforms: readonly Platform[],
  options: CheckEmulatorsOptions = {},
): Map<string, Emulator> {
  const host = options.host ?? hostPlatform();
  const found = new Map<string, Emulator>();
  const missing: Platform[] = [];
  for (const p of platforms) {
    const key = formatPlatform(p);
    if (found.has(key)) continue;
    const emulator = emulatorFor(p, host, options);
    if (emulator) found.set(key, emulator);
    else if (!missing.some((m) => formatPlatform(m) === key)) missing.push(p);
  }
  if (missing.length > 0) throw missingEmulatorError(missing, host);
  return found;
}

/** The `E_EMULATOR_MISSING` error for `platforms` on `host`. */
export function missingEmulatorError(platforms: readonly Platform[], host: Platform): EmulatorMissingError {
  const arches = [...new Set(platforms.map((p) => p.architecture))];
  return new EmulatorMissingError(platforms.map(formatPlatform), formatPlatform(host), arches);
}

function isNative(platform: Platform, host: Platform): boolean {
  if (platform.os !== host.os) return false;
  if (platform.architecture === 'amd64' && host.architecture === 'amd64') return true;
  return only(host)(platform);
}

function defaultSearchPath(): string[] {
  const fromEnv = (process.env.PATH ?? '').split(':').filter((d) => d.startsWith('/'));
  return [...new Set([...fromEnv, '/usr/bin', '/usr/local/bin'])];
}

/** The first executable `qemu-<name>-static` (then `buildkit-qemu-<name>`) in `dirs`. */
function findQemu(name: string, dirs: readonly string[]): string | undefined {
  for (const file of [`qemu-${name}-static`, `buildkit-qemu-${name}`]) {
    for (const dir of dirs) {
      const candidate = path.join(dir, file);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

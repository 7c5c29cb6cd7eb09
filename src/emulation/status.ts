/**
 * What this machine can run, as tonistiigi/binfmt reports it: `supported` lists the host's own
 * platform, then every platform it runs natively (amd64 runs 386, arm64 and arm/v7 run older arm
 * variants) or through an enabled binfmt_misc entry with the `F` flag (the only kind that works
 * inside a build container); `emulators` lists every binfmt_misc entry by name. A qemu binary on
 * $PATH without a binfmt entry does not count here: `binfmt --install` is what makes it count.
 */
import { formatPlatform, hostPlatform, type Platform, platformEquals } from '../platform/index.js';
import { BINFMT_MISC_DIR, emulatorFor, readBinfmtEntries } from '../worker/exec/index.js';
import { STATUS_PLATFORMS } from './names.js';

/** The JSON `manifold binfmt` prints. */
export interface EmulationStatus {
  readonly supported: readonly string[];
  readonly emulators: readonly string[];
}

/** Options of {@link emulationStatus} and {@link runnablePlatforms}. */
export interface StatusOptions {
  /** Default: the machine's. */
  readonly hostPlatform?: Platform;
  /** binfmt_misc mount point; default /proc/sys/fs/binfmt_misc. */
  readonly binfmtDir?: string;
}

/** Platforms this host runs natively or through binfmt_misc, the host's own first. */
export function runnablePlatforms(options: StatusOptions = {}): Platform[] {
  const host = options.hostPlatform ?? hostPlatform();
  const lookup = { binfmtDir: options.binfmtDir ?? BINFMT_MISC_DIR, qemuSearchPath: [] };
  const out: Platform[] = [host];
  for (const p of STATUS_PLATFORMS) {
    if (out.some((q) => platformEquals(q, p))) continue;
    const how = emulatorFor(p, host, lookup);
    if (how?.kind === 'native' || how?.kind === 'binfmt') out.push(p);
  }
  return out;
}

/** The status of emulation on this host. */
export function emulationStatus(options: StatusOptions = {}): EmulationStatus {
  return {
    supported: runnablePlatforms(options).map(formatPlatform),
    emulators: readBinfmtEntries(options.binfmtDir ?? BINFMT_MISC_DIR).map((e) => e.name),
  };
}

/**
 * A builder's platforms. A builder created with `--platform` builds only those (marked `*` in
 * `ls`, as buildx marks platforms set by hand); otherwise `[worker.oci] platforms` of its
 * configuration restricts it the same way; otherwise it builds what the host runs: its own
 * platform and every platform emulated through binfmt_misc (see src/emulation/status.ts).
 *
 * A restricted builder refuses, before any work, a build that asks for a platform outside its
 * list (a listed platform also covers the ones it runs natively: amd64 covers 386, arm/v7
 * covers v6). An unrestricted builder checks nothing here: a platform the host cannot run fails
 * later, still before any step, only if a RUN step would run on it (cross-compiling stages need
 * no emulator).
 */
import { runnablePlatforms } from '../../emulation/index.js';
import { formatPlatform, only, type Platform, parsePlatform } from '../../platform/index.js';
import type { BuilderConfig } from './config.js';
import { BuilderPlatformError } from './errors.js';
import type { Builder } from './store.js';

/** Where a builder's platforms come from. */
export type PlatformSource = 'create' | 'config' | 'host';

/** What a builder builds. */
export interface BuilderPlatforms {
  readonly platforms: readonly Platform[];
  readonly source: PlatformSource;
}

/** Options of {@link builderPlatforms}. */
export interface PlatformLookup {
  readonly hostPlatform?: Platform;
  /** binfmt_misc mount point (tests). */
  readonly binfmtDir?: string;
  /** Directories searched for qemu binaries (tests). */
  readonly qemuSearchPath?: readonly string[];
}

/** The platforms `builder` (with configuration `config`) builds. */
export function builderPlatforms(
  builder: Builder,
  config: BuilderConfig,
  lookup: PlatformLookup = {},
): BuilderPlatforms {
  const created = builder.record?.platforms ?? [];
  if (created.length) return { platforms: created.map((p) => parsePlatform(p)), source: 'create' };
  if (config.platforms.length) return { platforms: config.platforms, source: 'config' };
  return {
    platforms: runnablePlatforms({
      ...(lookup.hostPlatform ? { hostPlatform: lookup.hostPlatform } : {}),
      ...(lookup.binfmtDir ? { binfmtDir: lookup.binfmtDir } : {}),
    }),
    source: 'host',
  };
}

/**
 * Throws {@link BuilderPlatformError} when a restricted builder is asked for platforms outside
 * its list. The message lists what it builds; the hint says how to build the rest (a builder
 * that includes them) and how to add an emulator: for the refused platforms the host cannot run
 * (`runnable` says which it can), or in general when it runs them all.
 */
export function checkBuilderPlatforms(
  builder: Builder,
  available: BuilderPlatforms,
  requested: readonly Platform[],
  runnable: (p: Platform) => boolean = () => false,
): void {
  if (available.source === 'host') return;
  const refused = requested.filter((p) => !available.platforms.some((a) => only(a)(p)));
  if (refused.length === 0) return;
  const names = (ps: readonly Platform[]) => [...new Set(ps.map(formatPlatform))];
  const wanted = names([...available.platforms, ...refused]).join(',');
  const foreign = [...new Set(refused.filter((p) => !runnable(p)).map((p) => p.architecture))];
  const where =
    available.source === 'create'
      ? `it was created with --platform ${names(available.platforms).join(',')}`
      : `[worker.oci] platforms in ${builder.configFile} lists only those`;
  const emulator = foreign.length
    ? `this host needs an emulator for ${foreign.join(', ')}: run "manifold binfmt --install ${foreign.join(',')}"`
    : `for a platform this host cannot run, add an emulator with "manifold binfmt --install ARCH"`;
  throw new BuilderPlatformError(
    builder.name,
    names(refused),
    names(available.platforms),
    `${where}; build for those only, or create a builder that includes ${names(refused).join(', ')} ` +
      `("manifold create --name NAME --platform ${wanted}") and build with --builder NAME; ${emulator}`,
  );
}

/**
 * The one table of operating system and architecture names, and their aliases.
 *
 * `normalizeArch` is the single switch that turns what users and `uname -m` write into the names
 * OCI images carry (Go's GOOS/GOARCH values). The rules follow containerd's platforms package:
 * - `x86_64`, `x86-64` → `amd64`; the amd64 variant `v1` is the baseline and is dropped.
 * - `aarch64` → `arm64`; the arm64 variants `8`, `v8`, `v8.0` are the baseline and are dropped.
 * - `armhf` → `arm/v7`, `armel` → `arm/v6`, `arm` alone → `arm/v7`, bare digits gain a `v`.
 * - `i386`, `i686` → `386`.
 * The tests hold the full table (test/unit/platform/platform.test.ts); this comment only sums it up.
 */

/** Operating systems Go and OCI images know (GOOS values). */
export const KNOWN_OS: ReadonlySet<string> = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'illumos',
  'ios',
  'js',
  'linux',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'wasip1',
  'windows',
]);

/** Architectures Go and OCI images know (GOARCH values). */
export const KNOWN_ARCH: ReadonlySet<string> = new Set([
  '386',
  'amd64',
  'arm',
  'arm64',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'ppc64',
  'ppc64le',
  'riscv64',
  's390x',
  'sparc64',
  'wasm',
]);

/** Lower-cases an OS name and maps `macos` to `darwin`. */
export function normalizeOs(os: string): string {
  const lower = os.toLowerCase();
  return lower === 'macos' ? 'darwin' : lower;
}

/** Turns an architecture and variant as written into their canonical pair. */
export function normalizeArch(arch: string, variant: string): { architecture: string; variant: string } {
  const a = arch.toLowerCase();
  const v = variant.toLowerCase();
  switch (a) {
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return { architecture: 'amd64', variant: v === 'v1' ? '' : v };
    case 'i386':
    case 'i686':
    case '386':
      return { architecture: '386', variant: '' };
    case 'aarch64':
    case 'arm64':
      if (v === '8' || v === 'v8' || v === 'v8.0') return { architecture: 'arm64', variant: '' };
      if (v === '9' || v === '9.0' || v === 'v9.0') return { architecture: 'arm64', variant: 'v9' };
      return { architecture: 'arm64', variant: v };
    case 'armhf':
      return { architecture: 'arm', variant: 'v7' };
    case 'armel':
      return { architecture: 'arm', variant: 'v6' };
    case 'arm':
      if (v === '' || v === '7') return { architecture: 'arm', variant: 'v7' };
      if (v === '5' || v === '6' || v === '8') return { architecture: 'arm', variant: `v${v}` };
      return { architecture: 'arm', variant: v };
    default:
      return { architecture: a, variant: v };
  }
}

/** Variants accepted for each architecture that has any; others take none. */
export const KNOWN_VARIANTS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['amd64', new Set(['v2', 'v3', 'v4'])],
  ['arm', new Set(['v5', 'v6', 'v7', 'v8'])],
  [
    'arm64',
    new Set([
      'v8.1',
      'v8.2',
      'v8.3',
      'v8.4',
      'v8.5',
      'v8.6',
      'v8.7',
      'v8.8',
      'v8.9',
      'v9',
      'v9.1',
      'v9.2',
      'v9.3',
      'v9.4',
      'v9.5',
    ]),
  ],
]);

/**
 * The host's native platform. This is the only place that looks at the machine; everything else
 * takes a platform as an argument.
 */
import { readFileSync } from 'node:fs';
import type { Platform } from './parse.js';

const NODE_ARCH: Readonly<Record<string, string>> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

/** The native platform of this machine (for 32-bit arm, the variant comes from /proc/cpuinfo). */
export function hostPlatform(): Platform {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const architecture = NODE_ARCH[process.arch] ?? process.arch;
  if (architecture === 'arm') return { os, architecture, variant: `v${armCpuArchitecture()}` };
  return { os, architecture };
}

function armCpuArchitecture(): number {
  try {
    const m = /^CPU architecture\s*:\s*(\d+)/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    const v = m ? Number.parseInt(m[1] ?? '7', 10) : 7;
    return Math.min(Math.max(v, 5), 8);
  } catch {
    return 7;
  }
}

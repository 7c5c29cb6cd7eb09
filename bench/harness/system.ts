/**
 * The machine and the tools a run measured, for the top of RESULTS.md: cores, CPU model,
 * memory, kernel, load, and each tool's own version line.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { type ManifoldCommand, manifoldArgv } from './builders.js';

/** The machine. */
export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly loadAverage: readonly number[];
}

/** Reads the machine's facts now. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function firstLine(cmd: string, args: readonly string[], cwd?: string): string {
  const r = spawnSync(cmd, [...args], { encoding: 'utf8', cwd });
  if (r.error || r.status !== 0) return 'not available';
  return `${r.stdout}${r.stderr}`.split('\n')[0]!.trim();
}

/** Version lines of every tool involved; `source` says which Manifold sources were compiled. */
export function toolVersions(
  manifold: ManifoldCommand,
  repoRoot: string,
  source: string,
): Record<string, string> {
  const m = manifoldArgv(manifold, ['version']);
  const commit = firstLine('git', ['rev-parse', '--short', 'HEAD'], repoRoot);
  return {
    manifold: `${firstLine(m.cmd, m.args)} (repository at ${commit}; compiled from: ${source})`,
    node: process.version,
    buildah: firstLine('buildah', ['--version']),
    podman: firstLine('podman', ['--version']),
    skopeo: firstLine('skopeo', ['--version']),
    runc: firstLine('runc', ['--version']),
    qemu: firstLine('qemu-aarch64-static', ['--version']),
    registry: firstLine('docker-registry', ['--version']),
  };
}

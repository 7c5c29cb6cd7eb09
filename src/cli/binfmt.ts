/**
 * `manifold binfmt [--install LIST] [--uninstall LIST]`: tonistiigi/binfmt's interface. Without
 * flags it prints the emulation status as JSON (`supported` platforms, `emulators` registered);
 * `--install all|arm64,arm,…` registers Debian's qemu-user-static emulators with the F and P
 * flags, `--uninstall LIST` removes entries; both report one line per item on stderr and then
 * print the status. Changing binfmt_misc needs root.
 */
import type { Command } from '@commander-js/extra-typings';
import {
  emulationStatus,
  type InstallOutcome,
  installEmulators,
  kernelBinfmtHost,
  type UninstallOutcome,
  uninstallEmulators,
} from '../emulation/index.js';
import { hostPlatform } from '../platform/index.js';

const split = (list: string) => list.split(',').filter((s) => s.trim() !== '');

/** Registers `manifold binfmt`. */
export function registerBinfmt(program: Command): void {
  program
    .command('binfmt')
    .description('Show, install or remove QEMU emulators in binfmt_misc (as tonistiigi/binfmt)')
    .option(
      '--install <LIST>',
      'Emulators to install: "all" or a comma list (arm64,arm,riscv64,ppc64le,s390x,386,…)',
    )
    .option(
      '--uninstall <LIST>',
      'Emulators to remove: a comma list of architectures or entries (qemu-aarch64, qemu-*)',
    )
    .action(async (opts) => {
      const host = kernelBinfmtHost();
      const platform = hostPlatform();
      if (opts.uninstall) {
        for (const o of await uninstallEmulators(split(opts.uninstall), { host, hostPlatform: platform })) {
          process.stderr.write(`${uninstallLine(o)}\n`);
        }
      }
      if (opts.install) {
        for (const o of await installEmulators(split(opts.install), { host, hostPlatform: platform })) {
          process.stderr.write(`${installLine(o)}\n`);
        }
      }
      const status = emulationStatus({ hostPlatform: platform, binfmtDir: host.dir });
      process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    });
}

function installLine(o: InstallOutcome): string {
  switch (o.result) {
    case 'installed':
      return `installing: ${o.architecture} OK (${o.entry}, flags ${o.flags})`;
    case 'replaced':
      return `installing: ${o.architecture} OK (${o.entry} replaced: it lacked the F or P flag; flags now ${o.flags})`;
    case 'present':
      return `installing: ${o.architecture} already registered (${o.entry}, flags ${o.flags})`;
    case 'native':
      return `installing: ${o.architecture} skipped: this host runs it natively`;
  }
}

function uninstallLine(o: UninstallOutcome): string {
  return o.result === 'removed' ? `uninstalling: ${o.entry} OK` : `uninstalling: ${o.entry} not registered`;
}

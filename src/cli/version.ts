/** `manifold version`: prints the version, as `docker buildx version` does. */
import type { Command } from '@commander-js/extra-typings';
import { formatPlatform, hostPlatform } from '../platform/index.js';
import { manifoldVersion } from '../version.js';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('Show the Manifold version')
    .action(() => {
      process.stdout.write(
        `manifold v${manifoldVersion()} (node ${process.version}, ${formatPlatform(hostPlatform())})\n`,
      );
    });
}

/**
 * Runs the image commands as `manifold` would once they are wired into src/cli/main.ts: the
 * integration tests start this in a child process with their own MANIFOLD_HOME and DOCKER_CONFIG.
 */
import { Command } from '@commander-js/extra-typings';
import { reportError } from '../../../src/cli/errors.js';
import { registerImages } from '../../../src/cli/images.js';
import { registerImagetools } from '../../../src/cli/imagetools.js';
import { registerManifest } from '../../../src/cli/manifest.js';
import { registerPull } from '../../../src/cli/pull.js';
import { registerPush } from '../../../src/cli/push.js';

const program = new Command().name('manifold').option('--debug').exitOverride();
registerPull(program);
registerPush(program);
registerImages(program);
registerImagetools(program);
registerManifest(program);
const argv = process.argv.slice(2);
try {
  await program.parseAsync(argv, { from: 'user' });
} catch (err) {
  process.exitCode = reportError(err, argv.includes('--debug'));
}

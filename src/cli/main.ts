/**
 * The `manifold` command line: one file per command under src/cli/, each parsing its flags,
 * calling the library and printing. This file wires them together and owns the exit code.
 */
import { Command } from '@commander-js/extra-typings';
import { manifoldVersion } from '../version.js';
import { registerBinfmt } from './binfmt.js';
import { registerBuild } from './build.js';
import { buildRunner } from './build-runner.js';
import { registerBuilders } from './builders.js';
import { reportError } from './errors.js';
import { registerImages } from './images.js';
import { registerImagetools } from './imagetools.js';
import { registerManifest } from './manifest.js';
import { registerPrune } from './prune.js';
import { registerPull } from './pull.js';
import { registerPush } from './push.js';
import { registerRun } from './run.js';
import { registerVersion } from './version.js';

/** How one run of the CLI is carried out. */
export interface MainOptions {
  /** Cancels the run's build (the resident builder's client went away). */
  readonly signal?: AbortSignal;
}

/** Builds the program with every command registered; commands report their exit code to `setExitCode`. */
export function createProgram(
  setExitCode: (code: number) => void = () => {},
  options: MainOptions = {},
): Command {
  const program = new Command()
    .name('manifold')
    .description('Build multi-platform container images from Dockerfiles, without a Docker daemon')
    .version(manifoldVersion(), '-v, --version', 'Print the version and exit')
    .option('--debug', 'Print stack traces and debug details')
    .option('--builder <NAME>', 'Override the configured builder instance (also MANIFOLD_BUILDER)')
    .showSuggestionAfterError(true)
    .enablePositionalOptions()
    .exitOverride();
  program.configureHelp({ sortSubcommands: true });
  registerVersion(program);
  registerRun(program as unknown as Command, setExitCode);
  registerBuild(program as unknown as Command, buildRunner(undefined, options.signal));
  registerBuilders(program as unknown as Command);
  registerBinfmt(program as unknown as Command);
  registerPrune(program as unknown as Command);
  registerPull(program as unknown as Command);
  registerPush(program as unknown as Command);
  registerImages(program as unknown as Command);
  registerImagetools(program as unknown as Command);
  registerManifest(program as unknown as Command);
  // `--builder NAME`, before the command or on it, is MANIFOLD_BUILDER=NAME for this command: the
  // library resolves the builder from there, so the flag reaches every command that builds.
  program.hook('preAction', (root, action) => {
    const name = action.opts().builder ?? root.opts().builder;
    if (typeof name === 'string' && name !== '') process.env.MANIFOLD_BUILDER = name;
  });
  return program as unknown as Command;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  let exitCode = 0;
  const program = createProgram((code) => {
    exitCode = code;
  }, options);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help')
      return 0;
    return reportError(err, argv.includes('--debug'));
  }
}

/**
 * The `manifold` command line: one file per command under src/cli/, each parsing its flags,
 * calling the library and printing. This file wires them together and owns the exit code.
 */
import { Command } from '@commander-js/extra-typings';
import { manifoldVersion } from '../version.js';
import { reportError } from './errors.js';
import { registerVersion } from './version.js';

/** Builds the program with every command registered. */
export function createProgram(): Command {
  const program = new Command()
    .name('manifold')
    .description('Build multi-platform container images from Dockerfiles, without a Docker daemon')
    .version(manifoldVersion(), '-v, --version', 'Print the version and exit')
    .option('--debug', 'Print stack traces and debug details')
    .showSuggestionAfterError(true)
    .exitOverride();
  program.configureHelp({ sortSubcommands: true });
  registerVersion(program);
  return program as unknown as Command;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help')
      return 0;
    return reportError(err, argv.includes('--debug'));
  }
}

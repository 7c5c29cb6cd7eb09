/** `manifold run`: runs an image of any platform, as `docker run --rm` does. */
import type { Command } from '@commander-js/extra-typings';
import { runImage } from '../run/index.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerRun(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('run')
    .description('Run a command in a new container of an image, for any platform')
    .argument('<image>', 'image to run (from the store, or pulled)')
    .argument('[command...]', 'command and arguments (replace the image CMD)')
    .option('--platform <platform>', 'platform of the image to run (default: the host)')
    .option('--rm', 'remove the container when it exits (always the case)')
    .option('-e, --env <NAME=value>', 'set an environment variable', collect, [] as string[])
    .option('--entrypoint <command>', 'override the image ENTRYPOINT')
    .option('-u, --user <user>', 'user to run as (name or uid[:gid])')
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('--network <mode>', 'network mode: default, none or host', 'default')
    .option('--pull', 'pull the image even if the store has it')
    .passThroughOptions()
    .action(async (image, command, opts) => {
      const network = opts.network;
      if (network !== 'default' && network !== 'none' && network !== 'host') {
        throw new Error(`--network must be default, none or host, not "${network}"`);
      }
      const code = await runImage({
        image,
        args: command,
        env: opts.env,
        network,
        ...(opts.platform ? { platform: opts.platform } : {}),
        ...(opts.entrypoint !== undefined ? { entrypoint: opts.entrypoint } : {}),
        ...(opts.user ? { user: opts.user } : {}),
        ...(opts.workdir ? { workdir: opts.workdir } : {}),
        ...(opts.pull ? { pull: true } : {}),
        onOutput: (stream, data) => (stream === 'stdout' ? process.stdout : process.stderr).write(data),
      });
      setExitCode(code);
    });
}

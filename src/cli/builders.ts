/**
 * Builder instance commands, as buildx names them: `create`, `use`, `ls`, `inspect`, `rm`,
 * `stop`. Each parses its flags, calls src/builder/instances and prints; notes (a driver that
 * became `local`, ignored configuration) go to stderr, results to stdout.
 */
import type { Command } from '@commander-js/extra-typings';
import {
  createBuilder,
  describeBuilders,
  formatBuilderInspect,
  formatBuilderJson,
  formatBuilderTable,
  inspectBuilder,
  removeBuilder,
  removeInactiveBuilders,
  resolveBuilderName,
  stopBuilder,
  useBuilder,
} from '../builder/instances/index.js';
import { ManifoldError } from '../errors/index.js';
import { stopResident } from '../resident/client.js';
import { confirm } from './prune.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** Registers create, use, ls, inspect, rm and stop. */
export function registerBuilders(program: Command): void {
  registerCreate(program);
  program
    .command('use')
    .description('Set the current builder instance')
    .argument('[NAME]', 'Builder to use (with --default alone: the default builder)')
    .option('--default', 'Set builder as default for the current context')
    .option('--global', 'Builder persists context changes (always the case)')
    .action(async (name, opts) => {
      const target = name ?? (opts.default ? 'default' : undefined);
      if (target === undefined) {
        throw new ManifoldError('E_BUILDER_NAME', '"use" needs the name of a builder', {
          hint: 'run "manifold use NAME"; "manifold ls" lists the builders',
        });
      }
      await useBuilder(target);
    });
  program
    .command('ls')
    .description('List builder instances')
    .option('--format <FORMAT>', 'Format the output: "table" or "json"', 'table')
    .action(async (opts) => {
      if (opts.format !== 'table' && opts.format !== 'json') {
        throw new ManifoldError('E_LS_FORMAT', `unknown format "${opts.format}"`, {
          hint: 'use --format table or --format json',
        });
      }
      const infos = await describeBuilders();
      process.stdout.write(opts.format === 'json' ? formatBuilderJson(infos) : formatBuilderTable(infos));
    });
  program
    .command('inspect')
    .description('Inspect current builder instance')
    .argument('[NAME]', 'Builder to inspect (default: the current one)')
    .option('--bootstrap', 'Ensure builder has booted before inspecting')
    .option('--builder <NAME>', 'Override the configured builder instance')
    .action(async (name, opts) => {
      const info = await inspectBuilder(name, { bootstrap: opts.bootstrap === true });
      process.stdout.write(formatBuilderInspect(info));
    });
  registerRm(program);
  program
    .command('stop')
    .description('Stop builder instance')
    .argument('[NAME]', 'Builder to stop (default: the current one)')
    .option('--builder <NAME>', 'Override the configured builder instance')
    .action(async (name) => {
      await stopBuilder(await resolveBuilderName(name));
      // The resident builder serves every builder of this state directory: it quits too, and
      // the next build starts it again.
      await stopResident();
    });
}

function registerCreate(program: Command): void {
  program
    .command('create')
    .description('Create a new builder instance')
    .option('--name <NAME>', 'Builder instance name')
    .option('--driver <DRIVER>', 'Driver to use (local; docker-container and docker make a local builder)')
    .option('--driver-opt <OPT>', 'Options for the driver (ignored: Manifold runs no container)', collect, [])
    .option('--platform <PLATFORMS>', 'Fixed platforms: the builder builds only these', collect, [])
    .option('--config <FILE>', 'BuildKit daemon config file (buildkitd.toml), copied into the builder')
    .option('--buildkitd-config <FILE>', 'Same as --config')
    .option('--buildkitd-flags <FLAGS>', 'BuildKit daemon flags (ignored: there is no daemon)')
    .option('--use', 'Set the current builder instance')
    .option('--bootstrap', 'Boot builder after creation')
    .action(async (opts) => {
      const config = opts.config ?? opts.buildkitdConfig;
      const created = await createBuilder({
        ...(opts.name === undefined ? {} : { name: opts.name }),
        ...(opts.driver === undefined ? {} : { driver: opts.driver }),
        driverOpts: opts.driverOpt,
        platforms: opts.platform,
        ...(config === undefined ? {} : { configFile: config }),
        use: opts.use === true,
        bootstrap: opts.bootstrap === true,
      });
      for (const note of created.notes) process.stderr.write(`${note}\n`);
      if (opts.buildkitdFlags !== undefined)
        process.stderr.write(`ignored --buildkitd-flags: there is no BuildKit daemon\n`);
      process.stdout.write(`${created.builder.name}\n`);
    });
}

function registerRm(program: Command): void {
  program
    .command('rm')
    .description('Remove one or more builder instances')
    .argument('[NAME...]', 'Builders to remove (default: the current one)')
    .option('--keep-state', 'Keep BuildKit state (cache, snapshots)')
    .option('--all-inactive', 'Remove all inactive builders')
    .option('-f, --force', 'Do not prompt for confirmation')
    .option('--builder <NAME>', 'Override the configured builder instance')
    .action(async (names, opts) => {
      const keepState = opts.keepState === true;
      if (opts.allInactive) {
        if (names.length) {
          throw new ManifoldError(
            'E_BUILDER_NAME',
            'specify either a builder name or --all-inactive, not both',
            {
              hint: 'run "manifold rm --all-inactive" alone',
            },
          );
        }
        const question =
          'WARNING! This will remove all builders that are not in running state. Are you sure you want to continue?';
        if (!opts.force && !(await confirm(question))) return;
        for (const n of await removeInactiveBuilders({ keepState })) process.stderr.write(`${n} removed\n`);
        return;
      }
      const targets = names.length ? names : [await resolveBuilderName(undefined)];
      for (const n of targets) {
        await removeBuilder(n, { keepState });
        process.stderr.write(`${n} removed\n`);
      }
    });
}

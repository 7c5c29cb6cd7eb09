/**
 * `manifold prune` and `manifold du`: a builder's cache, as `buildx prune` and `buildx du` print
 * it. `prune` asks before removing anything unless `-f`; `du --verbose` prints one block per
 * record. The builder is `--builder`, else MANIFOLD_BUILDER, else the current one.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from '@commander-js/extra-typings';
import {
  builderDiskUsage,
  formatCacheTable,
  formatCacheTotals,
  formatCacheVerbose,
  formatPruneResult,
  parsePruneFilters,
  pruneBuilder,
  requireSize,
} from '../builder/instances/index.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** Asks `question` on stderr and reads a yes from stdin (anything else, or no input, is no). */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  try {
    process.stderr.write(`${question} [y/N] `);
    const answer = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Registers `prune` and `du`. */
export function registerPrune(program: Command): void {
  program
    .command('prune')
    .description('Remove build cache')
    .option('-a, --all', 'Include base-image layers, not just build-step results and cache mounts')
    .option(
      '--filter <FILTER>',
      'Provide filter values (e.g. "until=24h", "type=exec.cachemount")',
      collect,
      [],
    )
    .option('--keep-storage <SIZE>', 'Amount of disk space to keep for cache (e.g. 5GB)')
    .option('-f, --force', 'Do not prompt for confirmation')
    .option('--verbose', 'Provide a more verbose output')
    .option('--builder <NAME>', 'Override the configured builder instance')
    .action(async (opts) => {
      parsePruneFilters(opts.filter);
      const keepStorage =
        opts.keepStorage === undefined ? undefined : requireSize(opts.keepStorage, '--keep-storage');
      if (!opts.force) {
        const what = opts.all ? 'all build cache' : 'all dangling build cache';
        if (!(await confirm(`WARNING! This will remove ${what}. Are you sure you want to continue?`))) return;
      }
      const result = await pruneBuilder({
        all: opts.all === true,
        filters: opts.filter,
        ...(keepStorage === undefined ? {} : { keepStorage }),
      });
      if (opts.verbose) process.stdout.write(formatCacheVerbose(result.removed));
      process.stdout.write(
        opts.verbose
          ? formatPruneResult([], result.reclaimed)
          : formatPruneResult(result.removed, result.reclaimed),
      );
    });
  program
    .command('du')
    .description('Disk usage of the builder cache')
    .option('--verbose', 'Provide a more verbose output')
    .option('--builder <NAME>', 'Override the configured builder instance')
    .action(async (opts) => {
      const usage = await builderDiskUsage();
      process.stdout.write(
        `${opts.verbose ? formatCacheVerbose(usage.records) : formatCacheTable(usage.records)}${formatCacheTotals(usage.totals)}`,
      );
    });
}

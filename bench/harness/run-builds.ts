/**
 * Runs a build scenario: for each repetition, each variant in order, every builder in turn,
 * the builders' order rotating by one each repetition (M B P, B P M, P M B…), so no tool always
 * runs first after a context change or right after another tool's heavy run. A cold variant
 * rewrites the context and empties each builder's state just before its build; other variants
 * change the context once, before all builders. Each push goes to a repository of its own per
 * tool and repetition, so a cold push really uploads, and rebuilds push to the same name.
 */
import path from 'node:path';
import type { BuildScenario, Sizes } from '../scenarios/types.js';
import type { Builder } from './builders.js';
import type { RunRecord } from './records.js';

/** What a scenario run needs. */
export interface BuildRunEnv {
  /** The benchmark registry (`127.0.0.1:5531`): base images and pushes. */
  readonly registry: string;
  /** Where contexts live. */
  readonly workDir: string;
  /** Where run logs go. */
  readonly logDir: string;
  /** The repository root, to make log paths relative. */
  readonly repoRoot: string;
  readonly sizes: Sizes;
  readonly builders: readonly Builder[];
  /** Distinguishes this run's repositories from earlier runs'. */
  readonly runId: string;
  /** Called with each record as it is made (progress output, partial results). */
  readonly onRecord: (record: RunRecord) => void;
}

/** The builders in the order of repetition `rep` (1-based). */
export function rotation<T>(items: readonly T[], rep: number): T[] {
  const k = (rep - 1) % Math.max(1, items.length);
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Runs every repetition of `scenario`; returns its records. */
export async function runBuildScenario(scenario: BuildScenario, env: BuildRunEnv): Promise<RunRecord[]> {
  const context = path.join(env.workDir, 'contexts', scenario.name);
  const records: RunRecord[] = [];
  for (let rep = 1; rep <= env.sizes.reps; rep++) {
    for (const variant of scenario.variants) {
      if (variant.cold) await scenario.prepare(context, env.sizes);
      else if (variant.change) await variant.change(context, rep, env.sizes);
      for (const builder of rotation(env.builders, rep)) {
        if (variant.cold) await builder.reset();
        const log = path.join(env.logDir, `${scenario.name}-${variant.name}-r${rep}-${builder.name}.log`);
        const sample = await builder.build({
          context,
          dockerfile: scenario.dockerfile,
          platforms: scenario.platforms,
          buildArgs: { REG: env.registry, ...scenario.buildArgs(env.sizes) },
          image: `${env.registry}/bench/${scenario.name}-${builder.name}-${env.runId}-r${rep}`,
          log,
        });
        const record: RunRecord = {
          scenario: scenario.name,
          variant: variant.name,
          tool: builder.name,
          rep,
          sample,
          log: path.relative(env.repoRoot, log),
        };
        records.push(record);
        env.onRecord(record);
      }
    }
  }
  return records;
}

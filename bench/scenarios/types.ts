/**
 * What a benchmark scenario is. A build scenario is one Dockerfile, one context and a sequence
 * of variants run in order on the same state (cold, then no-change, touch, edit…); the runner
 * runs each variant for every builder, alternating, before going to the next variant. The big
 * scenario (transfers of a 1 GiB layer) has its own runner.
 */

/** Sizes that `--quick` shrinks. */
export interface Sizes {
  /** Repetitions of every scenario. */
  readonly reps: number;
  readonly contextFiles: number;
  readonly contextBytes: number;
  /** Iterations of the shell loop of the cross scenario's build stage. */
  readonly crossIterations: number;
  /** Iterations of the shell loop of each stage of the stages scenario. */
  readonly stagesIterations: number;
  /** Size of the big layer's one file. */
  readonly bigBytes: number;
}

/** One step of a build scenario. */
export interface Variant {
  /** `cold`, `no-change`, `touch`, `edit`… */
  readonly name: string;
  /** Empty each builder's state before its build. */
  readonly cold: boolean;
  /** Changes the context before this variant's builds (once, for every builder). */
  readonly change?: (context: string, rep: number, sizes: Sizes) => Promise<void>;
}

/** A Dockerfile built for several platforms and pushed, in variants. */
export interface BuildScenario {
  readonly kind: 'build';
  readonly name: string;
  /** One line for RESULTS.md. */
  readonly description: string;
  /** Absolute path of the Dockerfile (outside the context). */
  readonly dockerfile: string;
  readonly platforms: readonly string[];
  /** Build arguments besides REG (the registry holding the base images). */
  buildArgs(sizes: Sizes): Record<string, string>;
  /** Writes the context in its initial form (before every cold variant). */
  prepare(context: string, sizes: Sizes): Promise<void>;
  readonly variants: readonly Variant[];
}

/** The three target platforms of every build scenario. */
export const PLATFORMS: readonly string[] = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];

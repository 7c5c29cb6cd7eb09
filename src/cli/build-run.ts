/** The contract between `manifold build` and the builder that runs a real build. */
import type { BuildCliOptions } from './build-flags.js';

/** Runs a build as the flags ask; resolves to the exit code. */
export type BuildRunner = (opts: BuildCliOptions) => Promise<number>;

/**
 * The parts of the local worker that touch the machine — running a RUN step in runc (under
 * emulation where needed), performing file actions, checksumming what a COPY reads — gathered
 * in one object so that the build can be wired in one place.
 */
import type { Platform } from '../platform/index.js';
import type { CopyChecksum, FileActionRunner, StepRunner } from '../worker/local-worker.js';

export interface BuildEngine {
  readonly runStep: StepRunner;
  readonly applyFileActions: FileActionRunner;
  readonly copyChecksum?: CopyChecksum;
  /** Throws, before any work, when a platform's steps cannot run on this machine. */
  checkPlatforms(platforms: readonly Platform[], host: Platform): void;
}

/** The engine of this machine: runc, qemu-user-static through binfmt_misc, the file-op executor. */
export function defaultEngine(): BuildEngine {
  throw new Error('the default engine is wired once the executor and file-op modules land');
}

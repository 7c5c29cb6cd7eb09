/**
 * The parts of the local worker that touch the machine — running a RUN step in runc (under
 * emulation where needed), performing file actions, checksumming what a COPY reads — gathered
 * in one object so that the build is wired in one place and tests can swap a part.
 */
import { type Platform, parsePlatform } from '../platform/index.js';
import { checkEmulators, runStep } from '../worker/exec/index.js';
import { applyFileActions, copySourceChecksum } from '../worker/fileop/index.js';
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
  return {
    checkPlatforms(platforms, host) {
      checkEmulators(platforms, { host });
    },
    async runStep(step) {
      const { exitCode } = await runStep({
        rootfs: step.rootfs,
        exec: step.op,
        mounts: step.mounts,
        platform: parsePlatform(step.op.platform),
        onOutput: step.onOutput,
        signal: step.signal,
      });
      return exitCode;
    },
    async applyFileActions(actions, roots) {
      await applyFileActions(actions, {
        destRoot: roots.destRoot,
        sources: roots.sourceRoot,
        signal: roots.signal,
      });
    },
    copyChecksum: (action, sourceRoot, memo) =>
      copySourceChecksum(
        action,
        { root: sourceRoot, kind: 'local', description: 'the build context' },
        { cache: { get: (abs, stats) => memo.digest(abs, stats) } },
      ),
  };
}

/**
 * Runs the actions of one file op on the destination root, in order; each action sees what the
 * ones before it did. The first failure stops the run and leaves the root half-changed: run on a
 * fresh snapshot and discard it on error, as for a layer apply.
 */
import path from 'node:path';
import type { FileAction } from '../../graph/ops.js';
import { type RunContext, runCopy } from './copy.js';
import { FileOpIoError } from './errors.js';
import { lstatIfPresent } from './fs-probe.js';
import { runMkdir, runMkfile, runRm } from './make-remove.js';
import type { ApplyFileActionsOptions, FileActionsResult } from './types.js';

/** Applies `actions` to `options.destRoot`. */
export async function applyFileActions(
  actions: readonly FileAction[],
  options: ApplyFileActionsOptions,
): Promise<FileActionsResult> {
  const destRoot = path.resolve(options.destRoot);
  if (!(await lstatIfPresent(destRoot))?.isDirectory()) {
    throw new FileOpIoError(`cannot apply file actions to ${destRoot}`, new Error('not a directory'));
  }
  const ctx: RunContext = {
    destRoot,
    sources: options.sources,
    time: options.sourceDateEpoch,
    xattrs: options.xattrs ?? true,
    signal: options.signal,
    skipped: [],
    counter: { written: 0 },
  };
  for (const action of actions) {
    options.signal?.throwIfAborted();
    switch (action.action) {
      case 'copy':
        await runCopy(action, ctx);
        break;
      case 'mkdir':
        await runMkdir(action, ctx);
        break;
      case 'mkfile':
        await runMkfile(action, ctx);
        break;
      case 'rm':
        await runRm(action, ctx);
        break;
    }
  }
  return { written: ctx.counter.written, skipped: ctx.skipped };
}

/** Routes each stage instruction to its dispatcher. */
import type { StageInstruction } from '../instructions/index.js';
import type { DispatchContext } from './context.js';
import {
  type ArgSources,
  dispatchArg,
  dispatchCommand,
  dispatchHealthcheck,
  dispatchKeyValues,
  dispatchList,
  dispatchOnbuild,
  dispatchShell,
  dispatchSingle,
  dispatchWorkdir,
} from './dispatch-config.js';
import { dispatchCopy } from './dispatch-copy.js';
import { dispatchRun } from './dispatch-run.js';
import type { StageBuilder } from './stage-builder.js';

export async function dispatch(
  b: StageBuilder,
  ins: StageInstruction,
  ctx: DispatchContext,
  args: ArgSources,
): Promise<void> {
  b.step++;
  switch (ins.kind) {
    case 'arg':
      return dispatchArg(b, ins, args);
    case 'env':
    case 'label':
      return dispatchKeyValues(b, ins);
    case 'run':
      return dispatchRun(b, ins, ctx);
    case 'cmd':
    case 'entrypoint':
      return dispatchCommand(b, ins);
    case 'copy':
    case 'add':
      return dispatchCopy(b, ins, ctx);
    case 'workdir':
      return dispatchWorkdir(b, ins, ctx);
    case 'user':
    case 'stopsignal':
    case 'maintainer':
      return dispatchSingle(b, ins);
    case 'expose':
    case 'volume':
      return dispatchList(b, ins);
    case 'healthcheck':
      return dispatchHealthcheck(b, ins);
    case 'shell':
      return dispatchShell(b, ins);
    case 'onbuild':
      return dispatchOnbuild(b, ins);
  }
}

/** What dispatchers need from the conversion around them. */
import type { State } from '../../graph/index.js';
import type { InstructionNode } from '../parser/ast.js';
import type { StageBuilder } from './stage-builder.js';

/** Where a `--from` name was written: `COPY --from=` (stage index, name or image) or `RUN --mount=from=` (name or image). */
export type FromUse = 'copy' | 'mount';

export interface DispatchContext {
  /** The file system named by `--from` or a mount's `from`: an earlier stage, or an image for the target platform. */
  resolveFrom(name: string, node: InstructionNode, builder: StageBuilder, use: FromUse): Promise<State>;
  /** The build context (local source with the .dockerignore patterns). */
  context(): State;
  /** Display name of a vertex for the instruction at `node`. */
  vertexName(builder: StageBuilder, node: InstructionNode): string;
  /** Whether this stage skips the cache (`--no-cache-filter`). */
  ignoreCache(builder: StageBuilder): boolean;
  /** The predefined proxy args given with `--build-arg`, as `[name, value]` (see dispatch-run.ts). */
  proxyArgs(): ReadonlyArray<readonly [string, string]>;
}

/** What dispatchers need from the conversion around them. */
import type { State } from '../../graph/index.js';
import type { InstructionNode } from '../parser/ast.js';
import type { StageBuilder } from './stage-builder.js';

export interface DispatchContext {
  /** The file system named by `--from` or a mount's `from`: a stage (by name or index) or an image. */
  resolveFrom(name: string, node: InstructionNode, builder: StageBuilder): Promise<State>;
  /** The build context (local source with the .dockerignore patterns). */
  context(): State;
  /** Display name of a vertex for the instruction at `node`. */
  vertexName(builder: StageBuilder, node: InstructionNode): string;
  /** Whether this stage skips the cache (`--no-cache-filter`). */
  ignoreCache(builder: StageBuilder): boolean;
}

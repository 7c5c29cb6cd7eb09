/** The solver: schedules build graphs, dedupes vertices across platforms, caches results by key. */
export { InvalidGraphError, VertexFailedError } from './errors.js';
export { Limiter } from './limiter.js';
export {
  type ResultCache,
  type SolveContext,
  type SolveOptions,
  type SolveResult,
  solve,
  type Worker,
} from './solve.js';

/**
 * Build graphs: immutable states (`image`, `local`, `State.run`, `State.file`) marshalled into a
 * Merkle DAG of ops keyed by content digest. See ops.ts for what goes into a key and why.
 */
export { canonicalJson } from './canonical.js';
export type {
  ChownSpec,
  ExecMount,
  ExecOp,
  FileAction,
  FileOp,
  HttpSourceOp,
  ImageSourceOp,
  LocalSourceOp,
  Op,
  Vertex,
  VertexMeta,
} from './ops.js';
export {
  type Definition,
  http,
  image,
  local,
  marshal,
  type RunOptions,
  State,
  type StateFileAction,
  type StateMount,
  vertexDigest,
} from './state.js';

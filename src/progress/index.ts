/** Progress: events keyed by vertex digest, and the renderers that show them. */
export {
  discardProgress,
  type LogEvent,
  type ProgressEvent,
  type ProgressSink,
  type StatusEvent,
  type VertexEvent,
} from './events.js';
export { formatBytes, PlainRenderer } from './plain.js';

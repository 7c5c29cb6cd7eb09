/**
 * Progress: events keyed by vertex digest (events.ts), helpers to report them (reporter.ts),
 * and the renderers that show them: plain (BuildKit's `#N` blocks), tty (redrawn in place),
 * rawjson (BuildKit's SolveStatus lines), quiet; replay turns rawjson back into plain text.
 */
export {
  createProgressDisplay,
  type DisplayOptions,
  type DisplayTarget,
  type ProgressDisplay,
  type ProgressMode,
  type ProgressRenderer,
} from './display.js';
export {
  discardProgress,
  type LogEvent,
  type ProgressEvent,
  type ProgressSink,
  type StatusEvent,
  type VertexEvent,
} from './events.js';
export { formatBytes, formatLogOffset, formatRate, formatSeconds, formatStatusBytes } from './format.js';
export { isCancellation, PlainRenderer } from './plain.js';
export { RawJsonRenderer } from './rawjson.js';
export { eventsFromRawJson, replayRawJson } from './replay.js';
export { ProgressVertex, StatusReporter, type StatusReporterOptions } from './reporter.js';
export {
  parseSolveStatusLine,
  type SolveStatus,
  SolveStatusDecoder,
  SolveStatusEncoder,
  type SolveVertex,
  type SolveVertexLog,
  type SolveVertexStatus,
} from './solve-status.js';
export { ProgressTrace, platformOfName, type TraceStatus, type TraceVertex } from './trace.js';
export { type TerminalStream, type TtyOptions, TtyRenderer } from './tty.js';
export { type FrameLine, type FrameOptions, renderFrame } from './tty-frame.js';

/**
 * Replay: a rawjson recording (Manifold's, or buildx's own `--progress rawjson` output) turned
 * back into events and fed to a renderer, by default the plain one, so a machine-readable log
 * can be read as the `--progress plain` text of the same build. Lines that are not JSON
 * objects (messages printed around the progress) are skipped.
 */
import type { ProgressEvent } from './events.js';
import { PlainRenderer } from './plain.js';
import { parseSolveStatusLine, SolveStatusDecoder } from './solve-status.js';

/** The events a rawjson recording stands for, in order. */
export function eventsFromRawJson(text: string | Iterable<string>): ProgressEvent[] {
  const lines = typeof text === 'string' ? text.split('\n') : text;
  const decoder = new SolveStatusDecoder();
  const events: ProgressEvent[] = [];
  for (const line of lines) {
    const status = parseSolveStatusLine(line);
    if (status) events.push(...decoder.decode(status));
  }
  return events;
}

/** The plain text of a rawjson recording. */
export function replayRawJson(text: string | Iterable<string>): string {
  let out = '';
  const renderer = new PlainRenderer((t) => {
    out += t;
  });
  for (const event of eventsFromRawJson(text)) renderer.handle(event);
  renderer.finish();
  return out;
}

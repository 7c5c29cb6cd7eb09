/**
 * The rawjson renderer (`--progress rawjson`): one BuildKit `SolveStatus` JSON object per line,
 * one line per event (solve-status.ts describes the format), for programs to consume.
 */
import type { ProgressEvent } from './events.js';
import { SolveStatusEncoder } from './solve-status.js';

/** Writes each event as one JSON line through `write`. */
export class RawJsonRenderer {
  private readonly encoder = new SolveStatusEncoder();

  constructor(private readonly write: (text: string) => void) {}

  /** Handles one event. */
  handle(event: ProgressEvent): void {
    this.write(`${JSON.stringify(this.encoder.encode(event))}\n`);
  }

  /** Nothing is buffered. */
  finish(): void {}
}

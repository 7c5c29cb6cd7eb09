/**
 * Where a file output's bytes go. A path gets a temp file in the same directory (parents
 * created), renamed over the path only when everything was written, so a failed build leaves
 * the old file (or none) rather than half a tar. A stream (standard output) is written as is
 * and never ended: it belongs to the caller.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { OutputDestinationError } from './errors.js';
import type { Destination } from './types.js';

/** An open destination. */
export interface Sink {
  readonly stream: Writable;
  /** True for a file the sink opened (end it when done); false for the caller's stream. */
  readonly ownsStream: boolean;
}

/** Runs `write` against `dest`; a file appears at its path only if `write` succeeds. */
export async function withSink(dest: Destination, write: (sink: Sink) => Promise<void>): Promise<void> {
  if (typeof dest !== 'string') {
    await write({ stream: dest, ownsStream: false });
    return;
  }
  const file = path.resolve(dest);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await mkdir(path.dirname(file), { recursive: true });
  } catch (err) {
    throw new OutputDestinationError(
      `cannot create the directory of ${dest}: ${(err as Error).message}`,
      'give a destination in a directory you can write',
      err,
    );
  }
  const stream = createWriteStream(tmp, { mode: 0o644 });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (err) {
    throw new OutputDestinationError(
      `cannot write ${dest}: ${(err as Error).message}`,
      'give a destination in a directory you can write',
      err,
    );
  }
  try {
    await write({ stream, ownsStream: true });
    if (!stream.writableFinished) {
      await new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.end(() => resolve());
      });
    }
    await rename(tmp, file);
  } catch (err) {
    stream.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
}

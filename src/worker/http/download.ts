/**
 * `ADD https://…`: a file fetched over HTTP(S) into a snapshot of its own, as `/<filename>` with
 * mode 0600 and the server's Last-Modified time (BuildKit's rules), hashed while it streams and
 * checked against `--checksum` when one was given. A failed download leaves no snapshot.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Dispatcher, request } from 'undici';
import { ManifoldError } from '../../errors/index.js';
import type { HttpSourceOp } from '../../graph/index.js';
import type { SnapshotStore } from '../snapshots/index.js';

/** A download failed or did not match its checksum. */
export class DownloadError extends ManifoldError {
  constructor(url: string, reason: string, hint: string) {
    super('E_ADD_URL', `ADD ${url}: ${reason}`, { hint });
    this.name = 'DownloadError';
  }
}

/** What a download made. */
export interface Downloaded {
  readonly snapshot: string;
  /** sha256 of the file's bytes. */
  readonly digest: string;
}

/** Downloads `op.url` into a new snapshot. */
export async function download(
  op: HttpSourceOp,
  snapshots: SnapshotStore,
  dispatcher: Dispatcher,
  signal?: AbortSignal,
): Promise<Downloaded> {
  let response: Dispatcher.ResponseData<unknown>;
  try {
    response = await request(op.url, { dispatcher, ...(signal ? { signal } : {}) });
  } catch (err) {
    throw new DownloadError(
      op.url,
      (err as Error).message,
      'check the URL and that the server is reachable from this machine',
    );
  }
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new DownloadError(op.url, `the server answered ${response.statusCode}`, 'check the URL');
  }
  const { id, fs } = await snapshots.create();
  try {
    const hash = createHash('sha256');
    const file = path.join(fs, op.filename);
    await pipeline(
      response.body,
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      }),
      createWriteStream(file, { mode: 0o600 }),
    );
    const digest = `sha256:${hash.digest('hex')}`;
    if (op.checksum && op.checksum !== digest) {
      throw new DownloadError(
        op.url,
        `checksum mismatch: expected ${op.checksum}, got ${digest}`,
        'update --checksum, or check where the file comes from',
      );
    }
    const modified = Date.parse(String(response.headers['last-modified'] ?? ''));
    if (!Number.isNaN(modified)) await utimes(file, new Date(modified), new Date(modified));
    await snapshots.finish(id);
    return { snapshot: id, digest };
  } catch (err) {
    await snapshots.remove(id);
    throw err;
  }
}

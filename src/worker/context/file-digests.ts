/**
 * Content digests of local files, remembered by (inode, size, mtime, ctime) so an unchanged file
 * is hashed once and a touched file is re-hashed (and, if its bytes are the same, gives the same
 * digest). The memo is a JSON file in the builder's state, loaded once and saved after a build.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { open, readFile, rename, writeFile } from 'node:fs/promises';

interface Entry {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly digest: string;
}

const CHUNK = 1024 * 1024;

/** sha256 of a file's bytes, read in 1 MiB chunks. */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return `sha256:${hash.digest('hex')}`;
}

/** A memo of file digests, optionally persisted. */
export class FileDigestMemo {
  private entries = new Map<string, Entry>();
  private dirty = false;

  private constructor(private readonly file: string | undefined) {}

  /** Loads the memo from `file` (a missing or broken file starts empty). */
  static async load(file: string | undefined): Promise<FileDigestMemo> {
    const memo = new FileDigestMemo(file);
    if (file) {
      try {
        memo.entries = new Map(
          Object.entries(JSON.parse(await readFile(file, 'utf8')) as Record<string, Entry>),
        );
      } catch {
        memo.entries = new Map();
      }
    }
    return memo;
  }

  /** The digest of `absPath`, whose lstat is `stats`. */
  async digest(absPath: string, stats: Stats): Promise<string> {
    const known = this.entries.get(absPath);
    if (
      known &&
      known.ino === stats.ino &&
      known.size === stats.size &&
      known.mtimeMs === stats.mtimeMs &&
      known.ctimeMs === stats.ctimeMs
    ) {
      return known.digest;
    }
    const digest = await hashFile(absPath);
    this.entries.set(absPath, {
      ino: stats.ino,
      size: stats.size,
      mtimeMs: stats.mtimeMs,
      ctimeMs: stats.ctimeMs,
      digest,
    });
    this.dirty = true;
    return digest;
  }

  /** Writes the memo back when it changed. */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(Object.fromEntries(this.entries)));
    await rename(tmp, this.file);
    this.dirty = false;
  }
}

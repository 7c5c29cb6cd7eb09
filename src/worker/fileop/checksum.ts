/**
 * A content checksum of what one copy action reads from its source: the cache key input that
 * makes "touched but unchanged" not a change (BuildKit's contenthash, in spirit).
 *
 * It walks exactly what the copy reads (source-select.ts and selection-walk.ts: wildcards,
 * `--parents`, `--exclude`, symlinks not followed below a source) and hashes, in walk order, one
 * record per entry: the matched source path, the entry's path below it, its type, permission
 * bits, owner (only for snapshot sources: a local source's owners do not reach the image), the
 * link target of a symlink, device numbers, hardlink groups, and the sha256 of a file's content.
 * Times are left out, so touching a file changes nothing; editing it changes the checksum.
 * Extended attributes are not included.
 *
 * Files are read in 1 MiB chunks, at most `concurrency` (16) at once; `cache` lets the caller
 * memoize content digests (by inode, size and mtime, say). A missing source throws the same
 * `E_FILEOP_SOURCE_NOT_FOUND` as the copy would.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, open, readlink } from 'node:fs/promises';
import { PatternMatcher } from '../../dockerfile/ignore/index.js';
import { mapBounded } from './bounded.js';
import { FileOpIoError } from './errors.js';
import { walkSelection } from './selection-walk.js';
import { type CopyAction, type Selection, selectSources } from './source-select.js';
import type { ChecksumOptions, CopySource, DigestCache } from './types.js';

const CHUNK = 1024 * 1024;
const DEFAULT_CONCURRENCY = 16;

type Field = string | number;

interface FileJob {
  readonly abs: string;
  readonly stat: Stats;
  /** Index of the record whose last field is the digest. */
  readonly record: number;
}

/** `sha256:<hex>` of what `action` reads from `source` (undefined: scratch). */
export async function copySourceChecksum(
  action: CopyAction,
  source: CopySource | undefined,
  options: ChecksumOptions = {},
): Promise<string> {
  const selections = await selectSources(action, source);
  const exclude = action.exclude.length > 0 ? new PatternMatcher(action.exclude) : undefined;
  const records: Field[][] = [];
  const jobs: FileJob[] = [];
  for (const sel of selections) {
    records.push(['source', sel.path]);
    await collect(
      sel,
      { exclude, withOwner: source?.kind !== 'local', signal: options.signal },
      records,
      jobs,
    );
  }
  const pool = new BufferPool();
  await mapBounded(
    jobs,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (job) => {
      const record = records[job.record]!;
      record[record.length - 1] = await fileDigest(job.abs, job.stat, pool, options.cache);
    },
    options.signal,
  );
  const hash = createHash('sha256');
  for (const r of records) hash.update(`${JSON.stringify(r)}\n`);
  return `sha256:${hash.digest('hex')}`;
}

interface CollectOptions {
  readonly exclude: PatternMatcher | undefined;
  /** Owners are part of the result (snapshot sources). */
  readonly withOwner: boolean;
  readonly signal: AbortSignal | undefined;
}

/** Appends one record per entry the copy of `sel` reads; files get a digest slot and a job. */
async function collect(
  sel: Selection,
  o: CollectOptions,
  records: Field[][],
  jobs: FileJob[],
): Promise<void> {
  const links = new Map<string, string>();
  const top = { rel: '', abs: sel.abs, stat: sel.stat };
  for await (const ev of walkSelection(top, { include: sel.include, exclude: o.exclude, signal: o.signal })) {
    if (ev.kind === 'leave') continue;
    const { rel, abs, stat } = ev.entry;
    const head: Field[] = [
      rel,
      typeOf(stat),
      stat.mode & 0o7777,
      o.withOwner ? `${stat.uid}:${stat.gid}` : '-',
    ];
    if (ev.kind === 'enter') {
      records.push([...head, ev.included ? 'dir' : 'parent']);
    } else if (stat.isSymbolicLink()) {
      records.push([...head, await readlink(abs)]);
    } else if (stat.isCharacterDevice() || stat.isBlockDevice()) {
      records.push([...head, stat.rdev]);
    } else if (stat.isFile()) {
      const key = stat.nlink > 1 ? await inodeKey(abs) : undefined;
      const first = key === undefined ? undefined : links.get(key);
      if (first !== undefined) {
        records.push([...head, `hardlink:${first}`]);
        continue;
      }
      if (key !== undefined) links.set(key, rel);
      jobs.push({ abs, stat, record: records.length });
      records.push([...head, stat.size, '']);
    } else {
      records.push(head);
    }
  }
}

function typeOf(st: Stats): string {
  if (st.isDirectory()) return 'd';
  if (st.isFile()) return 'f';
  if (st.isSymbolicLink()) return 'l';
  if (st.isCharacterDevice()) return 'c';
  if (st.isBlockDevice()) return 'b';
  if (st.isFIFO()) return 'p';
  return 's';
}

async function inodeKey(abs: string): Promise<string> {
  const st = await lstat(abs, { bigint: true });
  return `${st.dev}:${st.ino}`;
}

/** sha256 of a file's bytes, through the cache when one is given. */
async function fileDigest(abs: string, stat: Stats, pool: BufferPool, cache?: DigestCache): Promise<string> {
  const cached = await cache?.get(abs, stat);
  if (cached !== undefined) return cached;
  const hash = createHash('sha256');
  const buf = pool.take();
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(abs, 'r');
    let total = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      hash.update(buf.subarray(0, bytesRead));
      total += bytesRead;
      // A short read at or past the size seen by lstat is the end: saves one read per small file.
      if (bytesRead === 0 || (bytesRead < buf.length && total >= stat.size)) break;
    }
  } catch (err) {
    throw new FileOpIoError(`cannot read ${abs}`, err);
  } finally {
    await fh?.close();
    pool.give(buf);
  }
  const digest = `sha256:${hash.digest('hex')}`;
  cache?.set?.(abs, stat, digest);
  return digest;
}

/** Reuses 1 MiB read buffers between files. */
class BufferPool {
  readonly #free: Buffer[] = [];
  take(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafe(CHUNK);
  }
  give(buf: Buffer): void {
    this.#free.push(buf);
  }
}

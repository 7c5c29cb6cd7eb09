/**
 * Creating layers: a tar stream of what changed, written to a Writable with backpressure.
 *
 * - {@link diffDirectories}: lower tree vs upper tree (lower absent = everything is new).
 * - {@link diffOverlayUpper}: an overlayfs upper directory on its own (whiteout devices and
 *   opaque xattrs become `.wh.` entries).
 * - {@link packDirectory}: a directory inside a root filesystem, or chosen paths under it, with
 *   the path and the include list resolved inside the root (a symlink in the rootfs that points
 *   at a host directory is never followed out of it).
 *
 * Entries come in walk order (depth first, siblings by name bytes, parents first) and the
 * output is byte-for-byte reproducible for equal trees: no atime/ctime, no user/group names,
 * mtimes in whole seconds unless asked, clamped to `sourceDateEpoch` when given. Ownership is
 * kept as numeric uid/gid. Extended attributes: by default only `security.capability` travels
 * (as containerd and moby record), `all` records every attribute but `trusted.overlay.*`;
 * reading them needs `getfattr` (Debian's `attr`), or pass `xattrs: 'none'`.
 */
import { lstatSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { type Change, overlayChanges, treeChanges, type XattrIndex } from './diff-changes.js';
import { ChangeWriter, SmallFileReads } from './diff-writer.js';
import { LayerIoError } from './errors.js';
import { cleanEntryName, resolveInRoot } from './scoped-path.js';
import { readTreeXattrs } from './system-tools.js';
import { TarWriter } from './tar-writer.js';

/** Which extended attributes a diff records. */
export type XattrPolicy = 'capability' | 'all' | 'none';

/** Options of the diff functions. */
export interface DiffOptions {
  /** Clamp mtimes later than this many seconds since the epoch (SOURCE_DATE_EPOCH). */
  sourceDateEpoch?: number;
  /** Default `capability`. */
  xattrs?: XattrPolicy;
  /** Keep sub-second mtimes (PAX records). Default false. */
  subSecondTimes?: boolean;
  /** End the Writable when done. Default true. */
  end?: boolean;
  /** Stops between entries. */
  signal?: AbortSignal;
}

/** What a diff wrote. */
export interface DiffResult {
  /** Tar entries written (PAX headers not counted). */
  readonly entries: number;
  /** Bytes of tar written. */
  readonly size: number;
}

/** Writes the changes from `lower` (undefined: an empty tree) to `upper` as a layer. */
export async function diffDirectories(
  lower: string | undefined,
  upper: string,
  out: Writable,
  options: DiffOptions = {},
): Promise<DiffResult> {
  const up = path.resolve(upper);
  const low = lower === undefined ? undefined : path.resolve(lower);
  const [lowerX, upperX] = await Promise.all([
    low === undefined ? new Map() : xattrIndex(low, options.xattrs, false),
    xattrIndex(up, options.xattrs, false),
  ]);
  return writeChanges(
    treeChanges(low, up, '', lowerX, upperX),
    (rel) => `${up}/${rel}`,
    out,
    upperX,
    options,
  );
}

/** Writes the changes recorded in an overlayfs upper directory as a layer. */
export async function diffOverlayUpper(
  upper: string,
  out: Writable,
  options: DiffOptions = {},
): Promise<DiffResult> {
  const up = path.resolve(upper);
  const upperX = await xattrIndex(up, options.xattrs, true);
  return writeChanges(
    overlayChanges(up, '', upperX),
    (rel) => `${up}/${rel}`,
    out,
    withoutOverlay(upperX),
    options,
  );
}

/** Options of {@link packDirectory}. */
export interface PackOptions extends DiffOptions {
  /** Directory inside the root to pack (resolved inside the root). Default: the root. */
  path?: string;
  /** Only these paths (relative to `path`, resolved inside the root, last component not followed). */
  include?: readonly string[];
}

/** Writes a directory of a root filesystem (or chosen paths under it) as a layer of additions. */
export async function packDirectory(
  root: string,
  out: Writable,
  options: PackOptions = {},
): Promise<DiffResult> {
  const absRoot = path.resolve(root);
  const source = resolveInRoot(absRoot, options.path ?? '');
  if (!lstatSync(source, { throwIfNoEntry: false })?.isDirectory()) {
    throw new LayerIoError(
      `cannot pack ${JSON.stringify(options.path ?? '/')}`,
      new Error('it is not a directory inside the root'),
    );
  }
  const index = await xattrIndex(source, options.xattrs, false);
  if (options.include === undefined) {
    return writeChanges(
      treeChanges(undefined, source, '', new Map(), index),
      (rel) => `${source}/${rel}`,
      out,
      index,
      options,
    );
  }
  const picked = options.include.map((inc) => {
    const rel = cleanEntryName(inc).rel;
    const abs = resolveInRoot(absRoot, `${options.path ?? ''}/${rel}`, { followFinal: false });
    const stat = lstatSync(abs, { throwIfNoEntry: false, bigint: true });
    if (rel === '' || stat === undefined) {
      throw new LayerIoError(`cannot pack ${JSON.stringify(inc)}`, new Error('no such file inside the root'));
    }
    return { rel, abs, stat };
  });
  const extra = new Map<string, ReadonlyMap<string, Buffer>>(index);
  for (const p of picked)
    for (const [k, v] of await xattrIndex(p.abs, options.xattrs, false)) extra.set(k, v);
  // Parents outside every included path are not written: the include list chose what travels.
  const upperOf = (rel: string): string | undefined => {
    const p = picked.find((q) => rel === q.rel || rel.startsWith(`${q.rel}/`));
    return p === undefined ? undefined : `${p.abs}${rel.slice(p.rel.length)}`;
  };
  return writeChanges(pickedChanges(picked, extra), upperOf, out, extra, options);
}

async function* pickedChanges(
  picked: ReadonlyArray<{ rel: string; abs: string; stat: NonNullable<Change['stat']> }>,
  index: XattrIndex,
): AsyncGenerator<Change> {
  for (const p of picked) {
    yield { kind: 'add', rel: p.rel, abs: p.abs, stat: p.stat };
    if (p.stat.isDirectory()) yield* treeChanges(undefined, p.abs, p.rel, new Map(), index);
  }
}

async function writeChanges(
  changes: AsyncIterable<Change>,
  upperOf: (rel: string) => string | undefined,
  out: Writable,
  xattrs: XattrIndex,
  options: DiffOptions,
): Promise<DiffResult> {
  const tar = new TarWriter(out, {
    subSecondTimes: options.subSecondTimes ?? false,
    end: options.end ?? true,
  });
  const reads = new SmallFileReads();
  const writer = new ChangeWriter(tar, upperOf, { sourceDateEpoch: options.sourceDateEpoch, xattrs, reads });
  for await (const change of readAhead(changes, READ_AHEAD, (c) => reads.start(c))) {
    options.signal?.throwIfAborted();
    await writer.handle(change);
  }
  reads.clear();
  await tar.finish();
  return { entries: writer.entries, size: tar.bytesWritten };
}

/** Changes looked at ahead of the one being written, so their small files are read meanwhile. */
const READ_AHEAD = 16;

/** Yields `items` in order while keeping up to `depth` of them fetched ahead, `onAhead` told of each. */
async function* readAhead<T>(
  items: AsyncIterable<T>,
  depth: number,
  onAhead: (item: T) => void,
): AsyncGenerator<T> {
  const iterator = items[Symbol.asyncIterator]();
  const queue: T[] = [];
  let done = false;
  for (;;) {
    while (!done && queue.length < depth) {
      const next = await iterator.next();
      if (next.done) done = true;
      else {
        onAhead(next.value);
        queue.push(next.value);
      }
    }
    const item = queue.shift();
    if (item === undefined) return;
    yield item;
  }
}

async function xattrIndex(
  dir: string,
  policy: XattrPolicy | undefined,
  overlay: boolean,
): Promise<XattrIndex> {
  const p = policy ?? 'capability';
  if (p === 'none' && !overlay) return new Map();
  const pattern =
    p === 'all'
      ? '-'
      : p === 'capability'
        ? overlay
          ? '^(security\\.capability|trusted\\.overlay\\..*)$'
          : '^security\\.capability$'
        : '^trusted\\.overlay\\..*$';
  const index = await readTreeXattrs(dir, pattern);
  return overlay ? index : withoutOverlay(index);
}

/** The index without `trusted.overlay.*` / `user.overlay.*` attributes (they never travel in a layer). */
function withoutOverlay(index: XattrIndex): XattrIndex {
  const out = new Map<string, ReadonlyMap<string, Buffer>>();
  for (const [file, attrs] of index) {
    const kept = new Map(
      [...attrs].filter(([k]) => !k.startsWith('trusted.overlay.') && !k.startsWith('user.overlay.')),
    );
    if (kept.size > 0) out.set(file, kept);
  }
  return out;
}

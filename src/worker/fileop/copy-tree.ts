/**
 * Writes one selected source below its destination path, entry by entry, with tonistiigi/fsutil's
 * copy semantics (what BuildKit runs for COPY and ADD):
 *
 * - Directories merge: a missing one is made; an existing one below the top gets the source's
 *   mode and (when the walk keeps it) all its metadata; the top directory, when it exists, keeps
 *   its metadata and only takes the source's times. A non-directory where a directory goes is
 *   `cannot copy to non-directory`.
 * - Anything else replaces what is there (a symlink in the way is removed, never written
 *   through); a directory where a file goes is `cannot replace to directory … with file`.
 * - Regular files are copied (copy_file_range), hardlinked files inside one source stay
 *   hardlinked, symlinks are recreated with their target as is (never followed), devices and
 *   fifos are made with mknod; sockets cannot be copied and are reported as skipped.
 * - Metadata, after the content (and for a directory after its entries): owner (`--chown`, else
 *   the source's, 0:0 for a local source), mode (`--chmod` applied to the source's; symlinks
 *   never), atime/mtime (SOURCE_DATE_EPOCH, else the source's), then extended attributes.
 */
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import {
  chmod,
  copyFile,
  lchown,
  link,
  lstat,
  lutimes,
  mkdir,
  readlink,
  rm,
  symlink,
} from 'node:fs/promises';
import type { PatternMatcher } from '../../dockerfile/ignore/index.js';
import { makeNode } from '../../layer/system-tools.js';
import { mapBounded } from './bounded.js';
import { applyChmod, type ChmodSpec } from './chmod.js';
import type { Owner } from './chown.js';
import { displayPath } from './dest-tree.js';
import { DestinationError, FileOpIoError } from './errors.js';
import { lstatIfPresent } from './fs-probe.js';
import { type WalkEntry, walkSelection } from './selection-walk.js';
import type { Selection } from './source-select.js';
import type { SkippedItem } from './types.js';
import { writeXattrs, type XattrTable } from './xattrs.js';

/** Settings shared by every entry of one copy action. */
export interface CopySettings {
  readonly destRoot: string;
  readonly chmod?: ChmodSpec;
  /** `--chown`, resolved. */
  readonly owner?: Owner;
  /** Source owners become 0:0 (local sources). */
  readonly resetOwner: boolean;
  /** Times in seconds, else the source's. */
  readonly time?: number;
  readonly exclude?: PatternMatcher;
  readonly xattrs: XattrTable;
  readonly signal?: AbortSignal;
  readonly skipped: SkippedItem[];
  readonly counter: { written: number };
}

interface OpenDir {
  readonly target: string;
  readonly entry: WalkEntry;
  readonly created: boolean;
  readonly included: boolean;
}

/** Leaves of one directory written at the same time. */
const LEAF_CONCURRENCY = 16;

/** A leaf waiting to be written, with its host destination. */
interface PendingLeaf {
  readonly entry: WalkEntry;
  readonly dest: string;
  readonly parentFresh: boolean;
}

/** Copies `sel` so that its top entry lands at `target` (a host path below the destination root). */
export async function copySelection(sel: Selection, target: string, s: CopySettings): Promise<void> {
  const inodes = new Map<string, string>();
  const stack: OpenDir[] = [];
  /** Directories made by this copy: nothing can be in the way inside them. */
  const fresh = new Set<string>();
  let leaves: PendingLeaf[] = [];
  const flush = async (): Promise<void> => {
    if (leaves.length > 0) await writeLeaves(leaves, inodes, s);
    leaves = [];
  };
  const top: WalkEntry = { rel: '', abs: sel.abs, stat: sel.stat };
  const filters = { include: sel.include, exclude: s.exclude, signal: s.signal };
  for await (const ev of walkSelection(top, filters)) {
    s.signal?.throwIfAborted();
    const dest = ev.entry.rel === '' ? target : `${target}/${ev.entry.rel}`;
    const parentFresh = fresh.has(parentOf(dest));
    if (ev.kind === 'leaf') {
      leaves.push({ entry: ev.entry, dest, parentFresh });
      continue;
    }
    await flush();
    if (ev.kind === 'enter') {
      const open = await enterDir(ev.entry, dest, ev.included, parentFresh, s);
      if (open.created) fresh.add(dest);
      stack.push(open);
    } else {
      await leaveDir(stack.pop()!, s);
    }
  }
  await flush();
}

/**
 * Writes the leaves of one directory: independent files in parallel, then files with several
 * links one by one in walk order (the first of a group is copied, the others link to it).
 */
async function writeLeaves(leaves: readonly PendingLeaf[], inodes: Map<string, string>, s: CopySettings) {
  const linked = leaves.filter((l) => l.entry.stat.isFile() && l.entry.stat.nlink > 1);
  const single = leaves.filter((l) => !(l.entry.stat.isFile() && l.entry.stat.nlink > 1));
  await mapBounded(single, LEAF_CONCURRENCY, (l) => writeOne(l, inodes, s), s.signal);
  for (const l of linked) await writeOne(l, inodes, s);
}

async function writeOne(leaf: PendingLeaf, inodes: Map<string, string>, s: CopySettings): Promise<void> {
  if (!leaf.parentFresh) await clearForFile(leaf.dest, s.destRoot);
  const made = await writeLeaf(leaf.entry, leaf.dest, inodes, s);
  if (made !== undefined) await applyMetadata(leaf.entry, leaf.dest, s, made);
}

async function enterDir(
  entry: WalkEntry,
  dest: string,
  included: boolean,
  parentFresh: boolean,
  s: CopySettings,
): Promise<OpenDir> {
  const existing = parentFresh ? undefined : await lstatIfPresent(dest);
  if (existing === undefined) {
    await io(`cannot create directory ${displayPath(s.destRoot, dest)}`, () =>
      mkdir(dest, { mode: entry.stat.mode & 0o7777 }),
    );
    s.counter.written++;
    return { target: dest, entry, created: true, included };
  }
  if (!existing.isDirectory()) {
    const shown = displayPath(s.destRoot, dest);
    throw new DestinationError(shown, `cannot copy to non-directory: ${shown}`, {
      hint: `the destination holds a ${kindOf(existing)} at ${shown} where the source has a directory; remove it first`,
    });
  }
  if (entry.rel !== '') {
    await io(`cannot chmod ${displayPath(s.destRoot, dest)}`, () => chmod(dest, entry.stat.mode & 0o7777));
  }
  return { target: dest, entry, created: false, included };
}

async function leaveDir(open: OpenDir, s: CopySettings): Promise<void> {
  if (open.created || (open.included && open.entry.rel !== '')) {
    await applyMetadata(open.entry, open.target, s);
  } else if (open.entry.rel === '') {
    await setTimes(open.entry.stat, open.target, s);
  }
}

/** fsutil's `ensureEmptyFileTarget`: removes a non-directory in the way. */
async function clearForFile(dest: string, destRoot: string): Promise<void> {
  const existing = await lstatIfPresent(dest);
  if (existing === undefined) return;
  if (existing.isDirectory()) {
    const shown = displayPath(destRoot, dest);
    throw new DestinationError(shown, `cannot replace to directory ${shown} with file`, {
      hint: `the destination has a directory at ${shown} where the source has a file; copy into it with a trailing "/" or remove it first`,
    });
  }
  await io(`cannot replace ${displayPath(destRoot, dest)}`, () => rm(dest));
}

/** What a just-made entry already has, so that metadata calls that change nothing are skipped. */
interface MadeState {
  /** Owner and permission bits it was made with; undefined: unknown, set everything. */
  readonly uid: number;
  readonly gid: number;
  readonly mode: number | undefined;
  /** A hardlink to an entry already written: it shares that inode's metadata. */
  readonly link: boolean;
}

const PROCESS_UID = process.getuid?.() ?? 0;
const PROCESS_GID = process.getgid?.() ?? 0;

/** Creates a non-directory; undefined when it was skipped. */
async function writeLeaf(
  entry: WalkEntry,
  dest: string,
  inodes: Map<string, string>,
  s: CopySettings,
): Promise<MadeState | undefined> {
  const st = entry.stat;
  const shown = displayPath(s.destRoot, dest);
  const made = { uid: PROCESS_UID, gid: PROCESS_GID, mode: undefined as number | undefined, link: false };
  if (st.isFile()) {
    const key = st.nlink > 1 ? await inodeKey(entry.abs) : undefined;
    const first = key === undefined ? undefined : inodes.get(key);
    if (first !== undefined) {
      await io(`cannot hardlink ${shown}`, () => link(first, dest));
      made.link = true;
    } else {
      // copy_file_range; the new file gets the source's mode bits exactly (libuv fchmods it).
      await io(`cannot copy to ${shown}`, () => copyFile(entry.abs, dest, constants.COPYFILE_EXCL));
      made.mode = st.mode & 0o7777;
      if (key !== undefined) inodes.set(key, dest);
    }
  } else if (st.isSymbolicLink()) {
    const linkTarget = await io(`cannot read link ${entry.abs}`, () => readlink(entry.abs));
    await io(`cannot create symlink ${shown}`, () => symlink(linkTarget, dest));
  } else if (st.isFIFO() || st.isCharacterDevice() || st.isBlockDevice()) {
    const kind = st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? 'char' : 'block';
    await makeNode(dest, kind, deviceMajor(st.rdev), deviceMinor(st.rdev));
  } else {
    s.skipped.push({ path: shown, reason: 'sockets cannot be copied' });
    return undefined;
  }
  s.counter.written++;
  return made;
}

/**
 * Owner, mode, times, then xattrs (BuildKit's `copyFileInfo` + `copyXAttrs`). `made` says what a
 * just-made entry already has; a chown that changes ids clears set-id bits, so mode comes after.
 */
async function applyMetadata(
  entry: WalkEntry,
  dest: string,
  s: CopySettings,
  made?: MadeState,
): Promise<void> {
  if (made?.link) return;
  const st = entry.stat;
  const shown = displayPath(s.destRoot, dest);
  const owner = s.owner ?? (s.resetOwner ? { uid: 0, gid: 0 } : { uid: st.uid, gid: st.gid });
  const chowned = made === undefined || made.uid !== owner.uid || made.gid !== owner.gid;
  if (chowned) await io(`cannot chown ${shown}`, () => lchown(dest, owner.uid, owner.gid));
  if (!st.isSymbolicLink()) {
    const mode = applyChmod(s.chmod, st.mode, st.isDirectory());
    if (chowned || made?.mode !== mode) await io(`cannot chmod ${shown}`, () => chmod(dest, mode));
  }
  await setTimes(st, dest, s);
  const attrs = s.xattrs.get(entry.abs);
  if (attrs !== undefined) {
    for (const refused of await writeXattrs(dest, attrs)) {
      s.skipped.push({ path: shown, reason: `extended attribute not copied: ${refused}` });
    }
  }
}

async function setTimes(st: Stats, dest: string, s: CopySettings): Promise<void> {
  const atime = s.time ?? st.atimeMs / 1000;
  const mtime = s.time ?? st.mtimeMs / 1000;
  await io(`cannot set times of ${displayPath(s.destRoot, dest)}`, () => lutimes(dest, atime, mtime));
}

/** Exact `dev:ino` of a file (bigint: overlayfs inode numbers can pass 2^53). */
async function inodeKey(abs: string): Promise<string> {
  const st = await lstat(abs, { bigint: true });
  return `${st.dev}:${st.ino}`;
}

function deviceMajor(rdev: number): number {
  return Number(((BigInt(rdev) >> 8n) & 0xfffn) | ((BigInt(rdev) >> 32n) & ~0xfffn));
}

function deviceMinor(rdev: number): number {
  return Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & ~0xffn));
}

function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFile()) return 'file';
  return 'special file';
}

function parentOf(p: string): string {
  return p.slice(0, p.lastIndexOf('/'));
}

async function io<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new FileOpIoError(what, err);
  }
}

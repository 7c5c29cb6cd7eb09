/**
 * The changes between two directory trees, or recorded in an overlayfs upper directory, as a
 * stream in walk order: depth first, siblings sorted by name bytes, a directory before its
 * children (so `a`, `a/z`, `a.b`; GNU tar's `--sort=name` order). Symlinks are never followed.
 *
 * Two trees (lower may be absent = empty): a name only in lower is `delete` (its subtree is not
 * visited), only in upper is `add` (subtree visited), in both is compared as containerd does:
 * same inode → same; else type+mode, uid, gid, rdev and the recorded xattrs must match, and for
 * non-directories size and mtime too (seconds, and nanoseconds unless both are zero, in which
 * case the content decides); symlink targets are always compared. A directory replaced by a
 * non-directory yields one `modify` (apply replaces the whole directory). Unchanged
 * non-directories with more than one link are reported as `unmodified`, so the writer can keep
 * hardlink groups whole.
 *
 * Overlay upper: a 0/0 character device is `delete` (a whiteout), a directory with
 * `trusted.overlay.opaque=y` is `modify` with `opaque`, everything else is `modify`. Files
 * carrying `trusted.overlay.metacopy` or `trusted.overlay.redirect` cannot be turned into a
 * layer without the lower layers and are refused (mount with `metacopy=off,redirect_dir=off`).
 */
import type { BigIntStats } from 'node:fs';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { InvalidEntryError, LayerIoError } from './errors.js';

/** One change, in walk order. */
export interface Change {
  readonly kind: 'add' | 'modify' | 'delete' | 'unmodified';
  /** Root-relative path, no leading slash. */
  readonly rel: string;
  /** Absolute path in the upper tree (for `delete`, the whiteout device in an overlay upper, if any). */
  readonly abs: string;
  /** lstat of `abs` (for `delete` in a plain diff: undefined). */
  readonly stat: BigIntStats | undefined;
  /** A directory marked opaque in an overlay upper. */
  readonly opaque?: boolean;
}

/** Extended attributes per absolute path, as read by `readTreeXattrs`. */
export type XattrIndex = ReadonlyMap<string, ReadonlyMap<string, Buffer>>;

const NO_XATTRS: ReadonlyMap<string, Buffer> = new Map();

/** Sorted directory listing (by UTF-8 bytes). */
export function sortedNames(dir: string): string[] {
  return readdirSync(dir).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

function lstatBig(p: string): BigIntStats {
  return lstatSync(p, { bigint: true });
}

/** Changes from `lower` (absent: empty) to `upper`; `rel` prefixes every path. */
export async function* treeChanges(
  lower: string | undefined,
  upper: string,
  rel: string,
  lowerX: XattrIndex,
  upperX: XattrIndex,
): AsyncGenerator<Change> {
  const upperNames = sortedNames(upper);
  const lowerNames = lower === undefined ? [] : sortedNames(lower);
  let i = 0;
  let j = 0;
  while (i < upperNames.length || j < lowerNames.length) {
    const u = upperNames[i];
    const l = lowerNames[j];
    const order = u === undefined ? 1 : l === undefined ? -1 : Buffer.compare(Buffer.from(u), Buffer.from(l));
    const name = (order <= 0 ? u : l)!;
    const childRel = rel === '' ? name : `${rel}/${name}`;
    if (order > 0) {
      j++;
      yield { kind: 'delete', rel: childRel, abs: `${upper}/${name}`, stat: undefined };
      continue;
    }
    i++;
    const upperAbs = `${upper}/${name}`;
    const ust = lstatBig(upperAbs);
    let lowerAbs: string | undefined;
    let lst: BigIntStats | undefined;
    if (order === 0) {
      j++;
      lowerAbs = `${lower}/${name}`;
      lst = lstatBig(lowerAbs);
    }
    if (lst === undefined) {
      yield { kind: 'add', rel: childRel, abs: upperAbs, stat: ust };
    } else if (!(await sameFile(lowerAbs!, lst, upperAbs, ust, lowerX, upperX))) {
      yield { kind: 'modify', rel: childRel, abs: upperAbs, stat: ust };
    } else if (!ust.isDirectory() && ust.nlink > 1n) {
      yield { kind: 'unmodified', rel: childRel, abs: upperAbs, stat: ust };
    }
    if (ust.isDirectory()) {
      yield* treeChanges(lst?.isDirectory() ? lowerAbs : undefined, upperAbs, childRel, lowerX, upperX);
    }
  }
}

/** Changes recorded in an overlayfs upper directory. */
export async function* overlayChanges(
  upper: string,
  rel: string,
  upperX: XattrIndex,
): AsyncGenerator<Change> {
  for (const name of sortedNames(upper)) {
    const abs = `${upper}/${name}`;
    const childRel = rel === '' ? name : `${rel}/${name}`;
    const st = lstatBig(abs);
    const xattrs = upperX.get(abs) ?? NO_XATTRS;
    for (const key of ['trusted.overlay.metacopy', 'trusted.overlay.redirect']) {
      if (xattrs.has(key)) {
        throw new InvalidEntryError(
          childRel,
          `the overlay upper holds ${key}; the layer would need the lower layers`,
          {
            hint: 'mount overlayfs with metacopy=off,redirect_dir=off for build snapshots',
          },
        );
      }
    }
    if (st.isCharacterDevice() && st.rdev === 0n) {
      yield { kind: 'delete', rel: childRel, abs, stat: st };
    } else if (st.isDirectory()) {
      const opaque = xattrs.get('trusted.overlay.opaque')?.toString() === 'y';
      yield { kind: 'modify', rel: childRel, abs, stat: st, opaque };
      yield* overlayChanges(abs, childRel, upperX);
    } else {
      yield { kind: 'modify', rel: childRel, abs, stat: st };
    }
  }
}

async function sameFile(
  lowerAbs: string,
  l: BigIntStats,
  upperAbs: string,
  u: BigIntStats,
  lowerX: XattrIndex,
  upperX: XattrIndex,
): Promise<boolean> {
  if (l.dev === u.dev && l.ino === u.ino) return true;
  if (l.mode !== u.mode || l.uid !== u.uid || l.gid !== u.gid || l.rdev !== u.rdev) return false;
  if (!sameXattrs(lowerX.get(lowerAbs) ?? NO_XATTRS, upperX.get(upperAbs) ?? NO_XATTRS)) return false;
  if (u.isDirectory()) return true;
  if (u.isSymbolicLink() && readlinkSync(lowerAbs) !== readlinkSync(upperAbs)) return false;
  if (l.size !== u.size || l.mtimeNs / 1_000_000_000n !== u.mtimeNs / 1_000_000_000n) return false;
  const ln = l.mtimeNs % 1_000_000_000n;
  const un = u.mtimeNs % 1_000_000_000n;
  if (ln !== 0n || un !== 0n) return ln === un;
  // Both timestamps may have been truncated: let the content decide.
  if (!u.isFile() || u.size === 0n) return true;
  return sameContent(lowerAbs, upperAbs);
}

function sameXattrs(a: ReadonlyMap<string, Buffer>, b: ReadonlyMap<string, Buffer>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || !v.equals(w)) return false;
  }
  return true;
}

async function sameContent(a: string, b: string): Promise<boolean> {
  const size = 1024 * 1024;
  const [fa, fb] = await Promise.all([open(a), open(b)]);
  try {
    const ba = Buffer.alloc(size);
    const bb = Buffer.alloc(size);
    for (;;) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, size), fb.read(bb, 0, size)]);
      if (ra.bytesRead !== rb.bytesRead) return false;
      if (ra.bytesRead === 0) return true;
      if (!ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
    }
  } catch (err) {
    throw new LayerIoError(`cannot compare ${JSON.stringify(a)} with ${JSON.stringify(b)}`, err);
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}

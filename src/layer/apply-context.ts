/**
 * State and small filesystem helpers shared by the parts of one layer apply: the resolved
 * options, the set of paths this layer wrote (opaque directories keep those), directory
 * metadata deferred to the end (a directory's mode and mtime are set after its children are
 * written, and only if the path is still the same directory), and the skipped-entry report.
 */
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  futimesSync,
  lstatSync,
  mkdirSync,
  openSync,
  rmSync,
  unlinkSync,
} from 'node:fs';
import path from 'node:path';
import { LayerIoError } from './errors.js';
import { splitComponents } from './scoped-path.js';
import type { TarTime } from './tar-types.js';

/** How whiteout entries are applied. */
export type WhiteoutMode = 'remove' | 'overlay' | 'literal';
/** What happens to block and character device entries. */
export type DeviceMode = 'create' | 'skip' | 'error';

/** An entry that was not applied, and why. */
export interface SkippedEntry {
  readonly name: string;
  readonly reason: string;
}

/** Options after defaults. */
export interface ResolvedApplyOptions {
  readonly whiteouts: WhiteoutMode;
  readonly devices: DeviceMode;
  readonly ownership: boolean;
  readonly xattrs: boolean;
}

interface DeferredDir {
  readonly ino: number;
  readonly mode: number;
  readonly atime: number;
  readonly mtime: number;
}

/** Mode given to directories created only because an entry needs them as parents. */
export const IMPLIED_DIR_MODE = 0o755;

/** Mutable state of one apply. */
export class ApplyContext {
  readonly root: string;
  readonly options: ResolvedApplyOptions;
  readonly skipped: SkippedEntry[] = [];
  /** Absolute paths written by this layer. */
  readonly #unpacked = new Set<string>();
  /** Ancestors of those paths (they hold something this layer wrote). */
  readonly #ancestors = new Set<string>();
  readonly #dirs = new Map<string, DeferredDir>();

  constructor(root: string, options: ResolvedApplyOptions) {
    this.root = root;
    this.options = options;
  }

  /** Records that this layer wrote `abs`. */
  markUnpacked(abs: string): void {
    this.#unpacked.add(abs);
    for (
      let p = path.dirname(abs);
      p.length > this.root.length && !this.#ancestors.has(p);
      p = path.dirname(p)
    ) {
      this.#ancestors.add(p);
    }
  }

  /** True when this layer wrote `abs` itself. */
  wasUnpacked(abs: string): boolean {
    return this.#unpacked.has(abs);
  }

  /** True when this layer wrote something below `abs`. */
  holdsUnpacked(abs: string): boolean {
    return this.#ancestors.has(abs);
  }

  skip(name: string, reason: string): void {
    this.skipped.push({ name, reason });
  }

  /** Remembers a directory's mode and times, to set when the layer is done. */
  deferDir(abs: string, mode: number, atime: TarTime, mtime: TarTime): void {
    const st = lstatSync(abs);
    this.#dirs.set(abs, { ino: st.ino, mode, atime: toSeconds(atime), mtime: toSeconds(mtime) });
  }

  /** Sets deferred directory metadata, deepest first, on directories that are still the same inode. */
  finishDirs(): void {
    const order = [...this.#dirs.keys()].sort((a, b) => b.length - a.length);
    for (const abs of order) {
      const d = this.#dirs.get(abs)!;
      let fd: number;
      try {
        fd = openSync(abs, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
      } catch {
        continue; // removed or replaced later in the layer
      }
      try {
        if (fstatSync(fd).ino !== d.ino) continue;
        fchmodSync(fd, d.mode);
        futimesSync(fd, d.atime, d.mtime);
      } catch (err) {
        throw new LayerIoError(`cannot set the mode and times of directory ${JSON.stringify(abs)}`, err);
      } finally {
        closeSync(fd);
      }
    }
  }

  /** Creates `abs` and its missing ancestors below the root as directories (mode 0755). */
  ensureDir(abs: string): void {
    const rel = path.relative(this.root, abs);
    let current = this.root;
    for (const part of splitComponents(rel)) {
      current = `${current}/${part}`;
      const st = lstatSync(current, { throwIfNoEntry: false });
      if (st?.isDirectory()) continue;
      if (st !== undefined) {
        throw new LayerIoError(
          `cannot create directory ${JSON.stringify(current)}`,
          new Error('a non-directory is in the way'),
        );
      }
      try {
        mkdirSync(current, IMPLIED_DIR_MODE);
        chmodSync(current, IMPLIED_DIR_MODE); // mkdir applies the umask
      } catch (err) {
        throw new LayerIoError(`cannot create directory ${JSON.stringify(current)}`, err);
      }
    }
  }
}

/** Removes whatever is at `abs` (a directory with its contents), never following a symlink. */
export function removeNode(abs: string): void {
  const st = lstatSync(abs, { throwIfNoEntry: false });
  if (st === undefined) return;
  try {
    if (st.isDirectory()) rmSync(abs, { recursive: true, force: true });
    else unlinkSync(abs);
  } catch (err) {
    throw new LayerIoError(`cannot remove ${JSON.stringify(abs)}`, err);
  }
}

/** A {@link TarTime} as fractional seconds, the form Node's utimes calls take. */
export function toSeconds(t: TarTime): number {
  return t.seconds + t.nanoseconds / 1e9;
}

/**
 * Scoped path resolution: resolving a path inside a root directory as if the root were `/`
 * (continuity's `fs.RootPath` rules, the primitive behind safe layer apply).
 *
 * - Every symlink met is followed; an absolute target restarts at the root.
 * - `..` never climbs above the root.
 * - `..` in a link target is applied after the preceding component is resolved, never by
 *   cleaning the text first (`/sym/../baz` with `sym -> /foo/bar` gives `foo/baz`).
 * - A component that does not exist (or sits under a non-directory) is taken literally and
 *   resolution goes on with the rest.
 * - More than 255 symlinks followed is `E_LAYER_TOO_MANY_LINKS`.
 * - The root itself is used as given: symlinks at or above it are not resolved.
 *
 * The walk uses lstat/readlink on the live tree, so it is exact for a tree that no other process
 * changes while it runs (Node has no openat2/RESOLVE_IN_ROOT); keep snapshot directories private.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { TooManyLinksError } from './errors.js';

/** Most symlinks followed in one resolution. */
export const SYMLINK_LIMIT = 255;

/** Options of {@link resolveInRoot}. */
export interface ResolveOptions {
  /** Follow a symlink in the last component too. Default true. */
  followFinal?: boolean;
}

/**
 * Resolves `unresolved` (relative, or absolute meaning "from the root") inside `root` and returns
 * the absolute host path, always `root` itself or below it.
 */
export function resolveInRoot(root: string, unresolved: string, options: ResolveOptions = {}): string {
  const base = path.resolve(root);
  const followFinal = options.followFinal ?? true;
  const resolved: string[] = [];
  let pending = splitComponents(unresolved);
  let links = 0;
  while (pending.length > 0) {
    const component = pending[0]!;
    pending = pending.slice(1);
    if (component === '..') {
      resolved.pop();
      continue;
    }
    if (pending.length === 0 && !followFinal) {
      resolved.push(component);
      break;
    }
    const candidate = joinUnder(base, [...resolved, component]);
    const target = readSymlink(candidate);
    if (target === undefined) {
      resolved.push(component);
      continue;
    }
    links++;
    if (links > SYMLINK_LIMIT) throw new TooManyLinksError(unresolved, SYMLINK_LIMIT);
    if (target.startsWith('/')) resolved.length = 0;
    pending = [...splitComponents(target), ...pending];
  }
  return joinUnder(base, resolved);
}

/** Resolves the parent of `unresolved` inside `root` (following symlinks) and joins the last component unresolved. */
export function resolveParentInRoot(root: string, unresolved: string): { parent: string; base: string } {
  const parts = splitComponents(unresolved);
  const base = parts.pop() ?? '';
  return { parent: resolveInRoot(root, parts.join('/')), base };
}

/** The result of {@link cleanEntryName}. */
export interface CleanName {
  /** Root-relative path without `.`/`..`/empty components; `''` is the root itself. */
  readonly rel: string;
  /** True when the name climbs above the root (`..`, `../x`, `/../x`, `a/../../x`). */
  readonly escapes: boolean;
}

/** Lexically cleans an archive entry name: leading slashes are root-relative, `..` must not climb out. */
export function cleanEntryName(name: string): CleanName {
  const stripped = name.replace(/^\/+/, '');
  let rel = stripped === '' ? '' : path.posix.normalize(stripped).replace(/\/+$/, '');
  if (rel === '.') rel = '';
  return { rel, escapes: rel === '..' || rel.startsWith('../') };
}

/** Splits a path into its non-empty, non-`.` components. */
export function splitComponents(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

function joinUnder(base: string, parts: readonly string[]): string {
  return parts.length === 0 ? base : `${base === '/' ? '' : base}/${parts.join('/')}`;
}

/** The link target when `p` is a symlink; undefined when it is something else or does not exist. */
function readSymlink(p: string): string | undefined {
  try {
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (st === undefined || !st.isSymbolicLink()) return undefined;
    return readlinkSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}

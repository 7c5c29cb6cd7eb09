/**
 * Which paths of a source one copy action reads (BuildKit's `docopy` + fsutil's
 * `ResolveWildcards`, and the Dockerfile frontend's `--parents` rewrite):
 *
 * - A source path is relative to the source root; a leading `/` means the root; it is cleaned
 *   lexically (`..` never climbs above the root) and resolved with scoped resolution, so symlinks
 *   inside the source cannot reach outside it. With `followSymlinks` a final symlink is followed
 *   (COPY always does); otherwise only its parents are.
 * - Wildcards (`*`, `?`, `[…]`, Go `filepath.Match`, per component): the components before the
 *   first wildcard one are resolved as a plain path, which must exist; the rest is matched against
 *   real directories below it (symlinked directories are not descended into), in byte order.
 *   No match: nothing to copy with `allowEmptyWildcard` (what BuildKit's Dockerfile frontend
 *   sets), otherwise `E_FILEOP_NO_SOURCE_FILES`.
 * - A missing plain path is `E_FILEOP_SOURCE_NOT_FOUND`, checked for every source before anything
 *   is written (BuildKit fails while computing the cache key).
 * - `parents` (COPY --parents): `pivot/./pattern` copies the contents of `pivot` (default `/`)
 *   keeping only what `pattern` matches, with its path below the pivot; without wildcards the
 *   pattern's path must exist.
 */
import type { Stats } from 'node:fs';
import path from 'node:path';
import { PatternMatcher } from '../../dockerfile/ignore/index.js';
import type { FileAction } from '../../graph/ops.js';
import { resolveInRoot } from '../../layer/index.js';
import { NoSourceFilesError, SourceNotFoundError } from './errors.js';
import { lstatIfPresent } from './fs-probe.js';
import { globMatch, hasWildcards, splitWildcards } from './go-glob.js';
import { sortedNames } from './selection-walk.js';
import type { CopySource } from './types.js';

/** A copy action. */
export type CopyAction = Extract<FileAction, { action: 'copy' }>;

/** One thing a copy action reads: a matched source path. */
export interface Selection {
  /** The matched path, `/`-rooted inside the source (`/src/a.txt`; `/` for the root). */
  readonly path: string;
  /** Host path of what is read (its final symlink followed when the action says so). */
  readonly abs: string;
  /** lstat of `abs`. */
  readonly stat: Stats;
  /** The `--parents` pattern as a matcher. */
  readonly include?: PatternMatcher;
}

/** What a scratch input (no source) is called in messages. */
const SCRATCH: CopySource = { root: '', kind: 'snapshot', description: 'an empty file system (scratch)' };

/** Lists what `action` reads from `source`, in copy order; throws for missing paths. */
export async function selectSources(
  action: CopyAction,
  source: CopySource | undefined,
): Promise<Selection[]> {
  const src = source ?? SCRATCH;
  const out: Selection[] = [];
  for (const raw of action.sources) {
    const plan = planSource(raw, action.parents);
    const include = plan.include === undefined ? undefined : new PatternMatcher([plan.include]);
    const matches = await resolveMatches(src, plan.path, action);
    if (plan.required !== undefined) await requireExists(src, plan.required);
    for (const m of matches) out.push(include === undefined ? m : { ...m, include });
  }
  return out;
}

interface SourcePlan {
  /** The path (or pattern) to resolve. */
  readonly path: string;
  /** `--parents` include pattern, relative to `path`. */
  readonly include?: string;
  /** A path that must exist (`--parents` without wildcards). */
  readonly required?: string;
}

function planSource(raw: string, parents: boolean): SourcePlan {
  if (!parents) return { path: raw };
  const at = raw.indexOf('/./');
  const pivot = at < 0 ? '/' : raw.slice(0, at);
  const pattern = cleanSourcePath(at < 0 ? raw : raw.slice(at + 3)).slice(1);
  const required =
    hasWildcards(pivot) || hasWildcards(pattern)
      ? undefined
      : path.posix.join(cleanSourcePath(pivot), pattern);
  return { path: pivot, include: pattern, ...(required === undefined ? {} : { required }) };
}

/** Go's `filepath.Join("/", p)`: `/`-rooted, cleaned, `..` clamped at the root, no trailing `/`. */
export function cleanSourcePath(p: string): string {
  const n = path.posix.normalize(`/${p}`);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

async function resolveMatches(src: CopySource, raw: string, action: CopyAction): Promise<Selection[]> {
  const clean = cleanSourcePath(raw);
  const parts = clean.split('/').filter((p) => p !== '');
  const split = action.allowWildcard ? splitWildcards(parts) : { base: parts, pattern: [] };
  if (split.pattern.length === 0) return [await selectPath(src, clean, action.followSymlinks)];
  const baseAbs = rootPath(src.root, split.base, action.followSymlinks);
  const baseStat = src.root === '' ? undefined : await lstatIfPresent(baseAbs);
  if (split.base.length > 0 && baseStat === undefined) {
    throw notFound(src, `/${split.base.join('/')}`);
  }
  const found: string[][] = [];
  if (baseStat?.isDirectory()) await expand(baseAbs, split.pattern, [], found);
  if (found.length === 0) {
    if (action.allowEmptyWildcard) return [];
    throw new NoSourceFilesError(raw, src.description);
  }
  const baseRel = path.relative(src.root, baseAbs);
  const prefix = baseRel === '' ? '' : `/${baseRel}`;
  const out: Selection[] = [];
  for (const rel of found)
    out.push(await selectPath(src, `${prefix}/${rel.join('/')}`, action.followSymlinks));
  return out;
}

/** Appends to `found` the paths below `dir` whose components match `pattern`, in walk order. */
async function expand(
  dir: string,
  pattern: readonly string[],
  rel: string[],
  found: string[][],
): Promise<void> {
  const depth = rel.length;
  for (const name of await sortedNames(dir)) {
    if (!globMatch(pattern[depth]!, name)) continue;
    if (depth === pattern.length - 1) {
      found.push([...rel, name]);
      continue;
    }
    const st = await lstatIfPresent(`${dir}/${name}`);
    if (st?.isDirectory()) await expand(`${dir}/${name}`, pattern, [...rel, name], found);
  }
}

async function selectPath(src: CopySource, clean: string, follow: boolean): Promise<Selection> {
  if (src.root === '') throw notFound(src, clean);
  const abs = rootPath(
    src.root,
    clean.split('/').filter((p) => p !== ''),
    follow,
  );
  const stat = await lstatIfPresent(abs);
  if (stat === undefined) throw notFound(src, clean);
  return { path: clean, abs, stat };
}

async function requireExists(src: CopySource, p: string): Promise<void> {
  const clean = cleanSourcePath(p);
  if (src.root === '' || (await lstatIfPresent(resolveInRoot(src.root, clean))) === undefined) {
    throw notFound(src, clean);
  }
}

/** fsutil's `rootPath`: the root itself, or the path resolved inside it (final symlink followed or not). */
function rootPath(root: string, parts: readonly string[], follow: boolean): string {
  if (parts.length === 0) return path.resolve(root);
  return resolveInRoot(root, parts.join('/'), { followFinal: follow });
}

function notFound(src: CopySource, p: string): SourceNotFoundError {
  return new SourceNotFoundError(p, src.description, src.kind === 'local');
}

/**
 * One copy action (COPY/ADD), as BuildKit's file op backend runs it (`docopy` + fsutil `Copy`):
 *
 * 1. Every source is resolved first (source-select.ts); a missing one fails the action before
 *    anything is written. `--chmod` and `--chown` are parsed and resolved (names against the
 *    destination's /etc files, as it stands before this action).
 * 2. Several sources need a destination directory written with a trailing `/`.
 * 3. For each matched source: ADD extracts a local archive (archive-extract.ts); otherwise the
 *    destination's parents are made (`dest` ending in `/` or `/.` is itself a directory), then:
 *    a directory source copies its contents into `dest` (with `dirCopyContents`; else into
 *    `dest/<name>` when `dest` exists); a file goes to `dest`, or to `dest/<name>` when `dest` is
 *    an existing directory. `dest` is resolved with scoped resolution, final symlink followed.
 * 4. Directories the copy makes on the way get mode 0755 (the octal `--chmod` when given), the
 *    `--chown` owner (root otherwise) and SOURCE_DATE_EPOCH times when set.
 *
 * `link` (COPY --link) changes nothing here: BuildKit runs such a copy on an empty file system and
 * stacks the result, and so must the engine (pass an empty `destRoot`).
 */
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { PatternMatcher } from '../../dockerfile/ignore/index.js';
import { extractIfArchive } from './archive-extract.js';
import { createdDirMode, parseChmod } from './chmod.js';
import { type Owner, resolveOwner } from './chown.js';
import { type CopySettings, copySelection } from './copy-tree.js';
import { displayPath, mkdirAll, type NewDirSpec, resolveDest } from './dest-tree.js';
import { DestinationError, MissingInputError } from './errors.js';
import { lstatIfPresent } from './fs-probe.js';
import { type CopyAction, cleanSourcePath, type Selection, selectSources } from './source-select.js';
import type { SkippedItem, SourceLookup } from './types.js';
import { readXattrs } from './xattrs.js';

/** What every action of one run shares. */
export interface RunContext {
  readonly destRoot: string;
  readonly sources: SourceLookup;
  readonly time?: number;
  readonly xattrs: boolean;
  readonly signal?: AbortSignal;
  readonly skipped: SkippedItem[];
  readonly counter: { written: number };
}

/** Runs one copy action. */
export async function runCopy(action: CopyAction, ctx: RunContext): Promise<void> {
  const source = ctx.sources(action.sourceInput);
  if (source === undefined && action.sourceInput !== undefined)
    throw new MissingInputError(action.sourceInput);
  const chmod = action.chmod === undefined ? undefined : parseChmod(action.chmod);
  const exclude = action.exclude.length > 0 ? new PatternMatcher(action.exclude) : undefined;
  const selections = await selectSources(action, source);
  const dest = parseDest(action.dest);
  if (action.sources.length > 1 && !dest.isDir) {
    throw new DestinationError(
      action.dest,
      `When using COPY with more than one source file, the destination must be a directory and end with a / (destination "${action.dest}")`,
      { hint: `write the destination as "${action.dest}/"` },
    );
  }
  const owner = action.chown === undefined ? undefined : await resolveOwner(ctx.destRoot, action.chown);
  if (!action.createDestPath) await requireDestParent(ctx.destRoot, dest.clean, action.dest);
  const settings: CopySettings = {
    destRoot: ctx.destRoot,
    chmod,
    owner,
    resetOwner: source?.kind === 'local',
    time: ctx.time,
    exclude,
    xattrs: ctx.xattrs && selections.length > 0 ? await readXattrs(selections.map((s) => s.abs)) : new Map(),
    signal: ctx.signal,
    skipped: ctx.skipped,
    counter: ctx.counter,
  };
  const newDir: NewDirSpec = { mode: createdDirMode(chmod), owner, time: ctx.time };
  const created: string[] = [];
  for (const sel of selections) {
    ctx.signal?.throwIfAborted();
    if (action.extractArchives && (await extract(sel, dest.clean, owner, ctx))) continue;
    created.push(...(await copyOne(sel, dest, action.dirCopyContents, newDir, settings)));
  }
  if (ctx.time !== undefined) {
    for (const dir of created.reverse()) await utimes(dir, ctx.time, ctx.time);
  }
}

interface Dest {
  /** `/`-rooted and cleaned. */
  readonly clean: string;
  /** Written as a directory: ends in `/` or `/.`, or is `.`. */
  readonly isDir: boolean;
}

function parseDest(raw: string): Dest {
  return { clean: cleanSourcePath(raw), isDir: raw === '.' || raw.endsWith('/') || raw.endsWith('/.') };
}

/** Copies one selection; returns the directories made on the way. */
async function copyOne(
  sel: Selection,
  dest: Dest,
  dirCopyContents: boolean,
  newDir: NewDirSpec,
  settings: CopySettings,
): Promise<string[]> {
  const root = settings.destRoot;
  const ensure = dest.isDir ? dest.clean : path.posix.dirname(dest.clean);
  const created = await mkdirAll(root, resolveDest(root, ensure), newDir);
  const destAbs = resolveDest(root, dest.clean);
  const existing = await lstatIfPresent(destAbs);
  const srcIsDir = sel.stat.isDirectory();
  let target = destAbs;
  if ((!dirCopyContents && srcIsDir && existing) || (!srcIsDir && existing?.isDirectory())) {
    const base = path.posix.basename(sel.path);
    if (base !== '') target = `${destAbs}/${base}`;
  }
  const parent = dirCopyContents && srcIsDir && existing === undefined ? target : path.dirname(target);
  created.push(...(await mkdirAll(root, parent, newDir)));
  await copySelection(sel, target, settings);
  return created;
}

async function extract(sel: Selection, destClean: string, owner: Owner | undefined, ctx: RunContext) {
  return extractIfArchive(sel, {
    destRoot: ctx.destRoot,
    dir: resolveDest(ctx.destRoot, destClean),
    owner,
    time: ctx.time,
    signal: ctx.signal,
    skipped: ctx.skipped,
  });
}

/** Without `createDestPath`, the destination's parent must exist (BuildKit's check). */
async function requireDestParent(root: string, clean: string, raw: string): Promise<void> {
  const parent = path.dirname(resolveDest(root, clean));
  if ((await lstatIfPresent(parent))?.isDirectory()) return;
  throw new DestinationError(
    raw,
    `cannot copy to "${raw}": its parent directory ${displayPath(root, parent)} does not exist`,
    { hint: 'create the directory in an earlier step, or let the copy create it' },
  );
}

/**
 * ADD of a local archive (BuildKit's `unpack`): when a selected source is a regular file that
 * reads as a tar (see archive-stream.ts), it is extracted into the destination instead of being
 * copied. The destination is then always a directory, with or without a trailing `/`; it and its
 * missing parents are made 0755, owned by `--chown` when given. Extraction is the layer module's
 * safe apply confined to that directory: no entry leaves it, whatever `..`, absolute names or
 * symlinks the archive or the destination hold. Entries keep the archive's modes, times and
 * owners, except that `--chown` replaces every entry's owner; `--chmod` does not apply. Whiteout
 * names are plain files here; device nodes are made (as Docker and BuildKit did before 0.23).
 */
import { lchown } from 'node:fs/promises';
import path from 'node:path';
import { applyLayer, cleanEntryName, readTar, resolveInRoot } from '../../layer/index.js';
import { decompressedStream, fileCompression, looksLikeTar } from './archive-stream.js';
import type { Owner } from './chown.js';
import { displayPath, mkdirAll } from './dest-tree.js';
import { FileOpIoError } from './errors.js';
import type { Selection } from './source-select.js';
import type { SkippedItem } from './types.js';

/** apply.ts's reason for an entry naming the extraction root itself. */
const ROOT_ENTRY = 'resolves to the root itself';

/** Where and how an archive is extracted. */
export interface ExtractTarget {
  readonly destRoot: string;
  /** The destination directory, resolved below `destRoot`. */
  readonly dir: string;
  readonly owner?: Owner;
  readonly time?: number;
  readonly signal?: AbortSignal;
  readonly skipped: SkippedItem[];
}

/** Extracts `sel` when it is an archive; false (nothing done) when it must be copied instead. */
export async function extractIfArchive(sel: Selection, target: ExtractTarget): Promise<boolean> {
  if (!sel.stat.isFile() || !(await looksLikeTar(sel.abs))) return false;
  await mkdirAll(target.destRoot, target.dir, { mode: 0o755, owner: target.owner, time: target.time });
  const compression = await fileCompression(sel.abs);
  const result = await applyLayer(target.destRoot, decompressedStream(sel.abs, compression), {
    destination: displayPath(target.destRoot, target.dir),
    whiteouts: 'literal',
    devices: 'create',
    signal: target.signal,
  });
  for (const s of result.skipped) {
    if (s.reason === ROOT_ENTRY) continue; // `./` entries: BuildKit skips them too
    target.skipped.push({
      path: `${sel.path}:${s.name}`,
      reason: `archive entry not extracted: ${s.reason}`,
    });
  }
  if (target.owner !== undefined) await chownEntries(sel, compression, target.dir, target.owner);
  return true;
}

/** Gives every entry the archive named (now below `dir`) the `--chown` owner. */
async function chownEntries(
  sel: Selection,
  compression: Awaited<ReturnType<typeof fileCompression>>,
  dir: string,
  owner: Owner,
): Promise<void> {
  for await (const entry of readTar(decompressedStream(sel.abs, compression))) {
    const { rel, escapes } = cleanEntryName(entry.header.name);
    await entry.skip();
    if (escapes || rel === '') continue;
    const abs = resolveInRoot(dir, rel, { followFinal: false });
    const below = path.relative(dir, abs);
    if (below === '..' || below.startsWith('../')) continue;
    try {
      await lchown(abs, owner.uid, owner.gid);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new FileOpIoError(`cannot chown extracted ${rel}`, err);
    }
  }
}

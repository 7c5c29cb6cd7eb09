/**
 * Applying a layer (an uncompressed tar stream) onto a root directory, safely.
 *
 * Names: a leading `/` means "from the root"; names are cleaned lexically (`a/b/..` is `a`); a
 * name that climbs above the root after cleaning (`..`, `../x`, `/../x`) is
 * `E_LAYER_PATH_ESCAPE` (moby/go-archive's rule; containerd would clamp it); a name that is the
 * root itself (``, `.`, `/`, `a/..`) is skipped and reported. Then every parent is resolved
 * against the live tree inside the root, symlinks clamped as in a chroot (see scoped-path.ts),
 * so nothing outside the root is ever created, changed or linked to. Entries are applied in
 * archive order; whiteouts per `whiteouts` (apply-whiteout.ts); everything else by
 * apply-entry.ts. The stream is hashed as it is read, trailing bytes after the end marker
 * included, giving the layer's diffID.
 *
 * On error the apply stops where it is and the tree is left half-applied: apply into a fresh
 * snapshot directory and discard it on failure. Not safe against another process changing the
 * tree at the same time (keep snapshot directories private, mode 0700).
 */
import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { ApplyContext, type DeviceMode, type SkippedEntry, type WhiteoutMode } from './apply-context.js';
import { applyEntry } from './apply-entry.js';
import { applyWhiteout, isWhiteoutName } from './apply-whiteout.js';
import type { ByteStream } from './byte-source.js';
import { InvalidEntryError, LayerIoError, PathEscapeError } from './errors.js';
import { cleanEntryName, resolveInRoot } from './scoped-path.js';
import { readTar, type TarReaderOptions } from './tar-reader.js';

/** Options of {@link applyLayer}. */
export interface ApplyOptions {
  /**
   * A directory inside `root` to extract into instead of the root itself (for ADD/COPY into a
   * path of an image). It is resolved inside `root` (symlinks clamped), must exist, and becomes
   * the root that entries are confined to.
   */
  destination?: string;
  /** `remove` (default): delete whiteout targets; `overlay`: make overlayfs whiteouts; `literal`: plain files. */
  whiteouts?: WhiteoutMode;
  /** Block/char device entries: `skip` (default, reported), `create` (needs root), or `error`. */
  devices?: DeviceMode;
  /** Apply the entries' uid/gid. Default: true when running as root. */
  preserveOwnership?: boolean;
  /** Apply extended attributes (needs `setfattr`). Default true; `trusted.overlay.*` is always dropped. */
  xattrs?: boolean;
  /** Options of the tar reader (metadata size cap). */
  reader?: Omit<TarReaderOptions, 'drainTrailing'>;
  /** Stops the apply between entries. */
  signal?: AbortSignal;
}

/** What {@link applyLayer} did. */
export interface ApplyResult {
  /** `sha256:<hex>` of every byte of the uncompressed stream, trailing bytes included. */
  readonly diffId: string;
  /** Bytes of the uncompressed stream. */
  readonly size: number;
  /** Entries read (PAX and GNU records not counted). */
  readonly entries: number;
  /** Entries (or parts of entries) not applied, with the reason. */
  readonly skipped: readonly SkippedEntry[];
}

/** Applies the tar stream `layer` onto `root`. */
export async function applyLayer(
  root: string,
  layer: ByteStream,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const base = extractionRoot(root, options.destination);
  const ctx = new ApplyContext(base, {
    whiteouts: options.whiteouts ?? 'remove',
    devices: options.devices ?? 'skip',
    ownership: options.preserveOwnership ?? process.getuid?.() === 0,
    xattrs: options.xattrs ?? true,
  });
  const hash = createHash('sha256');
  const counter = { bytes: 0 };
  let entries = 0;
  for await (const entry of readTar(hashed(layer, hash, counter), {
    ...options.reader,
    drainTrailing: true,
  })) {
    options.signal?.throwIfAborted();
    entries++;
    const header = entry.header;
    if (header.lossyText) {
      throw new InvalidEntryError(header.name, 'its name, link target or owner names are not valid UTF-8', {
        hint: 'Manifold applies layers with UTF-8 names only',
      });
    }
    const { rel, escapes } = cleanEntryName(header.name);
    if (escapes) throw new PathEscapeError(header.name, 'the name climbs above the root after removing ".."');
    if (ctx.options.whiteouts !== 'literal' && rel !== '' && isWhiteoutName(rel)) {
      await applyWhiteout(ctx, header, rel);
    } else if (rel === '') {
      ctx.skip(header.name, 'resolves to the root itself');
    } else {
      await applyEntry(ctx, header, rel, entry.body);
    }
    await entry.skip();
  }
  ctx.finishDirs();
  return { diffId: `sha256:${hash.digest('hex')}`, size: counter.bytes, entries, skipped: ctx.skipped };
}

function extractionRoot(root: string, destination: string | undefined): string {
  const absRoot = path.resolve(root);
  if (!lstatSync(absRoot, { throwIfNoEntry: false })?.isDirectory()) {
    throw new LayerIoError(`cannot apply a layer onto ${JSON.stringify(root)}`, new Error('not a directory'));
  }
  if (destination === undefined || destination === '' || destination === '/') return absRoot;
  const resolved = resolveInRoot(absRoot, destination);
  if (!lstatSync(resolved, { throwIfNoEntry: false })?.isDirectory()) {
    throw new LayerIoError(
      `cannot apply a layer into ${JSON.stringify(destination)} of ${JSON.stringify(root)}`,
      new Error(
        `it resolves to ${JSON.stringify(path.relative(absRoot, resolved) || '/')} inside the root, which is not a directory`,
      ),
    );
  }
  return resolved;
}

async function* hashed(
  source: ByteStream,
  hash: ReturnType<typeof createHash>,
  counter: { bytes: number },
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    hash.update(chunk);
    counter.bytes += chunk.length;
    yield chunk;
  }
}

/**
 * Whiteout entries of OCI/AUFS layers, in the two forms apply knows:
 *
 * - `remove` (plain directories, each layer applied onto the merged tree): `DIR/.wh.NAME`
 *   removes `DIR/NAME` (a symlink is removed itself, never followed); `DIR/.wh..wh..opq`
 *   removes everything under `DIR` that this layer did not write itself, wherever the marker
 *   sits among its siblings.
 * - `overlay` (each layer in its own directory, stacked by overlayfs): `.wh.NAME` becomes a 0/0
 *   character device `NAME` (owned by the header's uid/gid), and the opaque marker becomes the
 *   xattr `trusted.overlay.opaque=y` on `DIR`.
 *
 * Only the last component is interpreted (`.wh.etc/x` is an ordinary file). A whiteout whose
 * target is empty, `.` or `..` is `E_LAYER_INVALID_WHITEOUT`. Other `.wh..wh.*` names are AUFS
 * metadata and are skipped. The parent is resolved inside the root like any entry's parent; a
 * parent that does not exist means there is nothing to delete.
 */
import { lchownSync, lstatSync, readdirSync } from 'node:fs';
import { type ApplyContext, removeNode } from './apply-context.js';
import { InvalidWhiteoutError } from './errors.js';
import { resolveInRoot } from './scoped-path.js';
import { makeNode, setXattrs } from './system-tools.js';
import { OPAQUE_MARKER, type TarHeader, WHITEOUT_META_PREFIX, WHITEOUT_PREFIX } from './tar-types.js';

/** The overlayfs xattr that marks an opaque directory. */
export const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';

/** True when the last component of `rel` is a whiteout or an AUFS marker. */
export function isWhiteoutName(rel: string): boolean {
  return baseName(rel).startsWith(WHITEOUT_PREFIX);
}

/** Applies a whiteout entry whose cleaned root-relative name is `rel`. */
export async function applyWhiteout(ctx: ApplyContext, header: TarHeader, rel: string): Promise<void> {
  const base = baseName(rel);
  const parentRel = rel.slice(0, rel.length - base.length);
  if (base === OPAQUE_MARKER) {
    await applyOpaque(ctx, parentRel);
    return;
  }
  if (base.startsWith(WHITEOUT_META_PREFIX)) {
    ctx.skip(header.name, 'AUFS metadata entry');
    return;
  }
  const target = base.slice(WHITEOUT_PREFIX.length);
  if (target === '' || target === '.' || target === '..') {
    throw new InvalidWhiteoutError(header.name, `it would delete ${JSON.stringify(target || '(empty)')}`);
  }
  if (ctx.options.whiteouts === 'overlay') {
    const parent = resolveInRoot(ctx.root, parentRel);
    ctx.ensureDir(parent);
    const abs = `${parent}/${target}`;
    removeNode(abs);
    await makeNode(abs, 'char', 0, 0);
    if (ctx.options.ownership) lchownSync(abs, header.uid, header.gid);
    ctx.markUnpacked(abs);
    return;
  }
  const parent = resolveInRoot(ctx.root, parentRel);
  if (!lstatSync(parent, { throwIfNoEntry: false })?.isDirectory()) return;
  removeNode(`${parent}/${target}`);
}

async function applyOpaque(ctx: ApplyContext, parentRel: string): Promise<void> {
  const parent = resolveInRoot(ctx.root, parentRel);
  if (ctx.options.whiteouts === 'overlay') {
    ctx.ensureDir(parent);
    await setXattrs(parent, new Map([[OVERLAY_OPAQUE_XATTR, Buffer.from('y')]])).then((refused) => {
      if (refused.length > 0) {
        throw new InvalidWhiteoutError(
          parentRel,
          `the filesystem refused ${OVERLAY_OPAQUE_XATTR} (${refused[0]!.failure})`,
        );
      }
    });
    return;
  }
  if (!lstatSync(parent, { throwIfNoEntry: false })?.isDirectory()) return;
  clearLower(ctx, parent);
}

/** Removes everything under `dir` that this layer did not write (keeping the way to what it did). */
function clearLower(ctx: ApplyContext, dir: string): void {
  for (const name of readdirSync(dir)) {
    const abs = `${dir}/${name}`;
    const isDir = lstatSync(abs).isDirectory();
    if (isDir && (ctx.wasUnpacked(abs) || ctx.holdsUnpacked(abs))) clearLower(ctx, abs);
    else if (!ctx.wasUnpacked(abs)) removeNode(abs);
  }
}

function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

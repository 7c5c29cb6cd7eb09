/**
 * Creates one non-whiteout entry of a layer below the root.
 *
 * The parent is resolved inside the root (symlinks followed, clamped to the root) and missing
 * parents are created (0755). What exists at the target is replaced, except that a directory
 * entry over a directory merges (children kept, new metadata). Then, by type: files are written
 * with O_EXCL|O_NOFOLLOW; symlink targets are stored verbatim; a hardlink's target has its parent
 * resolved inside the root but its last component is not followed (a link to a symlink links the
 * symlink), and it must exist and not be a directory; devices obey the `devices` option after
 * their numbers are checked (0 … 2^32-1); fifos are always made. Metadata order: owner (when
 * preserving ownership), then mode with setuid/setgid/sticky (chown clears them), then xattrs
 * (never `trusted.overlay.*`/`user.overlay.*`), then times. Nothing is applied through a symlink:
 * symlinks get lchown/lutimes only, hardlinks get no metadata (they share their target's inode),
 * and directory mode and times wait until the layer is done.
 */
import {
  chmodSync,
  constants,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  symlinkSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { type ApplyContext, removeNode, toSeconds } from './apply-context.js';
import { InvalidEntryError, LayerIoError } from './errors.js';
import { resolveInRoot, splitComponents } from './scoped-path.js';
import { makeNode, setXattrs } from './system-tools.js';
import type { TarHeader } from './tar-types.js';

const MAX_DEVICE_NUMBER = 0xffffffff;
const REFUSED_XATTR_PREFIXES = ['trusted.overlay.', 'user.overlay.'];

/** Applies entry `header` (cleaned root-relative name `rel`, not the root) with its data in `body`. */
export async function applyEntry(
  ctx: ApplyContext,
  header: TarHeader,
  rel: string,
  body: Readable,
): Promise<void> {
  if (header.type === 'other') {
    throw new InvalidEntryError(header.name, `typeflag ${JSON.stringify(header.typeflag)} is not supported`, {
      hint: 'layers may hold files, directories, links, devices and fifos only',
    });
  }
  if (header.type === 'char' || header.type === 'block') {
    if (!deviceAllowed(ctx, header)) return;
  }
  const parts = splitComponents(rel);
  const base = parts.pop()!;
  const parent = resolveInRoot(ctx.root, parts.join('/'));
  const linkTarget = header.type === 'hardlink' ? hardlinkTarget(ctx, header) : undefined;
  ctx.ensureDir(parent);
  const abs = `${parent}/${base}`;
  if (linkTarget === abs) return; // a hardlink to itself: nothing to do
  const existing = lstatSync(abs, { throwIfNoEntry: false });
  const merge = header.type === 'dir' && existing?.isDirectory() === true;
  if (existing !== undefined && !merge) removeNode(abs);
  try {
    await createNode(ctx, header, abs, body, linkTarget, merge);
  } catch (err) {
    if (err instanceof Error && 'code' in err && String(err.code).startsWith('E_')) throw err;
    throw new LayerIoError(`cannot create ${header.type} ${JSON.stringify(header.name)}`, err);
  }
  ctx.markUnpacked(abs);
}

function deviceAllowed(ctx: ApplyContext, header: TarHeader): boolean {
  for (const [key, n] of [
    ['major', header.devmajor],
    ['minor', header.devminor],
  ] as const) {
    if (!Number.isInteger(n) || n < 0 || n > MAX_DEVICE_NUMBER) {
      throw new InvalidEntryError(header.name, `device ${key} number ${n} is outside 0 … 2^32-1`);
    }
  }
  if (ctx.options.devices === 'create') return true;
  if (ctx.options.devices === 'error') {
    throw new InvalidEntryError(header.name, `${header.type} device nodes are not allowed here`, {
      hint: 'apply with devices: "create" (as root) or "skip"',
    });
  }
  ctx.skip(
    header.name,
    `${header.type} device ${header.devmajor}:${header.devminor} not created (devices: skip)`,
  );
  return false;
}

/** Resolves a hardlink's target inside the root; it must exist and not be a directory. */
function hardlinkTarget(ctx: ApplyContext, header: TarHeader): string {
  const parts = splitComponents(header.linkname);
  const last = parts.pop();
  if (last === undefined || last === '..') {
    throw new InvalidEntryError(
      header.name,
      `hardlink target ${JSON.stringify(header.linkname)} names a directory`,
    );
  }
  const target = `${resolveInRoot(ctx.root, parts.join('/'))}/${last}`;
  const st = lstatSync(target, { throwIfNoEntry: false });
  if (st === undefined) {
    throw new InvalidEntryError(
      header.name,
      `hardlink target ${JSON.stringify(header.linkname)} does not exist in the layer or below it`,
    );
  }
  if (st.isDirectory()) {
    throw new InvalidEntryError(
      header.name,
      `hardlink target ${JSON.stringify(header.linkname)} is a directory`,
    );
  }
  return target;
}

async function createNode(
  ctx: ApplyContext,
  header: TarHeader,
  abs: string,
  body: Readable,
  linkTarget: string | undefined,
  merge: boolean,
): Promise<void> {
  const atime = header.atime ?? header.mtime;
  switch (header.type) {
    case 'file':
      await writeFile(ctx, header, abs, body);
      await applyXattrs(ctx, header, abs);
      lutimesSync(abs, toSeconds(atime), toSeconds(header.mtime));
      return;
    case 'dir':
      if (!merge) mkdirSync(abs, 0o700);
      if (ctx.options.ownership) lchownSync(abs, header.uid, header.gid);
      await applyXattrs(ctx, header, abs);
      ctx.deferDir(abs, header.mode, atime, header.mtime);
      return;
    case 'symlink':
      symlinkSync(header.linkname, abs);
      if (ctx.options.ownership) lchownSync(abs, header.uid, header.gid);
      await applyXattrs(ctx, header, abs);
      lutimesSync(abs, toSeconds(atime), toSeconds(header.mtime));
      return;
    case 'hardlink':
      linkSync(linkTarget!, abs);
      return;
    case 'char':
    case 'block':
    case 'fifo':
      await makeNode(abs, header.type, header.devmajor, header.devminor);
      if (ctx.options.ownership) lchownSync(abs, header.uid, header.gid);
      chmodSync(abs, header.mode); // a node we just made, not a symlink
      await applyXattrs(ctx, header, abs);
      lutimesSync(abs, toSeconds(atime), toSeconds(header.mtime));
      return;
    case 'other':
      return; // refused in applyEntry
  }
}

async function writeFile(ctx: ApplyContext, header: TarHeader, abs: string, body: Readable): Promise<void> {
  const fh = await open(
    abs,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    for await (const chunk of body) await fh.write(chunk as Buffer);
    if (ctx.options.ownership) await fh.chown(header.uid, header.gid);
    await fh.chmod(header.mode);
  } finally {
    await fh.close();
  }
}

async function applyXattrs(ctx: ApplyContext, header: TarHeader, abs: string): Promise<void> {
  if (header.xattrs.size === 0) return;
  if (!ctx.options.xattrs) {
    ctx.skip(
      header.name,
      `extended attributes not applied (xattrs: false): ${[...header.xattrs.keys()].join(', ')}`,
    );
    return;
  }
  const wanted = new Map<string, Buffer>();
  for (const [key, value] of header.xattrs) {
    if (REFUSED_XATTR_PREFIXES.some((p) => key.startsWith(p))) {
      ctx.skip(
        header.name,
        `xattr ${key} dropped: overlay attributes from a layer would forge overlayfs semantics`,
      );
    } else {
      wanted.set(key, value);
    }
  }
  if (wanted.size === 0) return;
  for (const { key, failure } of await setXattrs(abs, wanted)) {
    const tolerated =
      failure === 'unsupported' ||
      (key.startsWith('user.') && header.type !== 'file' && header.type !== 'dir');
    if (!tolerated) {
      throw new InvalidEntryError(
        header.name,
        `cannot set xattr ${key}: operation ${failure.replace('-', ' ')}`,
      );
    }
    ctx.skip(header.name, `xattr ${key} not set: ${failure.replace('-', ' ')} here`);
  }
}

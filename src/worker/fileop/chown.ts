/**
 * `--chown` (and the owner of mkdir/mkfile) resolved to numeric ids, as BuildKit's `llb.WithUser`
 * and file op backend do:
 *
 * - A decimal number is used as is; `root` is 0 without reading any file.
 * - Other names are looked up in the destination's `/etc/passwd` (users) and `/etc/group`
 *   (groups), read through scoped resolution so a symlinked `/etc` cannot reach the host.
 * - `user` alone: the group is the user's primary group from `/etc/passwd`, or the same number
 *   for a numeric user. `user:group` sets both. An empty group (`user:`) means no group given.
 *
 * Deliberate difference: BuildKit silently uses 0 for a name it cannot find (or when the file is
 * missing); here that is `E_FILEOP_CHOWN`, as with Docker's classic builder and buildah.
 */
import { readFile } from 'node:fs/promises';
import type { ChownSpec } from '../../graph/ops.js';
import { resolveInRoot } from '../../layer/index.js';
import { ChownError } from './errors.js';

/** Numeric owner. */
export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

const MAX_ID = 0x7fffffff;

/** Resolves `spec` against the files of `destRoot`. */
export async function resolveOwner(destRoot: string, spec: ChownSpec): Promise<Owner> {
  const text = spec.group === undefined || spec.group === '' ? spec.user : `${spec.user}:${spec.group}`;
  if (spec.user === '') {
    throw new ChownError(`invalid --chown value "${text}": the user part is empty`, {
      hint: 'write --chown=USER or --chown=USER:GROUP (names or numbers)',
    });
  }
  let owner: Owner;
  const uid = numericId(spec.user);
  if (uid !== undefined) {
    owner = { uid, gid: uid };
  } else {
    const entry = (await readDatabase(destRoot, '/etc/passwd', text)).find((f) => f[0] === spec.user);
    if (entry === undefined) {
      throw new ChownError(`unable to find user "${spec.user}" (from --chown=${text}) in /etc/passwd`, {
        hint: 'add the user in an earlier step (RUN adduser …), or give a numeric uid',
      });
    }
    owner = { uid: idField(entry[2]), gid: idField(entry[3]) };
  }
  if (spec.group === undefined || spec.group === '') return owner;
  const gid = numericId(spec.group);
  if (gid !== undefined) return { uid: owner.uid, gid };
  const group = (await readDatabase(destRoot, '/etc/group', text)).find((f) => f[0] === spec.group);
  if (group === undefined) {
    throw new ChownError(`unable to find group "${spec.group}" (from --chown=${text}) in /etc/group`, {
      hint: 'add the group in an earlier step (RUN addgroup …), or give a numeric gid',
    });
  }
  return { uid: owner.uid, gid: idField(group[2]) };
}

function numericId(text: string): number | undefined {
  if (text === 'root') return 0;
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_ID ? n : undefined;
}

function idField(field: string | undefined): number {
  const n = Number.parseInt(field ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

/** The colon-separated lines of an /etc database inside `root`; a missing file is an error naming it. */
async function readDatabase(root: string, file: string, chown: string): Promise<string[][]> {
  let text: string;
  try {
    text = await readFile(resolveInRoot(root, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
      throw new ChownError(`cannot resolve --chown=${chown}: the image has no ${file}`, {
        hint: 'use numeric ids (--chown=1000:1000), or create the user first',
        cause: err,
      });
    }
    throw err;
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}

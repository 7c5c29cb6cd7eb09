/**
 * USER resolution, as BuildKit does it (runc's `GetExecUser` rules over the image's files).
 *
 * - `""` is root (0:0, no supplementary groups), without reading any file.
 * - `uid:gid` with both parts numeric (or `root`) is taken as is: no file is read and there are
 *   no supplementary groups.
 * - Otherwise `/etc/passwd` and `/etc/group` are read inside the root file system (symlinks are
 *   resolved inside it, so a link to a host file reads nothing of the host):
 *   - the user part matches a passwd entry by uid when numeric, else by name; the first match
 *     wins and gives uid and primary gid. A numeric uid without an entry is fine (gid 0); a name
 *     without one is `unable to find user NAME: no matching entries in passwd file`.
 *   - with a group part, it matches a group entry by gid when numeric, else by name, and replaces
 *     the primary gid (a numeric gid without an entry is fine; a name without one is
 *     `unable to find group NAME: no matching entries in group file`); there are then no
 *     supplementary groups.
 *   - without a group part, the supplementary groups are those whose member list names the user.
 * - Ids must lie in 0..2147483647.
 * - `home` is what runc puts in HOME when the step's env has none: the home of the first passwd
 *   entry with the resolved uid, else `/`.
 */
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { resolveInRoot } from '../../layer/scoped-path.js';
import { UserLookupError } from './errors.js';

/** A resolved USER: the ids the process runs with and its home directory. */
export interface ResolvedUser {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups, in /etc/group order. */
  readonly additionalGids: readonly number[];
  /** Home directory, for HOME when the env sets none. */
  readonly home: string;
}

/** One /etc/passwd entry (only the fields resolution uses). */
interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** One /etc/group entry. */
interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

/** Largest id runc accepts. */
const MAX_ID = 2 ** 31 - 1;
/** Largest /etc/passwd or /etc/group read; real ones are a few KiB. */
const USER_FILE_LIMIT = 16 * 1024 * 1024;

const USER_HINT =
  'create the user in an earlier step (RUN adduser -D NAME on busybox or alpine, useradd elsewhere), ' +
  'or use a numeric USER uid[:gid], which needs no passwd entry';
const GROUP_HINT =
  'create the group in an earlier step (RUN addgroup NAME, or groupadd), or use a numeric gid';

/** Resolves `spec` (a Dockerfile USER value) against the files of `rootfs`. */
export async function resolveUser(rootfs: string, spec: string): Promise<ResolvedUser> {
  const passwd = await readRootFile(rootfs, '/etc/passwd');
  const fast = parseNumericPair(spec);
  if (fast) return { ...fast, additionalGids: [], home: homeOf(parsePasswd(passwd), fast.uid) };
  const group = await readRootFile(rootfs, '/etc/group');
  return resolveUserFrom(spec, passwd, group);
}

/**
 * Resolves `spec` against the text of /etc/passwd and /etc/group (`undefined` when the image has
 * no such file). Pure: {@link resolveUser} reads the files and calls this.
 */
export function resolveUserFrom(
  spec: string,
  passwdText: string | undefined,
  groupText: string | undefined,
): ResolvedUser {
  const users = parsePasswd(passwdText);
  const fast = parseNumericPair(spec);
  if (fast) return { ...fast, additionalGids: [], home: homeOf(users, fast.uid) };

  const [userArg = '', groupArg = ''] = spec.split(':');
  const userNum = parseId(userArg);
  const match = users.find((u) => (userNum !== undefined ? u.uid === userNum : u.name === userArg));
  let uid: number;
  let gid = 0;
  if (match) {
    uid = match.uid;
    gid = match.gid;
  } else if (userNum === undefined) {
    throw new UserLookupError(
      spec,
      `unable to find user ${userArg}: no matching entries in passwd file`,
      USER_HINT,
    );
  } else {
    uid = checkRange(spec, userNum);
  }

  const groups = parseGroup(groupText);
  let additionalGids: number[] = [];
  if (groupArg !== '') {
    gid = resolveGroup(spec, groupArg, groups);
  } else if (match) {
    additionalGids = groups.filter((g) => g.members.includes(match.name)).map((g) => g.gid);
  }
  return { uid, gid, additionalGids, home: homeOf(users, uid) };
}

function resolveGroup(spec: string, groupArg: string, groups: readonly GroupEntry[]): number {
  const gidNum = parseId(groupArg);
  const found = groups.find((g) => (gidNum !== undefined ? g.gid === gidNum : g.name === groupArg));
  if (found) return found.gid;
  if (gidNum === undefined) {
    throw new UserLookupError(
      spec,
      `unable to find group ${groupArg}: no matching entries in group file`,
      GROUP_HINT,
    );
  }
  return checkRange(spec, gidNum);
}

/** BuildKit's fast path: empty, or `uid:gid` where each part is digits or `root`. */
function parseNumericPair(spec: string): { uid: number; gid: number } | undefined {
  if (spec === '') return { uid: 0, gid: 0 };
  const colon = spec.indexOf(':');
  if (colon < 0) return undefined;
  const uid = parseFastId(spec.slice(0, colon));
  const gid = parseFastId(spec.slice(colon + 1));
  return uid === undefined || gid === undefined ? undefined : { uid, gid };
}

function parseFastId(s: string): number | undefined {
  if (s === 'root') return 0;
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 0xffffffff ? n : undefined;
}

/** A numeric user or group argument, as Go's strconv.Atoi reads it; undefined when not numeric. */
function parseId(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

function checkRange(spec: string, id: number): number {
  if (id < 0 || id > MAX_ID) {
    throw new UserLookupError(
      spec,
      `invalid USER ${JSON.stringify(spec)}: uids and gids must be in range 0-${MAX_ID}`,
      'use ids between 0 and 2147483647',
    );
  }
  return id;
}

function homeOf(users: readonly PasswdEntry[], uid: number): string {
  return users.find((u) => u.uid === uid)?.home || '/';
}

/** Parses /etc/passwd: `name:password:uid:gid:gecos:home:shell`; non-numeric ids read as 0. */
export function parsePasswd(text: string | undefined): PasswdEntry[] {
  return lines(text).map((line) => {
    const f = line.split(':');
    return { name: f[0] ?? '', uid: toInt(f[2]), gid: toInt(f[3]), home: f[5] ?? '' };
  });
}

/** Parses /etc/group: `name:password:gid:member,member`. */
export function parseGroup(text: string | undefined): GroupEntry[] {
  return lines(text).map((line) => {
    const f = line.split(':');
    return { name: f[0] ?? '', gid: toInt(f[2]), members: (f[3] ?? '').split(',') };
  });
}

function lines(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function toInt(s: string | undefined): number {
  return s !== undefined && /^[+-]?\d+$/.test(s) ? Number(s) : 0;
}

/**
 * Reads a small regular file at `inner` (absolute inside `rootfs`), resolving symlinks inside the
 * root. Missing, or anything but a regular file (a FIFO would block, a device leak), reads as
 * undefined.
 */
export async function readRootFile(rootfs: string, inner: string): Promise<string | undefined> {
  const hostPath = resolveInRoot(rootfs, inner);
  const st = await lstat(hostPath).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  const handle = await open(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    () => undefined,
  );
  if (!handle) return undefined;
  try {
    const buf = Buffer.alloc(Math.min(st.size, USER_FILE_LIMIT));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Which process owns a temp file, a lease or the index lock, and whether it still runs.
 *
 * An owner is `pid` plus a short tag of the host name, so that a store shared between machines
 * (NFS) or containers with their own pid namespace never judges another host's pid: for those
 * "alive" is unknown and callers fall back to the age of the file. On the same host a pid that
 * `kill(pid, 0)` cannot find is gone, and what it left behind is stale.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** A process that writes to the store. */
export interface Owner {
  readonly pid: number;
  /** First 8 hex digits of the sha256 of the host name. */
  readonly host: string;
}

/** The calling process. */
export function currentOwner(): Owner {
  return { pid: process.pid, host: createHash('sha256').update(hostname()).digest('hex').slice(0, 8) };
}

/**
 * True when the owner's process runs, false when it is gone, undefined when that cannot be
 * known (another host).
 */
export function ownerAlive(owner: Owner): boolean | undefined {
  if (owner.host !== currentOwner().host) return undefined;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when what `owner` left behind may be removed: its process is gone, or it is older than
 * `graceMs` (the only rule when the process cannot be checked, and a guard against reused pids).
 */
export function isStale(owner: Owner | undefined, mtimeMs: number, now: number, graceMs: number): boolean {
  if (now - mtimeMs > graceMs) return true;
  return owner !== undefined && ownerAlive(owner) === false;
}

/** A unique file name `<kind>.<pid>.<host>.<random>` owned by the calling process. */
export function ownedFileName(kind: string): string {
  const o = currentOwner();
  return `${kind}.${o.pid}.${o.host}.${randomBytes(6).toString('hex')}`;
}

/** The kind and owner encoded in a name made by `ownedFileName`, or undefined for other names. */
export function parseOwnedFileName(name: string): { kind: string; owner: Owner } | undefined {
  const m = /^([a-z]+)\.(\d+)\.([0-9a-f]{8})\.[0-9a-f]+$/.exec(name);
  if (m === null) return undefined;
  return { kind: m[1]!, owner: { pid: Number(m[2]), host: m[3]! } };
}

/**
 * An exclusive lock between processes, held while `index.json` is read, changed and replaced.
 *
 * The lock is a file created with `O_CREAT|O_EXCL` (`open(…, 'wx')`) holding JSON
 * `{pid, host, nonce, acquired}`. A process that finds it waits with exponential backoff and
 * jitter (2 ms doubling to 250 ms) until it is released or `timeoutMs` passes. A lock is stale,
 * and is broken, when its holder's pid is gone (same host), when it stays unreadable for longer
 * than a holder needs to write it, or, for a holder on another host, when it is older than
 * `foreignStaleMs`. Breaking renames the lock file to a unique name first: only one process
 * can win that rename, and the winner checks it moved the very lock it judged stale (same
 * nonce), putting it back otherwise, so two breakers cannot remove a fresh lock.
 * Release removes the file only if it still holds the holder's nonce.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreLockedError } from './errors.js';
import type { Layout } from './layout.js';
import { unlinkQuietly } from './layout.js';
import { currentOwner, type Owner, ownerAlive } from './owner.js';

/** How long to wait for the lock and when to call a lock stale. */
export interface LockOptions {
  /** Give up after this long (default 60 s: a gc of a large store holds the lock for a while). */
  readonly timeoutMs?: number;
  /** A lock of another host older than this is stale (default 10 min; its pid cannot be checked). */
  readonly foreignStaleMs?: number;
  readonly signal?: AbortSignal;
}

interface Holder extends Owner {
  readonly nonce: string;
  readonly acquired: string;
}

/** A lock file that has no readable content yet is given this long to get one. */
const UNREADABLE_GRACE_MS = 5_000;
const FIRST_DELAY_MS = 2;
const MAX_DELAY_MS = 250;

/** Runs `fn` while holding the index lock of `layout`; always releases it. */
export async function withIndexLock<T>(
  layout: Layout,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const nonce = await acquire(layout, options);
  try {
    return await fn();
  } finally {
    await release(layout, nonce);
  }
}

async function acquire(layout: Layout, options: LockOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  let delay = FIRST_DELAY_MS;
  const holder: Holder = {
    ...currentOwner(),
    nonce: randomBytes(8).toString('hex'),
    acquired: new Date().toISOString(),
  };
  for (;;) {
    options.signal?.throwIfAborted();
    if (await tryCreate(layout.lockPath, holder)) return holder.nonce;
    const seen = await readHolder(layout.lockPath);
    if (seen === 'gone') continue;
    if (isStaleLock(seen, options.foreignStaleMs ?? 600_000)) {
      await breakLock(layout, seen);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new StoreLockedError(layout.lockPath, describeHolder(seen), waited);
    await sleep(Math.min(delay, timeoutMs - waited) * (0.5 + Math.random() / 2), undefined, {
      signal: options.signal,
    });
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

async function tryCreate(lockPath: string, holder: Holder): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(lockPath, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
  } finally {
    await handle.close();
  }
  return true;
}

/** What the lock file says: its holder, its raw text with age when unreadable, or gone. */
type Seen =
  | { holder: Holder; text: string; ageMs: number }
  | { holder: undefined; text: string; ageMs: number }
  | 'gone';

async function readHolder(lockPath: string): Promise<Seen> {
  try {
    const [text, st] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    return { holder: parseHolder(text), text, ageMs: Date.now() - st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const v = JSON.parse(text) as Partial<Holder>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.nonce === 'string') {
      return { pid: v.pid, host: v.host, nonce: v.nonce, acquired: String(v.acquired ?? '') };
    }
  } catch {
    // a holder killed between creating and writing the file: judged by age below
  }
  return undefined;
}

function isStaleLock(seen: Exclude<Seen, 'gone'>, foreignStaleMs: number): boolean {
  if (seen.holder === undefined) return seen.ageMs > UNREADABLE_GRACE_MS;
  const alive = ownerAlive(seen.holder);
  return alive === undefined ? seen.ageMs > foreignStaleMs : !alive;
}

async function breakLock(layout: Layout, seen: Exclude<Seen, 'gone'>): Promise<void> {
  const moved = layout.tempPath('stalelock');
  try {
    await rename(layout.lockPath, moved);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // another process broke it first
    throw err;
  }
  const text = await readFile(moved, 'utf8').catch(() => '');
  if (text !== seen.text) {
    // We moved a lock taken after the stale one was broken by someone else: put it back.
    await link(moved, layout.lockPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  await unlinkQuietly(moved);
}

async function release(layout: Layout, nonce: string): Promise<void> {
  const seen = await readHolder(layout.lockPath);
  if (seen !== 'gone' && seen.holder?.nonce === nonce) await unlinkQuietly(layout.lockPath);
}

function describeHolder(seen: Exclude<Seen, 'gone'>): string {
  if (seen.holder === undefined) return `an unreadable lock file (age ${Math.round(seen.ageMs)} ms)`;
  return `process ${seen.holder.pid} (host tag ${seen.holder.host}, since ${seen.holder.acquired})`;
}

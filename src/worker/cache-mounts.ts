/**
 * `RUN --mount=type=cache` directories, kept across builds under the builder's state, one per
 * cache id, with BuildKit's sharing modes among the steps of this process:
 * - `shared` (default): every step that mounts the id at the same time gets the same directory;
 * - `locked`: one step at a time; the others wait for it to finish;
 * - `private`: a step that finds the directory in use gets another instance of it.
 * A new directory gets the mount's uid, gid and mode (default 0:0, 0755).
 */
import { createHash } from 'node:crypto';
import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** A cache directory lent to one step; `release` gives it back. */
export interface CacheMountLease {
  readonly dir: string;
  release(): void;
}

/** The cache mounts of one builder. */
export class CacheMounts {
  private readonly inUse = new Map<string, number>();
  private readonly locks = new Map<string, Promise<void>>();

  constructor(private readonly root: string) {}

  /** Lends the directory of cache `id` to a step. */
  async acquire(
    id: string,
    sharing: 'shared' | 'private' | 'locked',
    owner: { uid?: number; gid?: number; mode?: number },
  ): Promise<CacheMountLease> {
    const base = path.join(this.root, createHash('sha256').update(id).digest('hex').slice(0, 32));
    let dir = base;
    let unlock = (): void => {};
    if (sharing === 'locked') {
      const previous = this.locks.get(base) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => {
        release = resolve;
      });
      const chained = previous.then(() => mine);
      this.locks.set(base, chained);
      await previous;
      unlock = () => {
        release();
        if (this.locks.get(base) === chained) this.locks.delete(base);
      };
    } else if (sharing === 'private') {
      for (let n = 1; (this.inUse.get(dir) ?? 0) > 0; n++) dir = `${base}.${n}`;
    }
    this.inUse.set(dir, (this.inUse.get(dir) ?? 0) + 1);
    await this.ensure(dir, owner);
    return {
      dir,
      release: () => {
        this.inUse.set(dir, (this.inUse.get(dir) ?? 1) - 1);
        unlock();
      },
    };
  }

  private async ensure(dir: string, owner: { uid?: number; gid?: number; mode?: number }): Promise<void> {
    const existing = await stat(dir).catch(() => undefined);
    if (existing) return;
    await mkdir(dir, { recursive: true });
    await chmod(dir, owner.mode ?? 0o755);
    if (owner.uid !== undefined || owner.gid !== undefined) await chown(dir, owner.uid ?? 0, owner.gid ?? 0);
  }
}

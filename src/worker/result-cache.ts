/**
 * The build cache: cache key → result, one small JSON file per key under the builder's state.
 * A file-system result is valid only while every snapshot of its chain still exists, so pruning
 * snapshots invalidates the entries that used them. Entries are written atomically.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Vertex } from '../graph/index.js';
import type { Digest } from '../oci/index.js';
import type { ResultCache } from '../solver/index.js';
import type { WorkerRef } from './refs.js';
import type { SnapshotStore } from './snapshots/index.js';

export class DiskResultCache implements ResultCache<WorkerRef> {
  constructor(
    private readonly dir: string,
    private readonly snapshots: SnapshotStore,
  ) {}

  private file(key: Digest): string {
    return path.join(this.dir, `${key.replace(':', '-')}.json`);
  }

  private async read(key: Digest): Promise<WorkerRef | undefined> {
    let ref: WorkerRef;
    try {
      ref = JSON.parse(await readFile(this.file(key), 'utf8')) as WorkerRef;
    } catch {
      return undefined;
    }
    const needed = ref.kind === 'fs' ? ref.chain : ref.snapshot ? [ref.snapshot] : [];
    for (const id of needed) {
      if (!(await this.snapshots.meta(id))) {
        await rm(this.file(key), { force: true });
        return undefined;
      }
    }
    return ref;
  }

  async has(key: Digest): Promise<boolean> {
    return (await this.read(key)) !== undefined;
  }

  load(key: Digest, _vertex: Vertex): Promise<WorkerRef | undefined> {
    return this.read(key);
  }

  async save(key: Digest, _vertex: Vertex, result: WorkerRef): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(key);
    const tmp = `${target}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(result));
    await rename(tmp, target);
  }
}

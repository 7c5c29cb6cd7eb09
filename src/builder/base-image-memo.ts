/**
 * Which digest each base-image reference resolved to, per builder. A later build uses that image
 * from the store without asking the registry, as docker, buildah and podman use a local image
 * (their "pull missing" default); `--pull` asks the registry again and updates it. The memo is
 * a small JSON file in the builder's state, read once and written after the build.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class BaseImageMemo {
  private dirty = false;

  private constructor(
    private readonly file: string,
    private readonly digests: Map<string, string>,
  ) {}

  /** Loads the memo (a missing or broken file starts empty). */
  static async load(file: string): Promise<BaseImageMemo> {
    try {
      const data = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
      return new BaseImageMemo(file, new Map(Object.entries(data)));
    } catch {
      return new BaseImageMemo(file, new Map());
    }
  }

  /** The digest `ref` (a normalized reference without digest) last resolved to. */
  get(ref: string): string | undefined {
    return this.digests.get(ref);
  }

  set(ref: string, digest: string): void {
    if (this.digests.get(ref) === digest) return;
    this.digests.set(ref, digest);
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(Object.fromEntries(this.digests)));
    await rename(tmp, this.file);
    this.dirty = false;
  }
}

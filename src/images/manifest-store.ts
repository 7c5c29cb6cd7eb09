/**
 * Local manifest lists (`manifest create` / `annotate` keep them until `manifest push`), one JSON
 * file per list under `manifestListDir(paths)`:
 *
 * ```json
 * {"name":"host/app:v1","manifests":[{"Ref":"host/app:amd64","Descriptor":{…},"Raw":"<base64>"}]}
 * ```
 *
 * Each entry has the shape of the docker CLI's own files (`Ref`, `Descriptor` with the platform,
 * `Raw` = the manifest's exact bytes). The file name is the list's full reference with `%`
 * escapes (`encodeURIComponent`), so any reference round-trips. Entries are kept in the order the
 * docker CLI lists them (by file-safe name: `:` → `-`, `/` → `_`), which fixes the order of the
 * pushed list, and so its digest. Files are replaced atomically (temp file + rename); a file that
 * does not parse, or whose `Raw` does not match its digest, is `E_MANIFEST_LIST_CORRUPT`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Descriptor, decodeDescriptor, sha256Digest } from '../oci/index.js';
import { ManifestListCorruptError } from './errors.js';
import { descriptorValue } from './inspect.js';

/** One image of a local list. */
export interface LocalListEntry {
  /** The image as it was named to `manifest create`, normalized. */
  readonly ref: string;
  /** Media type, digest, size and platform of its manifest. */
  readonly descriptor: Descriptor;
  /** The manifest's exact bytes. */
  readonly raw: Buffer;
}

/** A local manifest list. */
export interface LocalList {
  /** Full reference of the list, such as `127.0.0.1:5000/app:v1`. */
  readonly name: string;
  readonly entries: readonly LocalListEntry[];
}

/** The local manifest lists in one directory. */
export class ManifestListStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The list named `name`, or undefined. */
  async get(name: string): Promise<LocalList | undefined> {
    const file = this.#file(name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return parseListFile(file, text);
  }

  /** Writes (or replaces) a list. */
  async save(list: LocalList): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.#file(list.name);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const body = {
      name: list.name,
      manifests: sortEntries(list.entries).map((e) => ({
        Ref: e.ref,
        Descriptor: descriptorValue(e.descriptor),
        Raw: e.raw.toString('base64'),
      })),
    };
    await writeFile(tmp, `${JSON.stringify(body, null, 2)}\n`);
    await rename(tmp, file);
  }

  /** Removes a list; false when there was none. */
  async remove(name: string): Promise<boolean> {
    const file = this.#file(name);
    try {
      await rm(file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  /** Names of every local list, sorted. */
  async names(): Promise<string[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return files
      .filter((f) => f.endsWith('.json'))
      .map((f) => decodeURIComponent(f.slice(0, -'.json'.length)))
      .sort();
  }

  #file(name: string): string {
    return path.join(this.dir, `${encodeURIComponent(name)}.json`);
  }
}

/** Entries in the docker CLI's order (see the module comment). */
export function sortEntries(entries: readonly LocalListEntry[]): LocalListEntry[] {
  const key = (e: LocalListEntry): Buffer => Buffer.from(e.ref.replaceAll(':', '-').replaceAll('/', '_'));
  return [...entries].sort((a, b) => Buffer.compare(key(a), key(b)));
}

function parseListFile(file: string, text: string): LocalList {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ManifestListCorruptError(file, (err as Error).message, err);
  }
  const obj = value as { name?: unknown; manifests?: unknown };
  if (typeof obj?.name !== 'string' || !Array.isArray(obj.manifests)) {
    throw new ManifestListCorruptError(file, 'expected {"name": …, "manifests": […]}');
  }
  const entries = obj.manifests.map((m: unknown, i: number): LocalListEntry => {
    const e = m as { Ref?: unknown; Descriptor?: unknown; Raw?: unknown };
    if (typeof e?.Ref !== 'string' || typeof e.Raw !== 'string') {
      throw new ManifestListCorruptError(file, `manifests[${i}] needs Ref, Descriptor and Raw`);
    }
    let descriptor: Descriptor;
    try {
      descriptor = decodeDescriptor(e.Descriptor);
    } catch (err) {
      throw new ManifestListCorruptError(file, `manifests[${i}].Descriptor: ${(err as Error).message}`, err);
    }
    const raw = Buffer.from(e.Raw, 'base64');
    if (sha256Digest(raw) !== descriptor.digest) {
      throw new ManifestListCorruptError(
        file,
        `manifests[${i}] (${e.Ref}): Raw does not match ${descriptor.digest}`,
      );
    }
    return { ref: e.Ref, descriptor, raw };
  });
  return { name: obj.name, entries: sortEntries(entries) };
}

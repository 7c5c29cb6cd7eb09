/**
 * Deterministic file content for the scenarios, the same bytes in every run (so every run of
 * the benchmark measures the same work):
 * - {@link writeTree}: N files of about equal size under `d000/ … d099/` folders (100 files a
 *   folder), each text made of lines of identifiers and punctuation picked by a seeded keystream
 *   from a small vocabulary: it compresses about as well as source code does (gzip ≈ 3:1).
 * - {@link writeBigFile}: one file of pseudo-random (incompressible) bytes, written in 1 MiB
 *   chunks, never held in memory whole.
 * The keystream is AES-128-CTR over zeros with a key derived from the seed: fast and seedable.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

const CHUNK = 1 << 20;

function keystream(seed: string): (bytes: number) => Buffer {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  return (bytes) => cipher.update(Buffer.alloc(bytes));
}

const WORDS = (
  'const let return if else for while function class import export from async await new this ' +
  'value index count name path file layer digest platform context result error options state ' +
  'build push pull cache key store image manifest config snapshot mount write read open close ' +
  '= == === => ( ) { } [ ] ; , . + - * / < > && || ! ? : 0 1 2 16 256 1024 true false null'
).split(' ');

/** `bytes` bytes of source-like text for file `name` of tree `seed`. */
export function textContent(seed: string, name: string, bytes: number): Buffer {
  const random = keystream(`${seed}/${name}`)(bytes);
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const r = random[i % random.length]! ^ (i >> 8);
    const word = r % 16 === 0 ? `\n${'  '.repeat(r % 5)}` : `${WORDS[r % WORDS.length]} `;
    parts.push(word);
    length += word.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

/** Relative path of file `i` of a tree. */
export function treeFile(i: number): string {
  const dir = `d${String(Math.floor(i / 100)).padStart(3, '0')}`;
  return path.join(dir, `f${String(i).padStart(5, '0')}.txt`);
}

/** Writes `files` files of `totalBytes / files` bytes each under `root`. */
export async function writeTree(
  root: string,
  seed: string,
  files: number,
  totalBytes: number,
): Promise<void> {
  const each = Math.max(1, Math.floor(totalBytes / files));
  for (let i = 0; i < files; i++) {
    const rel = treeFile(i);
    if (i % 100 === 0) await mkdir(path.join(root, path.dirname(rel)), { recursive: true });
    await writeFile(path.join(root, rel), textContent(seed, rel, each));
  }
}

/** Writes `bytes` pseudo-random bytes to `file`; does nothing when it already has that size. */
export async function writeBigFile(file: string, seed: string, bytes: number): Promise<void> {
  const st = await stat(file).catch(() => undefined);
  if (st?.size === bytes) return;
  await mkdir(path.dirname(file), { recursive: true });
  const next = keystream(seed);
  const out = createWriteStream(file);
  for (let done = 0; done < bytes; done += CHUNK) {
    const chunk = next(Math.min(CHUNK, bytes - done));
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.end(() => resolve());
  });
}

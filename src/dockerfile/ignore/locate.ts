/**
 * Which ignore file applies to a build, as BuildKit's Dockerfile frontend decides:
 *
 * 1. `<Dockerfile>.dockerignore` next to the Dockerfile (for `-f build/app.Dockerfile`, the file
 *    `build/app.Dockerfile.dockerignore`), when it exists, even if it is empty;
 * 2. otherwise `.dockerignore` at the root of the build context;
 * 3. otherwise no patterns.
 *
 * Only the first file found is read; the two are never merged. A Dockerfile read from stdin has
 * no file of its own (pass `undefined`). A relative path is taken as `path.resolve` takes it.
 * Unlike BuildKit, which treats any read error as "no file", an ignore file that exists but cannot
 * be read (permissions, a directory of that name) is an error: silently sending the whole
 * context is worse.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DockerignoreReadError } from './errors.js';
import { readIgnoreFile } from './ignore-file.js';

/** The name of the context-wide ignore file. */
export const DOCKERIGNORE_NAME = '.dockerignore';

/** A found ignore file: its path and raw content. */
export interface FoundIgnoreFile {
  readonly file: string;
  readonly content: Buffer;
}

/** The ignore file that applies, with its content, or `undefined` when there is none. */
export async function findDockerignore(
  contextDir: string,
  dockerfilePath?: string,
): Promise<FoundIgnoreFile | undefined> {
  const candidates: string[] = [];
  if (dockerfilePath !== undefined && dockerfilePath !== '' && dockerfilePath !== '-') {
    candidates.push(`${path.resolve(dockerfilePath)}${DOCKERIGNORE_NAME}`);
  }
  candidates.push(path.join(path.resolve(contextDir), DOCKERIGNORE_NAME));
  for (const file of candidates) {
    const content = await readIfExists(file);
    if (content !== undefined) return { file, content };
  }
  return undefined;
}

/**
 * The `.dockerignore` patterns for a build with this context and Dockerfile (see the module
 * comment for which file wins); an empty list when there is no ignore file.
 */
export async function loadDockerignore(contextDir: string, dockerfilePath?: string): Promise<string[]> {
  const found = await findDockerignore(contextDir, dockerfilePath);
  return found === undefined ? [] : readIgnoreFile(found.content, found.file);
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new DockerignoreReadError(`cannot read ignore file "${file}": ${(err as Error).message}`, {
      file,
      cause: err,
      hint: 'make the file readable, or remove it',
    });
  }
}

/**
 * The one lstat wrapper of the executor: "nothing there" (ENOENT, or a parent that is not a
 * directory) is `undefined`; any other failure is `E_FILEOP_IO`.
 */
import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { FileOpIoError } from './errors.js';

/** The lstat of `abs`, or undefined when nothing is there. */
export async function lstatIfPresent(abs: string): Promise<Stats | undefined> {
  try {
    return await lstat(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new FileOpIoError(`cannot stat ${abs}`, err);
  }
}

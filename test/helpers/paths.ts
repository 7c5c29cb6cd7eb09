/** Paths the tests share: the repository root and the third-party conformance data. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of this repository. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The conformance data lives in `../shared/conformance` beside the checkout (CI lays a copy of
 * shared/ there too). `MANIFOLD_CONFORMANCE_DIR` overrides it.
 */
export const conformanceDir =
  process.env.MANIFOLD_CONFORMANCE_DIR ?? path.resolve(repoRoot, '..', 'shared', 'conformance');

/** Absolute path of a file or folder inside the conformance data; throws if it is missing. */
export function conformancePath(...parts: string[]): string {
  const p = path.join(conformanceDir, ...parts);
  if (!existsSync(p)) throw new Error(`conformance data missing: ${p} (set MANIFOLD_CONFORMANCE_DIR)`);
  return p;
}

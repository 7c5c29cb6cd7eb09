/** Manifold's own version, read once from package.json (two levels up from src/ and dist/ alike). */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version of this Manifold package, e.g. `0.1.0`. */
export function manifoldVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    cached = pkg.version;
  }
  return cached;
}

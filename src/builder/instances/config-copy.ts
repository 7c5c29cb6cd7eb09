/**
 * Giving a builder its own copy of a configuration file, as `buildx create --config` does: the
 * file is validated, then copied into the builder's configuration directory, so later edits of
 * the original do not change the builder. Files that its registry tables name by a relative path
 * (`ca`, `keypair` key and cert, `tlsconfigdir`) are copied beside it at the same relative path,
 * so they still resolve; absolute paths are kept as they are. A relative path that climbs out of
 * the file's directory (`../ca.pem`) cannot be copied that way and is refused.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { type BuilderConfig, parseBuilderConfig } from './config.js';
import { BuilderConfigError } from './errors.js';

/**
 * Validates `source` and copies it (with the files it names by relative path) to
 * `<destDir>/buildkitd.toml`, replacing what was there. Returns the configuration as read from
 * the copy.
 */
export async function copyBuilderConfig(source: string, destDir: string): Promise<BuilderConfig> {
  const from = path.resolve(source);
  let text: string;
  try {
    text = await readFile(from, 'utf8');
  } catch (err) {
    throw new BuilderConfigError(
      `cannot read the configuration: ${(err as Error).message}`,
      { file: from },
      'give --config an existing buildkitd.toml',
      err,
    );
  }
  parseBuilderConfig(text, from);
  const relative = relativeFiles(text, from);
  await rm(destDir, { recursive: true, force: true });
  await mkdir(destDir, { recursive: true });
  for (const rel of relative) {
    await mkdir(path.dirname(path.join(destDir, rel)), { recursive: true });
    await cp(path.join(path.dirname(from), rel), path.join(destDir, rel), { recursive: true }).catch(
      (err) => {
        throw new BuilderConfigError(
          `cannot copy "${rel}", which the registry configuration names: ${(err as Error).message}`,
          { file: from },
          'make the path absolute, or put the file where the configuration says',
          err,
        );
      },
    );
  }
  const dest = path.join(destDir, 'buildkitd.toml');
  await writeFile(dest, text);
  return parseBuilderConfig(text, dest);
}

/** The relative paths the registry tables of `text` name. */
function relativeFiles(text: string, file: string): string[] {
  const doc = parseToml(text) as Record<string, unknown>;
  const registry = doc.registry;
  if (typeof registry !== 'object' || registry === null) return [];
  const out: string[] = [];
  for (const [host, value] of Object.entries(registry as Record<string, unknown>)) {
    const table = value as Record<string, unknown>;
    const paths: unknown[] = [
      ...asArray(table.ca),
      ...asArray(table.tlsconfigdir),
      ...asArray(table.keypair).flatMap((kp) => {
        const pair = kp as Record<string, unknown>;
        return [pair.key, pair.cert];
      }),
    ];
    for (const p of paths) {
      if (typeof p !== 'string' || path.isAbsolute(p)) continue;
      const normal = path.normalize(p);
      if (normal.startsWith('..')) {
        throw new BuilderConfigError(
          `[registry."${host}"] names "${p}", outside the configuration's directory`,
          { file },
          'use an absolute path for files outside the directory of the configuration file',
        );
      }
      if (!out.includes(normal)) out.push(normal);
    }
  }
  return out;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

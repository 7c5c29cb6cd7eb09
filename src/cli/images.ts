/**
 * `manifold images`, `tag` and `rmi`, over the image store, with docker's output:
 * - `images [-q] [--no-trunc] [--format table|json|TEMPLATE]`: REPOSITORY TAG IMAGE ID CREATED
 *   SIZE PLATFORMS; `json` prints one object per line with docker's keys (plus `Platforms`); a
 *   template runs once per image over the same fields.
 * - `tag SOURCE TARGET`: silent, as docker.
 * - `rmi NAME…`: `Untagged: NAME` and, when the image itself was freed, `Deleted: DIGEST`.
 */
import type { Command } from '@commander-js/extra-typings';
import { tabwrite } from '../gofmt/index.js';
import {
  type ImageRow,
  listImages,
  RemoveImagesError,
  removeImages,
  tagImage,
  withImagesSession,
} from '../images/index.js';
import { executeTemplate, humanDuration, humanSize, parseTemplate } from './format.js';

export function registerImages(program: Command): void {
  program
    .command('images')
    .description('List the images in the image store')
    .option('-q, --quiet', 'print only image IDs')
    .option('--no-trunc', 'do not truncate image IDs')
    .option('--format <format>', 'table (default), json, or a Go template over the fields of json')
    .action(async (opts) => {
      const rows = await withImagesSession({}, async (s) => listImages(await s.imageStore()));
      process.stdout.write(
        renderImages(rows, { quiet: opts.quiet === true, trunc: opts.trunc, format: opts.format }),
      );
    });

  program
    .command('tag')
    .description('Give an image of the store another name')
    .argument('<source>', 'name or ID of an image in the store')
    .argument('<target>', 'the new name, such as host:5000/app:v1')
    .action(async (source, target) => {
      await withImagesSession({}, async (s) => tagImage(await s.imageStore(), source, target));
    });

  program
    .command('rmi')
    .description('Remove images from the image store')
    .argument('<names...>', 'names or IDs of images')
    .action(async (names) => {
      const outcomes = await withImagesSession({}, async (s) => removeImages(await s.imageStore(), names));
      const failures: unknown[] = [];
      for (const o of outcomes) {
        if (!o.ok) {
          failures.push(o.error);
          continue;
        }
        process.stdout.write(`Untagged: ${o.familiar}\n`);
        if (o.deleted) process.stdout.write(`Deleted: ${o.descriptor.digest}\n`);
      }
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) {
        const messages = failures.map((e) => (e instanceof Error ? e.message : String(e)));
        throw new RemoveImagesError(messages);
      }
    });
}

/** The fields docker's `images --format` knows, plus Platforms. */
function rowFields(row: ImageRow, trunc: boolean, now: number): Record<string, string | string[]> {
  const hex = row.digest.slice(row.digest.indexOf(':') + 1);
  const created = row.created === undefined ? Number.NaN : Date.parse(row.created);
  const size = humanSize(row.size);
  return {
    Containers: 'N/A',
    CreatedAt: Number.isNaN(created) ? 'N/A' : goTimeString(new Date(created)),
    CreatedSince: Number.isNaN(created) ? 'N/A' : `${humanDuration(Math.max(0, now - created))} ago`,
    Digest: row.nameDigest ?? '<none>',
    ID: trunc ? hex.slice(0, 12) : row.digest,
    Platforms: [...row.platforms],
    Repository: row.repository,
    SharedSize: 'N/A',
    Size: size,
    Tag: row.tag ?? '<none>',
    UniqueSize: 'N/A',
    VirtualSize: size,
  };
}

/** `images` output for every format. */
export function renderImages(
  rows: readonly ImageRow[],
  options: { quiet: boolean; trunc: boolean; format: string | undefined; now?: number },
): string {
  const now = options.now ?? Date.now();
  const fields = rows.map((r) => rowFields(r, options.trunc, now));
  if (options.quiet) return fields.map((f) => `${f.ID}\n`).join('');
  const format = options.format ?? 'table';
  if (format === 'json') return fields.map((f) => `${JSON.stringify(f)}\n`).join('');
  if (format !== 'table') {
    const template = parseTemplate(format);
    return fields.map((f) => `${executeTemplate(template, f)}\n`).join('');
  }
  const lines = ['REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\tPLATFORMS\n'];
  for (const f of fields) {
    lines.push(
      `${f.Repository}\t${f.Tag}\t${f.ID}\t${f.CreatedSince}\t${f.Size}\t${(f.Platforms as string[]).join(',')}\n`,
    );
  }
  return tabwrite(lines.join(''), { minWidth: 10, padding: 3 });
}

/** Go's `time.Time.String()` in UTC: `2024-01-02 03:04:05 +0000 UTC`. */
function goTimeString(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

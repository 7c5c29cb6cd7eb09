/**
 * `manifold imagetools inspect|create`, as `docker buildx imagetools`:
 * - `inspect [--raw] [--format TEMPLATE] NAME`: the human view; `--raw` the registry's bytes as
 *   they are; `--format` a Go template over `.Name`, `.Manifest` and `.Image` (`{{.Manifest}}`
 *   alone is the human view). No newline is added to raw or template output, as buildx.
 * - `create -t NAME… [--append] [--annotation A…] [--dry-run] [-f FILE…] [SOURCE…]`: a new
 *   index from images, indexes and digests; `--dry-run` prints it; progress goes to stderr.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from '@commander-js/extra-typings';
import {
  createImage,
  ImagetoolsInputError,
  inspectRemote,
  inspectTemplateData,
  renderInspectView,
  withImagesSession,
} from '../images/index.js';
import { executeTemplate, parseTemplate, templateUses } from './format.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** True for `{{.Manifest}}` alone (spaces allowed): buildx then prints the human view. */
function isWholeManifestTemplate(format: string): boolean {
  return /^\{\{-?\s*\.Manifest\s*-?\}\}$/.test(format.trim());
}

/** Registers `imagetools` and its subcommands. */
export function registerImagetools(program: Command): void {
  const tools = program.command('imagetools').description('Work on images in a registry');
  registerInspect(tools);
  registerCreate(tools);
}

function registerInspect(tools: Command): void {
  tools
    .command('inspect')
    .description('Show details of an image in the registry')
    .argument('<name>', 'image reference')
    .option('--raw', 'show the original, unformatted manifest')
    .option('--format <template>', 'format the output using a Go template (default "{{.Manifest}}")')
    .action(async (name, opts) => {
      if (opts.raw && opts.format !== undefined) {
        throw new ImagetoolsInputError('format and raw cannot be used together', {
          hint: 'use either --raw or --format',
        });
      }
      const human = opts.format === undefined || opts.format === '' || isWholeManifestTemplate(opts.format);
      const template = human ? undefined : parseTemplate(opts.format as string);
      const loadImages = template !== undefined && templateUses(template, 'Image');
      const image = await withImagesSession({}, (s) => inspectRemote(name, { client: s.client, loadImages }));
      if (opts.raw) process.stdout.write(image.raw);
      else if (template === undefined) process.stdout.write(renderInspectView(image));
      else process.stdout.write(executeTemplate(template, inspectTemplateData(image)));
    });
}

function registerCreate(tools: Command): void {
  tools
    .command('create')
    .description('Create a new image from images, indexes or digests already in a registry')
    .argument('[sources...]', 'digests, references or descriptor JSON')
    .option('-t, --tag <name>', 'where to push the new image (repeatable)', collect, [] as string[])
    .option(
      '-f, --file <file>',
      'read a source (descriptor JSON) from a file (repeatable)',
      collect,
      [] as string[],
    )
    .option(
      '--annotation <annotation>',
      'add an annotation: [index:|manifest-descriptor[PLATFORM]:]KEY=VALUE',
      collect,
      [] as string[],
    )
    .option('--append', 'append to the existing image of the first tag')
    .option('--dry-run', 'print the new image instead of pushing it')
    .option('--prefer-index', 'with one manifest source, still make an index (default)', true)
    .option('--no-prefer-index', 'with one manifest source, copy it as it is')
    .action(async (sources, opts) => {
      const files = await Promise.all(opts.file.map((f) => readFile(f, 'utf8')));
      const result = await withImagesSession({}, (s) =>
        createImage({
          client: s.client,
          tags: opts.tag,
          sources: [...files, ...sources],
          annotations: opts.annotation,
          append: opts.append === true,
          dryRun: opts.dryRun === true,
          preferIndex: opts.preferIndex !== false,
          onEvent: (e) => {
            if (e.kind === 'copying')
              process.stderr.write(`copying ${e.descriptor.digest} from ${e.from} to ${e.to}\n`);
            else if (e.kind === 'pushing')
              process.stderr.write(`pushing ${e.descriptor.digest} to ${e.to}\n`);
          },
        }),
      );
      if (opts.dryRun) process.stdout.write(`${result.bytes.toString('utf8')}\n`);
    });
}

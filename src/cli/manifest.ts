/**
 * `manifold manifest create|annotate|inspect|push|rm`, as `docker manifest`: lists are kept
 * locally (under MANIFOLD_HOME) until pushed; output is docker's. `--insecure` lets the command
 * reach the registries it names over HTTPS without verification, or plain HTTP.
 */
import type { Command } from '@commander-js/extra-typings';
import {
  annotateManifestList,
  createManifestList,
  type ImagesSession,
  inspectManifest,
  ManifestListStore,
  pushManifestList,
  registriesOf,
  removeManifestLists,
  withImagesSession,
} from '../images/index.js';
import { manifestListDir } from '../state/index.js';

function lists(session: ImagesSession): ManifestListStore {
  return new ManifestListStore(manifestListDir(session.paths));
}

function sessionOptions(insecure: boolean | undefined, refs: readonly string[]) {
  return insecure ? { insecureRegistries: registriesOf(refs) } : {};
}

/** Registers `manifest` and its subcommands. */
export function registerManifest(program: Command): void {
  const manifest = program.command('manifest').description('Manage manifest lists (docker manifest)');
  registerCreate(manifest);
  registerAnnotate(manifest);
  registerInspect(manifest);
  registerPush(manifest);
  registerRm(manifest);
}

function registerCreate(manifest: Command): void {
  manifest
    .command('create')
    .description('Create a local manifest list for annotating and pushing to a registry')
    .argument('<list>', 'name of the manifest list')
    .argument('<manifests...>', 'single-platform images to put in it')
    .option('-a, --amend', 'amend an existing manifest list')
    .option('--insecure', 'allow communication with an insecure registry')
    .action(async (list, manifests, opts) => {
      const name = await withImagesSession(sessionOptions(opts.insecure, [list, ...manifests]), (s) =>
        createManifestList(list, manifests, {
          lists: lists(s),
          client: s.client,
          amend: opts.amend === true,
        }),
      );
      process.stdout.write(`Created manifest list ${name}\n`);
    });
}

function registerAnnotate(manifest: Command): void {
  manifest
    .command('annotate')
    .description('Add additional information to a local image manifest')
    .argument('<list>', 'name of the manifest list')
    .argument('<manifest>', 'image in the list')
    .option('--os <os>', 'set operating system')
    .option('--arch <arch>', 'set architecture')
    .option('--variant <variant>', 'set architecture variant')
    .option('--os-version <version>', 'set operating system version')
    .option('--os-features <features>', 'set operating system features (comma-separated)')
    .action(async (list, image, opts) => {
      await withImagesSession({}, (s) =>
        annotateManifestList(
          list,
          image,
          {
            ...(opts.os ? { os: opts.os } : {}),
            ...(opts.arch ? { arch: opts.arch } : {}),
            ...(opts.variant ? { variant: opts.variant } : {}),
            ...(opts.osVersion ? { osVersion: opts.osVersion } : {}),
            ...(opts.osFeatures ? { osFeatures: opts.osFeatures.split(',').filter((f) => f !== '') } : {}),
          },
          lists(s),
        ),
      );
    });
}

function registerInspect(manifest: Command): void {
  manifest
    .command('inspect')
    .description('Display an image manifest, or manifest list')
    .argument('<name>', 'a local manifest list, or an image or list in a registry')
    .argument('[manifest]', 'with a local list as NAME: the image of that list to show')
    .option('-v, --verbose', 'output additional info including layers and platform')
    .option('--insecure', 'allow communication with an insecure registry')
    .action(async (name, image, opts) => {
      const [list, ref] = image === undefined ? [undefined, name] : [name, image];
      const text = await withImagesSession(sessionOptions(opts.insecure, [ref]), (s) =>
        inspectManifest(ref, {
          lists: lists(s),
          client: s.client,
          verbose: opts.verbose === true,
          ...(list === undefined ? {} : { list }),
        }),
      );
      process.stdout.write(text);
    });
}

function registerPush(manifest: Command): void {
  manifest
    .command('push')
    .description('Push a manifest list to a repository')
    .argument('<list>', 'name of the manifest list')
    .option('-p, --purge', 'remove the local manifest list after push')
    .option('--insecure', 'allow push to an insecure registry')
    .action(async (list, opts) => {
      const result = await withImagesSession(sessionOptions(opts.insecure, [list]), (s) =>
        pushManifestList(list, { lists: lists(s), client: s.client, purge: opts.purge === true }),
      );
      for (const ref of result.copied) {
        process.stdout.write(`Pushed ref ${ref} with digest: ${ref.slice(ref.lastIndexOf('@') + 1)}\n`);
      }
      process.stdout.write(`${result.digest}\n`);
    });
}

function registerRm(manifest: Command): void {
  manifest
    .command('rm')
    .description('Delete one or more manifest lists from local storage')
    .argument('<lists...>', 'names of manifest lists')
    .action(async (names) => {
      await withImagesSession({}, async (s) => removeManifestLists(names, lists(s)));
    });
}

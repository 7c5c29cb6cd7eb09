/**
 * `manifold pull [--platform P] [--all-platforms] [-q] NAME`: downloads an image into the image
 * store, printing what `docker pull` prints (one line per layer, the digest, the status and the
 * full name).
 */
import type { Command } from '@commander-js/extra-typings';
import { pullImage, withImagesSession } from '../images/index.js';
import { isLayerMediaType } from '../oci/index.js';
import { parsePlatformList } from '../platform/index.js';
import { formatFamiliarReference, parseReference } from '../registry/index.js';

export function registerPull(program: Command): void {
  program
    .command('pull')
    .description('Download an image from a registry into the image store')
    .argument('<name>', 'image reference, such as alpine:3.20 or host:5000/app@sha256:…')
    .option('--platform <platforms>', 'platforms to take from a multi-platform image (default: the host)')
    .option('-a, --all-platforms', 'take every platform of a multi-platform image')
    .option('-q, --quiet', 'print only the image name')
    .action(async (name, opts) => {
      const write = (s: string) => process.stdout.write(s);
      const given = parseReference(name, { defaultTag: false });
      const ref = parseReference(name);
      if (!opts.quiet) {
        if (given.tag === undefined && given.digest === undefined) write('Using default tag: latest\n');
        write(`${ref.digest ?? ref.tag}: Pulling from ${ref.repository}\n`);
      }
      const result = await withImagesSession({}, async (session) =>
        pullImage(name, {
          store: await session.imageStore(),
          client: session.client,
          ...(opts.platform ? { platforms: parsePlatformList(opts.platform) } : {}),
          ...(opts.allPlatforms ? { allPlatforms: true } : {}),
          onEvent: (e) => {
            if (opts.quiet || e.kind !== 'blob' || !isLayerMediaType(e.descriptor.mediaType)) return;
            const id = e.descriptor.digest.slice('sha256:'.length, 'sha256:'.length + 12);
            write(`${id}: ${e.status === 'exists' ? 'Already exists' : 'Pull complete'}\n`);
          },
        }),
      );
      if (!opts.quiet) {
        write(`Digest: ${result.descriptor.digest}\n`);
        const shown = formatFamiliarReference(parseReference(result.name));
        write(
          result.status === 'up-to-date'
            ? `Status: Image is up to date for ${shown}\n`
            : `Status: Downloaded newer image for ${shown}\n`,
        );
      }
      write(`${result.name}\n`);
    });
}

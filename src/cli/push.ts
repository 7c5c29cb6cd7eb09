/**
 * `manifold push [--platform P] [-q] NAME`: pushes an image of the image store (every platform of
 * a local index, or one with --platform), printing what `docker push` prints.
 */
import type { Command } from '@commander-js/extra-typings';
import { pushStoredImage, withImagesSession } from '../images/index.js';
import { parsePlatform } from '../platform/index.js';

export function registerPush(program: Command): void {
  program
    .command('push')
    .description('Upload an image from the image store to a registry')
    .argument('<name>', 'image name in the store, which is also where it goes')
    .option('--platform <platform>', 'push only this platform of a multi-platform image')
    .option('-q, --quiet', 'print only the digest')
    .action(async (name, opts) => {
      const result = await withImagesSession({}, async (session) =>
        pushStoredImage(name, {
          store: await session.imageStore(),
          client: session.client,
          ...(opts.platform ? { platform: parsePlatform(opts.platform) } : {}),
        }),
      );
      const d = result.descriptor;
      if (opts.quiet) {
        process.stdout.write(`${d.digest}\n`);
        return;
      }
      process.stdout.write(`The push refers to repository [${result.repository}]\n`);
      process.stdout.write(`${result.tag ?? d.digest}: digest: ${d.digest} size: ${d.size}\n`);
    });
}

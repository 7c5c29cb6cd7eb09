/**
 * Runs a real build for `manifold build`: maps the parsed flags onto the library's
 * `BuildOptions`, renders progress on stderr, and writes what buildx writes afterwards (the
 * image digest with -q, `--metadata-file`, `--iidfile`).
 */
import { writeFile } from 'node:fs/promises';
import { build } from '../builder/build.js';
import { ManifoldError } from '../errors/index.js';
import { encodeDescriptor } from '../oci/index.js';
import { formatPlatform } from '../platform/index.js';
import { PlainRenderer, type ProgressSink } from '../progress/index.js';
import type { BuildCliOptions } from './build-flags.js';
import type { BuildRunner } from './build-run.js';

/** Where the runner writes. */
export interface RunnerIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: RunnerIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** A runner bound to `io` (the process's streams by default). */
export function buildRunner(io: RunnerIo = processIo): BuildRunner {
  return async (opts: BuildCliOptions) => {
    const { push, load } = exportTargets(opts);
    const progress = progressSink(opts, io);
    const result = await build({
      context: opts.contextPath,
      ...(opts.dockerfile && opts.dockerfile !== '-' ? { dockerfile: opts.dockerfile } : {}),
      platforms: opts.platforms.map(formatPlatform),
      buildArgs: opts.buildArgs,
      ...(opts.target ? { target: opts.target } : {}),
      tags: opts.tags,
      push,
      load,
      labels: opts.labels,
      annotations: opts.annotations,
      noCache: opts.noCache,
      noCacheFilter: opts.noCacheFilter,
      pull: opts.pull,
      secrets: Object.fromEntries(
        opts.secrets.map((s) => [
          s.id,
          { ...(s.source ? { file: s.source } : {}), ...(s.env ? { env: s.env } : {}) },
        ]),
      ),
      buildContexts: opts.buildContexts,
      progress,
    });
    if (opts.quiet) io.stdout(`${result.descriptor.digest}\n`);
    else {
      for (const name of result.names) io.stderr(`naming to ${name} done\n`);
      for (const ref of result.pushed) io.stderr(`pushed ${ref}@${result.descriptor.digest}\n`);
      io.stderr(
        `image ${result.descriptor.digest} (${result.executed} steps run, ${result.cached} cached)\n`,
      );
    }
    if (opts.iidFile) await writeFile(opts.iidFile, result.descriptor.digest);
    if (opts.metadataFile) {
      const metadata = {
        'containerimage.descriptor': JSON.parse(encodeDescriptor(result.descriptor).toString('utf8')),
        'containerimage.digest': result.descriptor.digest,
        ...(result.images.length === 1
          ? { 'containerimage.config.digest': result.images[0]!.configDigest }
          : {}),
        ...(opts.tags.length
          ? {
              'image.name': [...result.names, ...result.pushed]
                .filter((v, i, a) => a.indexOf(v) === i)
                .join(','),
            }
          : {}),
      };
      await writeFile(opts.metadataFile, `${JSON.stringify(metadata, null, 2)}\n`);
    }
    return 0;
  };
}

/** The image exports the flags ask for; other output types are refused clearly. */
function exportTargets(opts: BuildCliOptions): { push: boolean; load: boolean } {
  let push = opts.push;
  let load = opts.load || opts.exports.length === 0;
  for (const e of opts.exports) {
    if (e.type === 'image' || e.type === 'registry') {
      if (e.type === 'registry' || e.attrs.push === 'true') push = true;
      if (e.type === 'image' && e.attrs.push !== 'true') load = true;
    } else if (e.type === 'docker' && e.destination === undefined) {
      load = true;
    } else {
      throw new ManifoldError('E_BUILD_OUTPUT', `output type "${e.type}" is not supported yet`, {
        hint: 'use the image store (the default), --push, or -o type=image,push=true',
      });
    }
  }
  return { push, load };
}

function progressSink(opts: BuildCliOptions, io: RunnerIo): ProgressSink {
  if (opts.quiet || opts.progress === 'quiet') return () => {};
  if (opts.progress === 'rawjson') return (event) => io.stderr(`${JSON.stringify(event)}\n`);
  const renderer = new PlainRenderer(io.stderr);
  return (event) => renderer.handle(event);
}

/**
 * Runs a real build for `manifold build`: maps the parsed flags onto the library's
 * `BuildOptions` (each `-o` through `parseOutput`), renders progress on stderr, and writes
 * what buildx writes afterwards: the image ID with -q and in `--iidfile` (the config digest of
 * a one-platform image, else the image digest), and `--metadata-file` (buildx's keys).
 */
import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { type BuildResult, build } from '../builder/build.js';
import { buildMetadata, imageId, type OutputSpec, parseOutput } from '../export/outputs/index.js';
import { formatPlatform } from '../platform/index.js';
import { createProgressDisplay, type DisplayTarget } from '../progress/index.js';
import type { BuildCliOptions } from './build-flags.js';
import type { BuildRunner } from './build-run.js';

/** Where the runner writes. */
export interface RunnerIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Where `-o …,dest=-` writes (refused when it is a terminal). */
  readonly stdoutStream?: Writable;
  /** The stream progress is drawn on, when `stderr` is one (the tty view needs its size). */
  readonly stderrStream?: DisplayTarget;
}

const processIo: RunnerIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stdoutStream: process.stdout,
  stderrStream: process.stderr,
};

/**
 * A runner bound to `io` (the process's streams by default); `signal` cancels its builds (the
 * resident builder's client went away).
 */
export function buildRunner(io: RunnerIo = processIo, signal?: AbortSignal): BuildRunner {
  return async (opts: BuildCliOptions) => {
    const outputs = buildOutputs(opts, io);
    const display = createProgressDisplay(
      opts.quiet ? 'quiet' : opts.progress,
      io.stderrStream ?? { write: io.stderr },
    );
    const progress = display.sink;
    const result = await build({
      context: opts.contextPath,
      ...(opts.builder ? { builder: opts.builder } : {}),
      ...(opts.dockerfile && opts.dockerfile !== '-' ? { dockerfile: opts.dockerfile } : {}),
      platforms: opts.platforms.map(formatPlatform),
      buildArgs: opts.buildArgs,
      ...(opts.target ? { target: opts.target } : {}),
      tags: opts.tags,
      // The outputs carry --push and --load (build-flags.ts applied them to the -o list).
      ...(outputs ? { outputs } : { push: opts.push }),
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
      ...(signal ? { signal } : {}),
    }).finally(() => display.finish());
    const id = imageId(result.outputs);
    if (opts.quiet) io.stdout(`${id ?? ''}\n`);
    else report(result, io);
    if (opts.iidFile && id !== undefined) await writeFile(opts.iidFile, id);
    if (opts.metadataFile) {
      const metadata = buildMetadata(result.outputs, result.ref);
      await writeFile(opts.metadataFile, `${JSON.stringify(metadata, null, 2)}\n`);
    }
    return 0;
  };
}

/**
 * The `-o` exports as typed outputs (buildx's `-t` names go to image outputs without a `name`);
 * undefined without any, for the build's default (the image store under the tags).
 */
function buildOutputs(opts: BuildCliOptions, io: RunnerIo): OutputSpec[] | undefined {
  if (opts.exports.length === 0) return undefined;
  const stdout = io.stdoutStream;
  return opts.exports.map((e) =>
    parseOutput(e, {
      tags: opts.tags,
      ...(stdout && !(stdout as { isTTY?: boolean }).isTTY ? { stdout } : {}),
    }),
  );
}

/** What the build did, on stderr, one line per name, push and file written. */
function report(result: BuildResult, io: RunnerIo): void {
  const digest = result.descriptor?.digest;
  for (const name of result.names) io.stderr(`naming to ${name} done\n`);
  for (const ref of result.pushed) io.stderr(`pushed ${ref.includes('@') ? ref : `${ref}@${digest}`}\n`);
  for (const o of result.outputs) {
    if (o.written !== undefined)
      io.stderr(`wrote the ${o.type} output to ${o.written === '-' ? 'standard output' : o.written}\n`);
  }
  const counts = `${result.executed} steps run, ${result.cached} cached`;
  io.stderr(digest === undefined ? `${counts}\n` : `image ${digest} (${counts})\n`);
}

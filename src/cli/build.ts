/**
 * `manifold build [OPTIONS] PATH`: `docker buildx build`'s flags (read by build-flags.ts).
 *
 * `--call=check|outline|targets` reads the Dockerfile and prints what the library reports, as
 * buildx prints it; a check with warnings or an error exits 1 (0 with `ignorestatus=true`,
 * unless it failed). `--call=build` hands the options to the builder.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Command, CommanderError } from '@commander-js/extra-typings';
import {
  DockerfileCheckError,
  formatLintError,
  formatLintJson,
  formatLintText,
  lintDockerfile,
  lintStatus,
} from '../dockerfile/lint/index.js';
import {
  formatOutlineJson,
  formatOutlineText,
  formatTargetsJson,
  formatTargetsText,
  listTargets,
  outlineDockerfile,
} from '../dockerfile/outline/index.js';
import { ManifoldError } from '../errors/index.js';
import { hostPlatform } from '../platform/index.js';
import { type BuildCliOptions, buildOptionsFromFlags } from './build-flags.js';
import type { BuildRunner } from './build-run.js';

/** Where the command writes; tests pass their own. */
export interface BuildIo {
  readonly stdout: (s: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The Dockerfile's bytes and its name as the frontend knows it (buildx: the `-f` base name). */
function readDockerfileFor(opts: BuildCliOptions): { data: Uint8Array; file: string } {
  if (!statSync(opts.contextPath, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ManifoldError(
      'E_BUILD_CONTEXT',
      `unable to prepare context: path "${opts.contextPath}" not found`,
      {
        hint: 'give a local directory as PATH',
      },
    );
  }
  if (opts.dockerfile === '-') return { data: readFileSync(0), file: 'Dockerfile' };
  let file = opts.dockerfile ?? path.join(opts.contextPath, 'Dockerfile');
  if (opts.dockerfile === undefined) {
    const lower = path.join(opts.contextPath, 'dockerfile');
    if (!statSync(file, { throwIfNoEntry: false }) && statSync(lower, { throwIfNoEntry: false }))
      file = lower;
  }
  try {
    return { data: readFileSync(file), file: path.basename(file) };
  } catch (err) {
    throw new ManifoldError(
      'E_DOCKERFILE_READ',
      `failed to read dockerfile: open ${file}: ${(err as Error).message}`,
      {
        hint: 'pass the Dockerfile with -f, or put one named Dockerfile in the build context',
        cause: err,
      },
    );
  }
}

/** Ends the command with `status` without another message (main makes it the exit code). */
function exitWith(status: number): never {
  throw new CommanderError(status, 'commander.exitStatus', '');
}

/** Runs `--call=check|outline|targets` and prints the result; returns the exit status. */
export function runCallFunction(opts: BuildCliOptions, io: BuildIo): number {
  const { data, file } = readDockerfileFor(opts);
  const json = opts.call.format === 'json';
  const shown = opts.dockerfileDisplayName;
  const walk = {
    file,
    buildArgs: opts.buildArgs,
    buildPlatform: hostPlatform(),
    ...(opts.platforms[0] ? { targetPlatform: opts.platforms[0] } : {}),
    ...(opts.target === undefined ? {} : { target: opts.target }),
  };
  if (opts.call.name === 'targets') {
    const list = listTargets(data, file, shown);
    io.stdout(json ? formatTargetsJson(list) : formatTargetsText(list));
    return 0;
  }
  if (opts.call.name === 'outline') {
    const outline = outlineDockerfile(data, { ...walk, displayName: shown });
    io.stdout(json ? formatOutlineJson(outline) : formatOutlineText(outline));
    return 0;
  }
  const result = lintDockerfile(data, walk);
  io.stdout(json ? formatLintJson(result) : formatLintText(result, shown));
  const failure = formatLintError(result, shown);
  if (failure !== undefined) throw new DockerfileCheckError(failure);
  return opts.call.ignoreStatus ? 0 : lintStatus(result);
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * Registers `manifold build`. `runner` performs real builds (`--call=build`); without one a
 * build fails with a clear error. `io` defaults to the process's stdout and environment.
 */
export function registerBuild(program: Command, runner?: BuildRunner, io?: BuildIo): void {
  const out: BuildIo = io ?? { stdout: (s) => process.stdout.write(s), env: process.env };
  program
    .command('build')
    .description('Start a build')
    .argument('<PATH>', 'Build context (a local directory)')
    .option('-f, --file <PATH>', 'Name of the Dockerfile (default: "PATH/Dockerfile")')
    .option('--build-arg <NAME=VALUE>', 'Set build-time variables', collect, [])
    .option('--platform <PLATFORMS>', 'Set target platform for build', collect, [])
    .option('--target <STAGE>', 'Set the target build stage to build')
    .option('-t, --tag <NAME>', 'Name and optionally a tag (format: "name:tag")', collect, [])
    .option('--call <FUNCTION>', 'Set method for evaluating build ("check", "outline", "targets")', 'build')
    .option('--check', 'Shorthand for "--call=check"')
    .option(
      '--progress <MODE>',
      'Set type of progress output ("auto", "quiet", "plain", "tty", "rawjson")',
      'auto',
    )
    .option('--no-cache', 'Do not use cache when building the image')
    .option('--no-cache-filter <STAGE>', 'Do not cache specified stages', collect, [])
    .option('--pull', 'Always attempt to pull all referenced images')
    .option('--push', 'Shorthand for "--output=type=registry"')
    .option('--load', 'Shorthand for "--output=type=docker"')
    .option('-o, --output <SPEC>', 'Output destination (format: "type=local,dest=path")', collect, [])
    .option('--label <KEY=VALUE>', 'Set metadata for an image', collect, [])
    .option('--annotation <SPEC>', 'Add annotation to the image', collect, [])
    .option('--build-context <NAME=VALUE>', 'Additional build contexts (e.g., name=path)', collect, [])
    .option(
      '--secret <SPEC>',
      'Secret to expose to the build (format: "id=mysecret[,src=/local/secret]")',
      collect,
      [],
    )
    .option('--metadata-file <FILE>', 'Write build result metadata to a file')
    .option('--iidfile <FILE>', 'Write the image ID to a file')
    .option('-q, --quiet', 'Suppress the build output and print image ID on success')
    .option('--builder <NAME>', 'Override the configured builder instance')
    .action(async (contextPath, flags) => {
      const opts = buildOptionsFromFlags(contextPath, flags, out.env);
      let status: number;
      if (opts.call.name !== 'build') status = runCallFunction(opts, out);
      else if (runner) status = await runner(opts);
      else {
        throw new ManifoldError(
          'E_BUILD_UNAVAILABLE',
          'this manifold cannot run builds yet: no builder is wired in',
          {
            hint: 'use --call=check, --call=outline or --call=targets, or a build of manifold with the builder',
          },
        );
      }
      if (status !== 0) exitWith(status);
    });
}

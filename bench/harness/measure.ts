/**
 * Measuring one command as a user would run it, with what GNU time reports for it.
 *
 * - Wall time: the monotonic clock around the spawn of `/usr/bin/time CMD` (time itself adds
 *   about a millisecond).
 * - CPU time: user + system seconds of the command's process tree, from `/usr/bin/time -f`: the
 *   kernel's wait4 rusage of the command, which includes every descendant that was waited for
 *   (runc, the containers it runs, qemu under them, gzip helpers). A process that double-forks
 *   away from the tree (a daemon) is not counted; none of the tools measured does that here.
 * - Peak RSS: GNU time's `%M`, the kernel's `ru_maxrss` over the same tree: the largest resident
 *   set of any ONE process in it (not the sum). For Manifold that is the node process unless a
 *   RUN step's process was larger; for buildah, podman and skopeo it is the Go binary.
 *
 * Output goes to a log file (one per run); a failing command throws with the log's tail.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';

/** One measured run (or several commands that make one run, see {@link combineSamples}). */
export interface Sample {
  readonly wallMs: number;
  readonly userMs: number;
  readonly sysMs: number;
  /** Largest resident set of one process of the tree, in KiB. */
  readonly maxRssKb: number;
  /** Epoch milliseconds when the (first) command was spawned; for phase timings. */
  readonly startedAt: number;
}

/** A command to measure. */
export interface CommandSpec {
  readonly cmd: string;
  readonly args: readonly string[];
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Where stdout and stderr go (appended). */
  readonly log: string;
}

/** The command failed; `message` holds the end of its log. */
export class CommandFailedError extends Error {
  constructor(
    readonly command: string,
    readonly code: number,
    logTail: string,
  ) {
    super(`command failed with exit code ${code}: ${command}\n--- end of log ---\n${logTail}`);
    this.name = 'CommandFailedError';
  }
}

const TIME_FORMAT = 'MANIFOLD_BENCH_TIME %U %S %M';

/** Quotes a command for logs and error messages. */
export function commandLine(cmd: string, args: readonly string[]): string {
  return [cmd, ...args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

/** Runs `spec` under /usr/bin/time and returns what it cost; throws on a non-zero exit. */
export async function measure(spec: CommandSpec): Promise<Sample> {
  const timeFile = `${spec.log}.time`;
  const line = commandLine(spec.cmd, spec.args);
  const out = createWriteStream(spec.log, { flags: 'a' });
  out.write(`$ ${line}\n`);
  const startedAt = Date.now();
  const t0 = process.hrtime.bigint();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', TIME_FORMAT, spec.cmd, ...spec.args], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  await new Promise<void>((resolve) => out.end(resolve));
  if (code !== 0) throw new CommandFailedError(line, code, await logTail(spec.log));
  const usage = parseTimeFile(await readFile(timeFile, 'utf8'));
  await rm(timeFile, { force: true });
  return { wallMs, ...usage, startedAt };
}

/** Runs a command without measuring it (set-up, clean-up); output appended to `log`. */
export async function runQuiet(spec: CommandSpec, allowFailure = false): Promise<number> {
  const out = createWriteStream(spec.log, { flags: 'a' });
  out.write(`$ ${commandLine(spec.cmd, spec.args)}\n`);
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(spec.cmd, [...spec.args], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  await new Promise<void>((resolve) => out.end(resolve));
  if (code !== 0 && !allowFailure)
    throw new CommandFailedError(commandLine(spec.cmd, spec.args), code, await logTail(spec.log));
  return code;
}

/** Several commands that together make one run: times add up, RSS is the largest. */
export function combineSamples(samples: readonly Sample[]): Sample {
  if (samples.length === 0) throw new Error('combineSamples needs at least one sample');
  return {
    wallMs: samples.reduce((a, s) => a + s.wallMs, 0),
    userMs: samples.reduce((a, s) => a + s.userMs, 0),
    sysMs: samples.reduce((a, s) => a + s.sysMs, 0),
    maxRssKb: Math.max(...samples.map((s) => s.maxRssKb)),
    startedAt: samples[0]!.startedAt,
  };
}

function parseTimeFile(text: string): Pick<Sample, 'userMs' | 'sysMs' | 'maxRssKb'> {
  const line = text.split('\n').find((l) => l.startsWith('MANIFOLD_BENCH_TIME '));
  if (!line) throw new Error(`no usage line in /usr/bin/time's output: ${JSON.stringify(text)}`);
  const [, user, sys, rss] = line.split(' ');
  return { userMs: Number(user) * 1000, sysMs: Number(sys) * 1000, maxRssKb: Number(rss) };
}

async function logTail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').slice(-25).join('\n');
}

/**
 * Manifold's resident builder (src/resident/) does a build's work outside the measured process
 * tree: `/usr/bin/time` sees only the thin client. So that CPU time and peak RSS stay honest,
 * every Manifold run adds the resident process's CPU time spent during the run and takes the
 * larger of the client's and the resident's peak RSS. A run that started a resident (a build that
 * found none) waits for it to be up and warm, untimed, and counts all its CPU time so far (its
 * start and warm-up). The resident's pid is in MANIFOLD_HOME/resident.pid, written once warm.
 *
 * CPU time is read from /proc: the sum of the threads' `schedstat` run time (nanoseconds) plus
 * the waited-for children's time in `stat` (runc, the containers, in clock ticks).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** What /proc says of a resident process at one moment. */
export interface ResidentUsage {
  readonly pid: number;
  /** CPU time so far, its own and its waited-for children's. */
  readonly cpuMs: number;
  /** Peak resident set so far (VmHWM). */
  readonly peakRssKb: number;
}

const CLOCK_TICK_MS = 10;

async function residentPid(stateDir: string): Promise<number | undefined> {
  const text = await readFile(path.join(stateDir, 'resident.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The resident process of `stateDir` now, or undefined when none runs. */
export async function residentUsage(stateDir: string): Promise<ResidentUsage | undefined> {
  const pid = await residentPid(stateDir);
  if (pid === undefined) return undefined;
  try {
    let runNs = 0;
    for (const tid of await readdir(`/proc/${pid}/task`)) {
      const sched = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').catch(() => '0');
      runNs += Number(sched.split(' ')[0]);
    }
    // Fields after the command name: …, cutime (14th of the rest), cstime (15th).
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const childTicks = Number(rest[13]) + Number(rest[14]);
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return { pid, cpuMs: runNs / 1e6 + childTicks * CLOCK_TICK_MS, peakRssKb: hwm ? Number(hwm[1]) : 0 };
  } catch {
    return undefined; // it exited between the reads
  }
}

/**
 * The resident CPU time that belongs to a run: the growth between `before` and `after`, or all
 * of `after`'s when the process is new (it started during or since the previous run).
 */
export function residentCpuOfRun(
  before: ResidentUsage | undefined,
  after: ResidentUsage | undefined,
): number {
  if (after === undefined) return 0;
  return before?.pid === after.pid ? Math.max(0, after.cpuMs - before.cpuMs) : after.cpuMs;
}

/**
 * Waits (untimed) until a resident process that a build started is up, so that its start does
 * not run beside the next tool's measured run. Gives up after `timeoutMs`.
 */
export async function settleResident(stateDir: string, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await residentUsage(stateDir)) !== undefined) return;
    await sleep(25);
  }
}

/** Ends the resident process of `stateDir`, if any (before its directory is emptied). */
export async function stopResidentOf(stateDir: string): Promise<void> {
  const pid = await residentPid(stateDir);
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(20);
  }
}

/**
 * The resident builder's warm-up: one real build of a tiny Dockerfile (`FROM scratch`, a COPY, a
 * named image in the store) in a throwaway state directory, run once when the process starts,
 * with its output dropped. A client's first build then finds the CLI, the frontend, the solver,
 * the file copy and the exporter compiled and warm (about 40 ms of the first build otherwise).
 * It touches nothing of the user's: its own MANIFOLD_HOME and context, removed afterwards.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { enterRequestScope } from './request-scope.js';
import type { CommandRunner } from './server.js';

/** Runs the warm-up build with `run` (the CLI's main); never throws. */
export async function warmUpResident(run: CommandRunner): Promise<void> {
  let dir: string | undefined;
  try {
    dir = await mkdtemp(path.join(os.tmpdir(), 'manifold-warm-up-'));
    const context = path.join(dir, 'context');
    await mkdir(context);
    await writeFile(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY a.txt /a.txt\n');
    await writeFile(path.join(context, 'a.txt'), 'warm\n');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    const scope = enterRequestScope(
      {
        t: 'run',
        key: '',
        argv: [],
        cwd: dir,
        env: { ...env, MANIFOLD_HOME: path.join(dir, 'home') },
        umask: process.umask(),
        stdout: { isTTY: false },
        stderr: { isTTY: false },
      },
      () => {},
    );
    try {
      await run(['build', '--progress', 'quiet', '-t', 'warm-up', context], {
        signal: new AbortController().signal,
      });
    } finally {
      scope.restore();
    }
  } catch {
    // Only an optimisation.
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

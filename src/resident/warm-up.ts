/**
 * The resident builder's warm-up: one real build of a tiny Dockerfile (`FROM scratch`, a COPY, a
 * named image in the store) in a throwaway state directory, run once when the process starts,
 * with its output dropped. A client's first build then finds the CLI, the frontend, the solver,
 * the file copy, the exporter and the HTTP client compiled and warm (it takes about 15 ms off a
 * client's first build).
 * It touches nothing of the user's: its own MANIFOLD_HOME and context, removed afterwards.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openRegistrySession } from '../builder/registry-session.js';
import { enterRequestScope } from './request-scope.js';
import type { CommandRunner } from './server.js';

/**
 * One manifest HEAD through a registry session, to a stand-in registry of this process on
 * loopback (it has no image): the registry client's path of a push, and undici compiling its
 * WebAssembly HTTP parser, which it does at a process's first connection.
 */
async function warmUpRegistry(): Promise<void> {
  const server = http.createServer((req, res) => {
    res.statusCode = req.url === '/v2/' ? 200 : 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const session = await openRegistrySession();
  try {
    const { port } = server.address() as AddressInfo;
    await session.client.headManifestAtOrigin({
      registry: `127.0.0.1:${port}`,
      repository: 'warm-up/none',
      tag: 'latest',
    });
  } finally {
    await session.close();
    server.close();
  }
}

/** Runs the warm-up build with `run` (the CLI's main) and a registry request; never throws. */
export async function warmUpResident(run: CommandRunner): Promise<void> {
  await warmUpRegistry().catch(() => {});
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

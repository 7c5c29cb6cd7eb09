/**
 * The resident builder: a long-lived Manifold process per state directory that runs `build`
 * commands for thin clients (see client.ts), as buildx hands builds to a running buildkitd.
 * It keeps what a fresh process pays for on every build: Node's start, loading and compiling
 * the CLI, and a cold JIT (a no-change rebuild takes about 20 ms of work here, against 150 ms
 * in a fresh process).
 *
 * - One request at a time: a second client gets `busy` and builds in its own process. The
 *   request runs in the client's environment, directory, umask and terminal (request-scope.ts).
 * - A client that disconnects or sends `cancel` aborts its build.
 * - The process quits when idle for MANIFOLD_RESIDENT_IDLE seconds (default 900), on `stop`
 *   (`manifold stop`), when a client of another version asks (`mismatch`), and when its socket
 *   is removed or replaced (the state directory was emptied, another resident took over).
 */
import { chmod, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {
  type ClientFrame,
  encodeFrame,
  FrameReader,
  type RunRequest,
  residentPidPath,
  residentSocketPath,
  type ServerFrame,
} from './protocol.js';
import { enterRequestScope } from './request-scope.js';
import { warmUpResident } from './warm-up.js';

/** Runs one CLI command; resolves to its exit code. */
export type CommandRunner = (
  argv: readonly string[],
  options: { readonly signal: AbortSignal },
) => Promise<number>;

/** Options of {@link serveResident}. */
export interface ResidentOptions {
  /** Names the compiled CLI; requests with another key are refused (`mismatch`). */
  readonly key: string;
  /** The CLI's `main`. */
  readonly run: CommandRunner;
  /** Default: the state directory's `resident.sock`. */
  readonly socketPath?: string;
  /** Idle time before quitting; default MANIFOLD_RESIDENT_IDLE seconds, else 15 minutes. */
  readonly idleMs?: number;
  /**
   * Run a build in a throwaway state directory before the first client's, its output dropped,
   * so that a client's first build finds the JIT warm (see warm-up.ts). Default true.
   */
  readonly warmUp?: boolean;
}

const DEFAULT_IDLE_MS = 15 * 60 * 1000;
const WATCH_MS = 1000;

function idleFromEnv(): number {
  const s = Number(process.env.MANIFOLD_RESIDENT_IDLE);
  return Number.isFinite(s) && s > 0 ? s * 1000 : DEFAULT_IDLE_MS;
}

/** True when something answers on `socketPath`. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createConnection(socketPath);
    probe.on('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.on('error', () => resolve(false));
  });
}

/**
 * Serves builds until idle, stopped or displaced (see the module comment); resolves when the
 * process should exit. Returns at once when another resident process already answers.
 */
export async function serveResident(options: ResidentOptions): Promise<void> {
  const socketPath = options.socketPath ?? residentSocketPath();
  if (socketPath === undefined) return;
  await mkdir(path.dirname(socketPath), { recursive: true });
  if (await answers(socketPath)) return;
  await unlink(socketPath).catch(() => {});
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  await chmod(socketPath, 0o600);
  const ino = (await stat(socketPath)).ino;
  process.title = 'manifold resident';
  // Clients that come during the warm-up wait for it (their build is then the faster one).
  const warm = options.warmUp === false ? Promise.resolve() : warmUpResident(options.run);
  // For `ps` readers and the benchmark, which adds this process's CPU time to the builds': the
  // pid file appears once the process is warm.
  const pidFile = residentPidPath(socketPath);
  void warm.then(() => writeFile(pidFile, `${process.pid}\n`)).catch(() => {});

  const idleMs = options.idleMs ?? idleFromEnv();
  let current: { readonly socket: net.Socket; readonly abort: AbortController } | undefined;
  let stopping = false;
  let idleTimer: NodeJS.Timeout | undefined;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });

  const shutdown = async (removeSocket: boolean) => {
    stopping = true;
    if (current) return; // the running build finishes first (see below)
    clearInterval(watcher);
    clearTimeout(idleTimer);
    server.close();
    if (removeSocket && (await stat(socketPath).catch(() => undefined))?.ino === ino) {
      await unlink(socketPath).catch(() => {});
    }
    const owner = await readFile(pidFile, 'utf8').catch(() => '');
    if (owner.trim() === String(process.pid)) await unlink(pidFile).catch(() => {});
    done();
  };
  const armIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void shutdown(true), idleMs);
  };
  // The state directory emptied or another resident took the socket over: leave quietly.
  const watcher = setInterval(async () => {
    const st = await stat(socketPath).catch(() => undefined);
    if (st?.ino !== ino) void shutdown(false);
  }, WATCH_MS);

  const send = (socket: net.Socket, frame: ServerFrame) => {
    if (!socket.destroyed && socket.writable) socket.write(encodeFrame(frame));
  };

  const runRequest = async (socket: net.Socket, request: RunRequest) => {
    const abort = new AbortController();
    current = { socket, abort };
    clearTimeout(idleTimer);
    socket.once('close', () => abort.abort(new Error('the client went away')));
    let code: number;
    await warm;
    send(socket, { t: 'started', pid: process.pid });
    try {
      const scope = enterRequestScope(request, (which, bytes) =>
        send(socket, { t: which, d: bytes.toString('base64') }),
      );
      try {
        code = await options.run(request.argv, { signal: abort.signal });
      } finally {
        scope.restore();
      }
    } catch (err) {
      send(socket, { t: 'err', d: Buffer.from(`ERROR: ${(err as Error).message}\n`).toString('base64') });
      code = 1;
    }
    send(socket, { t: 'exit', code });
    socket.end();
    current = undefined;
    if (stopping) await shutdown(true);
    else armIdle();
  };

  server.on('connection', (socket) => {
    const reader = new FrameReader<ClientFrame>((frame) => {
      if (frame.t === 'stop') {
        socket.end();
        void shutdown(true);
      } else if (frame.t === 'cancel') {
        if (current?.socket === socket) current.abort.abort(new Error('canceled'));
      } else if (frame.t === 'run') {
        if (frame.key !== options.key) {
          // A client of another build of Manifold: it builds itself and starts its own resident.
          send(socket, { t: 'mismatch' });
          socket.end();
          void shutdown(true);
        } else if (current || stopping) {
          send(socket, { t: 'busy' });
          socket.end();
        } else {
          void runRequest(socket, frame);
        }
      }
    });
    socket.on('data', (chunk) => {
      try {
        reader.push(chunk);
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => {});
  });

  // A failure that escapes a build ends this process, as it would end a client's own; the
  // client is told, then the next build starts a fresh resident.
  const fatal = (err: unknown) => {
    if (current) {
      send(current.socket, {
        t: 'err',
        d: Buffer.from(`ERROR: ${err instanceof Error ? err.message : String(err)}\n`).toString('base64'),
      });
      send(current.socket, { t: 'exit', code: 1 });
      current.socket.end();
    }
    process.exit(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);

  armIdle();
  await finished;
}

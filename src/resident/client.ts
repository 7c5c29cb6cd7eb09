/**
 * The thin side of the resident builder: `manifold build` hands its arguments, working directory
 * and environment to the resident process of its state directory and relays what comes back, so
 * that a rebuild pays neither Node's module loading nor a cold JIT. When no resident process
 * answers, or it is busy with another build, or it runs another version of Manifold, the caller
 * builds in its own process (and may start a resident process for the next build).
 *
 * Only `build` is handed over, and only when it needs nothing of the client's standard input and
 * writes no archive to its standard output (`-f -`, a `-` context, `-o -`, `dest=-`).
 */
import net from 'node:net';
import {
  type ClientFrame,
  encodeFrame,
  FrameReader,
  type RunRequest,
  residentDisabled,
  residentSocketPath,
  type ServerFrame,
  type TerminalInfo,
} from './protocol.js';

/** What {@link delegateToResident} did. */
export interface DelegateOutcome {
  /** The command's exit code, when the resident process ran it. */
  readonly code?: number;
  /** True when no usable resident process answered: start one after this build. */
  readonly startResident: boolean;
}

const NOT_HANDED: DelegateOutcome = { startResident: false };

/** Global flags of `manifold` that come before the command (`--builder` takes a value). */
function commandOf(argv: readonly string[]): { command: string | undefined; rest: readonly string[] } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--debug' || a.startsWith('--builder=')) continue;
    if (a === '--builder') {
      i++;
      continue;
    }
    return { command: a, rest: argv.slice(i + 1) };
  }
  return { command: undefined, rest: [] };
}

/** Whether `argv` is a build the resident process can run for this client. */
export function isDelegable(argv: readonly string[]): boolean {
  const { command, rest } = commandOf(argv);
  if (command !== 'build') return false;
  // Standard input and a binary standard output stay with the client's own process.
  return !rest.some((a) => a === '-' || a.endsWith('=-') || a.includes('dest=-'));
}

function terminalInfo(stream: NodeJS.WriteStream): TerminalInfo {
  return {
    isTTY: stream.isTTY === true,
    ...(stream.isTTY && stream.columns ? { columns: stream.columns } : {}),
    ...(stream.isTTY && stream.rows ? { rows: stream.rows } : {}),
  };
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * Runs `argv` in the resident process of this state directory, if there is one that can.
 * `key` names the compiled CLI (see bin/manifold.js); a resident process of another key
 * answers `mismatch` and quits.
 */
export function delegateToResident(argv: readonly string[], key: string): Promise<DelegateOutcome> {
  if (residentDisabled() || !isDelegable(argv)) return Promise.resolve(NOT_HANDED);
  const socketPath = residentSocketPath();
  if (socketPath === undefined) return Promise.resolve(NOT_HANDED);
  const request: RunRequest = {
    t: 'run',
    key,
    argv,
    cwd: process.cwd(),
    env: stringEnv(process.env),
    umask: process.umask(),
    stdout: terminalInfo(process.stdout),
    stderr: terminalInfo(process.stderr),
  };
  return new Promise((resolve) => {
    let answered = false;
    let relayed = false;
    let interrupts = 0;
    const socket = net.createConnection(socketPath);
    const send = (frame: ClientFrame) => {
      if (!socket.destroyed) socket.write(encodeFrame(frame));
    };
    const onSignal = () => {
      interrupts++;
      // The first interrupt cancels the build (the resident process cleans up and answers
      // `exit`); a second one leaves at once.
      if (interrupts === 1) send({ t: 'cancel' });
      else process.exit(130);
    };
    const finish = (outcome: DelegateOutcome | (() => DelegateOutcome)) => {
      if (answered) return;
      if (typeof outcome === 'function') outcome = outcome();
      answered = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      socket.destroy();
      resolve(outcome);
    };
    const reader = new FrameReader<ServerFrame>((frame) => {
      switch (frame.t) {
        case 'busy':
          return finish(NOT_HANDED);
        case 'mismatch':
          return finish({ startResident: true });
        case 'started':
          if (argv.includes('--debug'))
            process.stderr.write(`debug: the resident builder (pid ${frame.pid}) runs this build\n`);
          return;
        case 'out':
        case 'err':
          relayed = true;
          (frame.t === 'out' ? process.stdout : process.stderr).write(Buffer.from(frame.d, 'base64'));
          return;
        case 'exit':
          return finish({ code: frame.code, startResident: false });
      }
    });
    socket.on('connect', () => {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      send(request);
    });
    socket.on('data', (chunk) => {
      try {
        reader.push(chunk);
      } catch {
        finish(relayed ? lost : { startResident: false });
      }
    });
    // No socket, or nobody listening: build here and start a resident process afterwards.
    socket.on('error', () => finish(relayed ? lost : { startResident: interrupts === 0 }));
    socket.on('close', () => finish(relayed ? lost : NOT_HANDED));
  });
}

/** The resident process went away in the middle of a build it had started to report. */
function lost(): DelegateOutcome {
  process.stderr.write(
    'ERROR: the resident builder stopped during the build\n' +
      'hint: run the command again; MANIFOLD_RESIDENT=0 builds in the command’s own process\n',
  );
  return { code: 1, startResident: false };
}

/**
 * Starts a resident process for this state directory in the background (`bin` is the CLI's
 * entry script). It outlives this process, and quits by itself when idle or when its socket is
 * removed.
 */
export async function startResident(bin: string): Promise<void> {
  if (residentDisabled() || residentSocketPath() === undefined) return;
  try {
    // Loaded here, not with the client: a build handed over never needs it.
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [bin, '--resident-serve'], {
      detached: true,
      stdio: 'ignore',
      cwd: '/',
      env: process.env,
    });
    child.on('error', () => {});
    child.unref();
  } catch {
    // Only an optimisation: the next build runs in its own process again.
  }
}

/** Asks the resident process of this state directory to quit; true when one was running. */
export function stopResident(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const socketPath = residentSocketPath(env);
  if (socketPath === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.createConnection(socketPath);
    socket.on('connect', () => socket.end(encodeFrame({ t: 'stop' })));
    socket.on('error', () => resolve(false));
    socket.on('close', (hadError) => resolve(!hadError));
    socket.resume();
  });
}

/**
 * The resident builder's wire protocol: one JSON object per line over a Unix socket in the state
 * directory. A client sends one `run` request (and `cancel` if the user interrupts it); the
 * resident process answers `busy` or `mismatch` (the client then builds in its own process), or
 * `started`, then streams `out`/`err` chunks and ends with `exit`. `stop` asks the resident process to quit.
 *
 * This module is loaded by the thin client before any of the builder, so it imports nothing but
 * Node and the state paths.
 */
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { statePaths } from '../state/home.js';

/** What a client asks. */
export type ClientFrame = RunRequest | { readonly t: 'cancel' } | { readonly t: 'stop' };

/** A command to run as if in the client's process. */
export interface RunRequest {
  readonly t: 'run';
  /** Identifies the compiled CLI and Node: a resident process serves only its own build. */
  readonly key: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly umask: number;
  /** The client's terminal, for the progress display and `-o -` checks. */
  readonly stdout: TerminalInfo;
  readonly stderr: TerminalInfo;
}

/** Whether a client stream is a terminal, and its size. */
export interface TerminalInfo {
  readonly isTTY: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

/** What the resident process answers. */
export type ServerFrame =
  | { readonly t: 'busy' }
  /** The request runs, in this process. */
  | { readonly t: 'started'; readonly pid: number }
  | { readonly t: 'mismatch' }
  /** Bytes the command wrote to its stdout or stderr, in base64. */
  | { readonly t: 'out' | 'err'; readonly d: string }
  | { readonly t: 'exit'; readonly code: number };

/** Unix socket paths are limited to 107 bytes on Linux; a deeper state directory has no resident. */
const MAX_SOCKET_PATH = 107;

/** The resident builder's socket for the state directory `env` names, or undefined. */
export function residentSocketPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const socket = path.join(statePaths(env).data, 'resident.sock');
  return Buffer.byteLength(socket) <= MAX_SOCKET_PATH ? socket : undefined;
}

/** The file beside the socket that holds the resident process's pid while it runs. */
export function residentPidPath(socketPath: string): string {
  return path.join(path.dirname(socketPath), 'resident.pid');
}

/** Whether `env` turns the resident builder off (`MANIFOLD_RESIDENT=0`, `false` or `off`). */
export function residentDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.MANIFOLD_RESIDENT?.toLowerCase();
  return v === '0' || v === 'false' || v === 'off' || v === 'no';
}

/** One frame as a line. */
export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  return `${JSON.stringify(frame)}\n`;
}

/**
 * Splits a byte stream into frames. Feed it chunks; it calls `onFrame` for each whole line and
 * throws on a line that is not JSON (the peer is not speaking this protocol).
 */
export class FrameReader<T> {
  #buffer = '';
  readonly #decoder = new StringDecoder('utf8');
  readonly #onFrame: (frame: T) => void;

  constructor(onFrame: (frame: T) => void) {
    this.#onFrame = onFrame;
  }

  push(chunk: Buffer | string): void {
    this.#buffer += typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    for (let nl = this.#buffer.indexOf('\n'); nl >= 0; nl = this.#buffer.indexOf('\n')) {
      const line = this.#buffer.slice(0, nl);
      this.#buffer = this.#buffer.slice(nl + 1);
      if (line !== '') this.#onFrame(JSON.parse(line) as T);
    }
  }
}

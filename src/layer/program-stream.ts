/**
 * A program as a stream: bytes written go to the child's standard input, its standard output is
 * the readable side. Back-pressure flows both ways (a full pipe pauses the writer; a slow reader
 * pauses the child's output), so nothing is buffered beyond the pipes' and streams' own windows.
 *
 * The readable side ends only once the child has exited with status 0; any other status, a
 * signal, or a program that cannot be started destroys the stream with a `CompressionError`
 * that quotes the program's last words on standard error. Destroying the stream (an abort, a
 * failed consumer) kills the child, so no process outlives its stream.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { Duplex } from 'node:stream';
import { CompressionError } from './errors.js';

/** How a {@link ProgramStream} names itself in errors. */
export interface ProgramStreamOptions {
  /** What the program does, for messages: "zstd compression". */
  readonly purpose: string;
  /** The Debian package that ships the program, for the hint when it is missing. */
  readonly debianPackage: string;
}

/** Most stderr kept for an error message. */
const STDERR_LIMIT = 4096;
/** Bytes buffered on each side before back-pressure applies. */
const WINDOW = 1024 * 1024;

/** A duplex stream through a child process (see the module comment). */
export class ProgramStream extends Duplex {
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #program: string;
  readonly #options: ProgramStreamOptions;
  #stderr = '';
  #outputEnded = false;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #settled = false;

  constructor(program: string, args: readonly string[], options: ProgramStreamOptions) {
    super({ readableHighWaterMark: WINDOW, writableHighWaterMark: WINDOW });
    this.#program = program;
    this.#options = options;
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child = child;
    child.on('error', (err: NodeJS.ErrnoException) => this.#fail(this.#spawnError(err)));
    child.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stdout.on('end', () => {
      this.#outputEnded = true;
      this.#settle();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (this.#stderr.length < STDERR_LIMIT) this.#stderr += chunk.toString('utf8');
    });
    // A child that exits early (corrupt input) closes its stdin: the exit status says why.
    child.stdin.on('error', () => {});
    child.on('close', (code, signal) => {
      this.#exit = { code, signal };
      this.#settle();
    });
  }

  override _read(): void {
    this.#child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.#child.stdin.destroyed) {
      done();
      return;
    }
    if (this.#child.stdin.write(chunk)) done();
    else this.#child.stdin.once('drain', () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.#child.stdin.end();
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    if (this.#exit === undefined && this.#child.exitCode === null) this.#child.kill('SIGKILL');
    this.#settled = true;
    done(err);
  }

  /** Ends the readable side once the output is drained and the child is gone. */
  #settle(): void {
    if (this.#settled || this.#exit === undefined || !this.#outputEnded) return;
    const { code, signal } = this.#exit;
    if (code === 0) {
      this.#settled = true;
      this.push(null);
      return;
    }
    const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
    const said = this.#stderr.trim().split('\n').slice(-3).join('; ');
    this.#fail(
      new CompressionError(
        `${this.#options.purpose} failed: ${this.#program} ${how}${said ? `: ${said}` : ''}`,
        {
          hint: 'the data is damaged or not in this format; fetch or build it again',
        },
      ),
    );
  }

  #fail(err: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.destroy(err);
  }

  #spawnError(err: NodeJS.ErrnoException): CompressionError {
    const missing = err.code === 'ENOENT';
    return new CompressionError(
      `${this.#options.purpose} needs the ${this.#program} program: ${missing ? 'it is not on PATH' : err.message}`,
      {
        cause: err,
        hint: missing
          ? `install Debian's ${this.#options.debianPackage} package (apt-get install ${this.#options.debianPackage})`
          : undefined,
      },
    );
  }
}

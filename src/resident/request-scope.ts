/**
 * Makes this process look like the client's for the length of one request: its environment,
 * working directory and umask, and its standard output and error (written to the client, with
 * the client's terminal flags and size). The resident process runs one request at a time, so
 * swapping the process-wide state is safe; `restore()` puts the resident's own back.
 */
import type { RunRequest, TerminalInfo } from './protocol.js';

/** Where the request's output goes. */
export type OutputSink = (stream: 'out' | 'err', chunk: Buffer) => void;

/** An entered scope; call `restore` once. */
export interface RequestScope {
  restore(): void;
}

type Write = NodeJS.WriteStream['write'];

interface SavedStream {
  readonly stream: NodeJS.WriteStream;
  readonly write: Write;
  readonly own: Readonly<Record<'isTTY' | 'columns' | 'rows', PropertyDescriptor | undefined>>;
}

const TERMINAL_KEYS = ['isTTY', 'columns', 'rows'] as const;

function redirect(stream: NodeJS.WriteStream, which: 'out' | 'err', info: TerminalInfo, sink: OutputSink) {
  const saved: SavedStream = {
    stream,
    write: stream.write,
    own: Object.fromEntries(
      TERMINAL_KEYS.map((k) => [k, Object.getOwnPropertyDescriptor(stream, k)]),
    ) as SavedStream['own'],
  };
  const write = (chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean => {
    const encoding = typeof encodingOrCallback === 'string' ? (encodingOrCallback as BufferEncoding) : 'utf8';
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk as Uint8Array);
    sink(which, bytes);
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  };
  stream.write = write as Write;
  for (const k of TERMINAL_KEYS) {
    Object.defineProperty(stream, k, {
      value: info[k],
      configurable: true,
      writable: true,
      enumerable: true,
    });
  }
  return saved;
}

function putBack(saved: SavedStream): void {
  saved.stream.write = saved.write;
  for (const k of TERMINAL_KEYS) {
    const d = saved.own[k];
    if (d) Object.defineProperty(saved.stream, k, d);
    else delete (saved.stream as unknown as Record<string, unknown>)[k];
  }
}

function replaceEnv(next: Readonly<Record<string, string>>): void {
  for (const k of Object.keys(process.env)) if (!(k in next)) delete process.env[k];
  Object.assign(process.env, next);
}

/** Enters the client's world for `request`; output goes to `sink`. */
export function enterRequestScope(request: RunRequest, sink: OutputSink): RequestScope {
  const env = { ...process.env } as Record<string, string>;
  const cwd = process.cwd();
  const umask = process.umask(request.umask);
  replaceEnv(request.env);
  try {
    process.chdir(request.cwd);
  } catch (err) {
    replaceEnv(env);
    process.umask(umask);
    throw err;
  }
  const out = redirect(process.stdout, 'out', request.stdout, sink);
  const err = redirect(process.stderr, 'err', request.stderr, sink);
  let restored = false;
  return {
    restore() {
      if (restored) return;
      restored = true;
      putBack(out);
      putBack(err);
      replaceEnv(env);
      process.umask(umask);
      process.chdir(cwd);
    },
  };
}

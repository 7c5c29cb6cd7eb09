/**
 * Docker credential helpers: `docker-credential-<name> get` reads a server URL on stdin and
 * writes `{"ServerURL","Username","Secret"}` as JSON on stdout. A helper that does not know the
 * server says so ("credentials not found", exit status 1): that is "no credentials", not an
 * error. A `Username` of `<token>` means `Secret` is an identity token (OAuth refresh token).
 * The helper is looked up on the injected `PATH`, gets 30 seconds, and at most 1 MiB of output.
 */
import { spawn } from 'node:child_process';
import { CredentialsError } from './errors.js';

/** What a helper returned for one server. */
export interface HelperCredential {
  readonly username: string;
  readonly secret: string;
}

/** Options for running a helper. */
export interface HelperOptions {
  /** Environment of the helper (its PATH finds it). */
  readonly env: NodeJS.ProcessEnv;
  /** Give up after this long; default 30 s. */
  readonly timeoutMs?: number;
}

const MAX_OUTPUT = 1 << 20;
const NOT_FOUND = /credentials not found/i;

/**
 * Runs `docker-credential-<helper> get` for `serverUrl`.
 * @returns the credential, or undefined when the helper has none for that server.
 * @throws CredentialsError when the helper is missing, fails, times out or prints non-JSON.
 */
export async function runCredentialHelper(
  helper: string,
  serverUrl: string,
  options: HelperOptions,
): Promise<HelperCredential | undefined> {
  const program = `docker-credential-${helper}`;
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
    throw new CredentialsError(`invalid credential helper name ${JSON.stringify(helper)}`);
  }
  const fail = (message: string, cause?: unknown): CredentialsError =>
    new CredentialsError(`credential helper ${program} failed for ${serverUrl}: ${message}`, {
      hint: `check that ${program} is on PATH and works: echo ${serverUrl} | ${program} get`,
      cause,
    });
  const { code, output } = await runWithInput(program, ['get'], serverUrl, options, fail);
  if (code !== 0) {
    if (NOT_FOUND.test(output)) return undefined;
    throw fail(`exit status ${code}: ${output.slice(0, 200)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch (err) {
    throw fail('output is not JSON', err);
  }
  const rec = parsed as { Username?: unknown; Secret?: unknown };
  if (typeof rec.Username !== 'string' || typeof rec.Secret !== 'string') {
    throw fail('output lacks Username and Secret strings');
  }
  return rec.Secret === '' && rec.Username === ''
    ? undefined
    : { username: rec.Username, secret: rec.Secret };
}

/** Runs a program with `input` on stdin; resolves with its exit code and (bounded) output. */
function runWithInput(
  program: string,
  args: readonly string[],
  input: string,
  options: HelperOptions,
  fail: (message: string, cause?: unknown) => Error,
): Promise<{ code: number | null; output: string }> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let size = 0;
    let settled = false;
    const stop = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    const timer = setTimeout(() => stop(fail(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const collect = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_OUTPUT) stop(fail('more than 1 MiB of output'));
      else out.push(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err: NodeJS.ErrnoException) =>
      stop(fail(err.code === 'ENOENT' ? `${program} not found on PATH` : err.message, err)),
    );
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ code, output: Buffer.concat(out).toString('utf8').trim() });
    });
    child.stdin.end(input);
  });
}

/**
 * The one place that turns an error into text and an exit code. A Manifold error prints its
 * message and hint; anything else is a bug and says so. Stacks appear only with --debug.
 */
import { isManifoldError } from '../errors/index.js';

/** Writes `err` to stderr as a user would want to read it; returns the exit code. */
export function reportError(
  err: unknown,
  debug: boolean,
  write: (s: string) => void = (s) => process.stderr.write(s),
): number {
  if (isManifoldError(err)) {
    write(`ERROR: ${err.message}\n`);
    if (err.hint) write(`hint: ${err.hint}\n`);
    if (debug && err.stack) write(`${err.stack}\n`);
    return 1;
  }
  const commanderCode = (err as { code?: unknown } | null)?.code;
  if (typeof commanderCode === 'string' && commanderCode.startsWith('commander.')) {
    // commander has already printed its own message.
    return (err as { exitCode?: number }).exitCode ?? 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  write(`ERROR: ${message}\n`);
  if (debug && err instanceof Error && err.stack) write(`${err.stack}\n`);
  else write('This is a bug in Manifold; run again with --debug for details and report it.\n');
  return 1;
}

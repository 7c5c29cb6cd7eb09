/**
 * Choosing a renderer for `--progress`: `auto` is `tty` on a terminal (and not TERM=dumb), else
 * `plain`; `tty` on something that is not a terminal falls back to `plain` with a warning (its
 * escape sequences would only garble a log); `rawjson` writes SolveStatus lines; `quiet` shows
 * nothing. The display's sink never throws (a renderer failure must not fail a build), and
 * `finish()` must be called once the build has ended, before anything else is written.
 */
import type { ProgressEvent, ProgressSink } from './events.js';
import { PlainRenderer } from './plain.js';
import { RawJsonRenderer } from './rawjson.js';
import { type TerminalStream, TtyRenderer } from './tty.js';

/** Progress modes, as buildx names them. */
export type ProgressMode = 'auto' | 'tty' | 'plain' | 'quiet' | 'rawjson';

/** Something that renders events. */
export interface ProgressRenderer {
  handle(event: ProgressEvent): void;
  /** Draws or prints what remains; called once, at the end. */
  finish(): void;
}

/** Where progress goes: a stream, with `isTTY` and size when it is a terminal. */
export interface DisplayTarget extends TerminalStream {
  readonly isTTY?: boolean;
}

/** Options of {@link createProgressDisplay}. */
export interface DisplayOptions {
  /** Environment (TERM, NO_COLOR); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A chosen renderer and its sink. */
export interface ProgressDisplay {
  /** The mode in effect (`auto` resolved). */
  readonly mode: Exclude<ProgressMode, 'auto'>;
  readonly sink: ProgressSink;
  finish(): void;
}

/** The display for `mode` on `out` (see the module comment). */
export function createProgressDisplay(
  mode: ProgressMode,
  out: DisplayTarget,
  options: DisplayOptions = {},
): ProgressDisplay {
  const env = options.env ?? process.env;
  const terminal = out.isTTY === true && env.TERM !== 'dumb';
  let resolved: Exclude<ProgressMode, 'auto'> = mode === 'auto' ? (terminal ? 'tty' : 'plain') : mode;
  if (resolved === 'tty' && !terminal) {
    out.write(
      'WARNING: --progress=tty needs a terminal, and this output is not one: showing plain progress\n',
    );
    resolved = 'plain';
  }
  const write = (text: string): void => {
    out.write(text);
  };
  let renderer: ProgressRenderer | undefined;
  if (resolved === 'tty') renderer = new TtyRenderer(out, { color: env.NO_COLOR === undefined });
  else if (resolved === 'plain') renderer = new PlainRenderer(write);
  else if (resolved === 'rawjson') renderer = new RawJsonRenderer(write);
  let broken = false;
  let finished = false;
  return {
    mode: resolved,
    sink: (event) => {
      if (!renderer || broken || finished) return;
      try {
        renderer.handle(event);
      } catch {
        broken = true;
      }
    },
    finish: () => {
      if (finished) return;
      finished = true;
      if (renderer && !broken) renderer.finish();
    },
  };
}

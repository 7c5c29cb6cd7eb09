/**
 * The tty renderer (`--progress tty`, and `auto` on a terminal): redraws one frame in place
 * (tty-frame.ts says what it shows) with plain ANSI sequences: move to the frame's first line
 * (`ESC[nF`), rewrite each line and clear its rest (`ESC[K`), clear what is below (`ESC[J`),
 * with the cursor hidden while drawing. No dependency: the handful of sequences is all it takes.
 *
 * Frames are drawn at most every 100 ms on events, and every 150 ms on a timer while steps run
 * (the timer does not keep the process alive). On a resize (SIGWINCH, which Node turns into the
 * stream's `resize` event) the previous frame's lines may have been re-wrapped by the terminal,
 * so the rows to move up are recounted for the new width before the next frame. `finish()`
 * draws the final frame, which lists every step and stays in the scrollback.
 */
import type { ProgressEvent } from './events.js';
import { ProgressTrace } from './trace.js';
import { type FrameLine, renderFrame } from './tty-frame.js';

/** What the renderer draws on: a terminal stream (process.stderr) or a test double. */
export interface TerminalStream {
  write(text: string): unknown;
  readonly columns?: number;
  readonly rows?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/** Options of {@link TtyRenderer}. */
export interface TtyOptions {
  /** ANSI colors (default: unless NO_COLOR is set). */
  readonly color?: boolean;
  /** Redraw period while steps run, in ms (default 150; 0: no timer, for tests). */
  readonly refreshMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

const MIN_DRAW_INTERVAL_MS = 100;

/** Draws progress in place on a terminal. */
export class TtyRenderer {
  private readonly trace = new ProgressTrace();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly color: boolean;
  private previous: readonly FrameLine[] = [];
  /** Terminal rows the previous frame occupies (its lines, re-wrapped after a resize). */
  private rows = 0;
  private lastDraw = 0;
  private finished = false;
  private readonly onResize = (): void => {
    const width = Math.max(this.out.columns ?? 80, 1);
    this.rows = this.previous.reduce((n, l) => n + Math.max(1, Math.ceil(l.width / width)), 0);
    this.draw(false);
  };

  constructor(
    private readonly out: TerminalStream,
    options: TtyOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.color = options.color ?? process.env.NO_COLOR === undefined;
    const refresh = options.refreshMs ?? 150;
    if (refresh > 0) {
      this.timer = setInterval(() => this.draw(false), refresh);
      this.timer.unref();
    }
    out.on?.('resize', this.onResize);
  }

  /** Handles one event; redraws unless a frame was drawn under 100 ms ago. */
  handle(event: ProgressEvent): void {
    this.trace.apply(event);
    if (this.now() - this.lastDraw >= MIN_DRAW_INTERVAL_MS) this.draw(false);
  }

  /** Stops redrawing and draws the final frame. */
  finish(): void {
    if (this.finished) return;
    if (this.timer) clearInterval(this.timer);
    this.out.off?.('resize', this.onResize);
    this.draw(true);
    this.finished = true;
  }

  private draw(final: boolean): void {
    if (this.finished) return;
    if (!final && this.trace.vertices.length === 0) return;
    const lines = renderFrame(this.trace, {
      width: Math.max(this.out.columns ?? 80, 20),
      height: Math.max(this.out.rows ?? 24, 4),
      now: this.now(),
      final,
      color: this.color,
    });
    let text = '\x1b[?25l';
    if (this.rows > 0) text += `\x1b[${this.rows}F`;
    for (const line of lines) text += `${line.text}\x1b[K\n`;
    text += '\x1b[J\x1b[?25h';
    this.out.write(text);
    this.previous = lines;
    this.rows = lines.length;
    this.lastDraw = this.now();
  }
}

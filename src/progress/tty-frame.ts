/**
 * What the tty view shows, as lines (pure: the trace, the time and the terminal size in, lines
 * out). While the build runs:
 *
 *   [+] Building 12.3s (7/12)
 *    => [internal] load build context                                0.1s
 *    linux/amd64  3/4 done (1 cached)                                 8.0s
 *    => [linux/amd64 4/4] RUN make                                    4.2s
 *    => => # compiling foo.c
 *    linux/arm64  1/4 done                                            8.0s
 *    => [linux/arm64 2/4] FROM docker.io/library/alpine@sha256:…     0.8s
 *    => => sha256:4abc… 1.20MB / 3.40MB 2.1MB/s                       0.6s
 *
 * Steps of each platform collapse into its header once finished; running ones show a timer,
 * their transfers (bytes, total, rate) and their last lines of output; failed ones stay. The
 * frame never exceeds the terminal's height (output lines go first, then transfers) and no line
 * reaches its width, so redrawing in place stays exact. Digests are shortened to 12 hex digits
 * (the full ones are in plain and rawjson output). The final frame lists every step, as
 * BuildKit's does when a build ends.
 */
import { formatRate, formatStatusBytes } from './format.js';
import type { ProgressTrace, TraceStatus, TraceVertex } from './trace.js';

/** Terminal size, time and style of a frame. */
export interface FrameOptions {
  readonly width: number;
  readonly height: number;
  /** Wall-clock time, for the timers of running steps. */
  readonly now: number;
  /** The final frame: every step, no height limit. */
  readonly final: boolean;
  readonly color: boolean;
}

/** One line of a frame. */
export interface FrameLine {
  /** The text as shown, colors included. */
  readonly text: string;
  /** Printable width, for redraw arithmetic. */
  readonly width: number;
}

type Style = 'plain' | 'done' | 'error' | 'cancel' | 'log' | 'group';

interface Line {
  readonly left: string;
  readonly timer?: string;
  readonly style: Style;
  /** Lower goes last when the frame is too tall: 0 header, 1 steps, 2 transfers, 3 output. */
  readonly priority: number;
}

const COLORS: Record<Style, string> = {
  plain: '',
  done: '\x1b[34m',
  error: '\x1b[31m',
  cancel: '\x1b[33m',
  log: '\x1b[2m',
  group: '\x1b[1m',
};

/** `sha256:` + 12 hex digits, the short form `docker images` uses. */
function shorten(text: string): string {
  return text.replace(/sha256:([0-9a-f]{12})[0-9a-f]{52}/g, 'sha256:$1');
}

function timer(ms: number): string {
  const s = Math.max(ms, 0) / 1000;
  return `${(s < 0.05 ? 0 : s).toFixed(1)}s`;
}

/** The lines of a frame. */
export function renderFrame(trace: ProgressTrace, o: FrameOptions): FrameLine[] {
  const { completed, total } = trace.counts();
  const elapsed = trace.start === undefined ? 0 : o.now - trace.start;
  const done = o.final && completed === total && total > 0 ? ' FINISHED' : '';
  const lines: Line[] = [
    { left: `[+] Building ${timer(elapsed)} (${completed}/${total})${done}`, style: 'plain', priority: 0 },
  ];
  if (o.final) {
    for (const v of trace.vertices) lines.push(...vertexLines(v, o, true));
  } else {
    lines.push(...liveLines(trace, o));
    fitHeight(lines, o.height - 1);
  }
  return lines.map((l) => finish(l, o));
}

function liveLines(trace: ProgressTrace, o: FrameOptions): Line[] {
  const out: Line[] = [];
  for (const v of trace.vertices) {
    if (v.platform === undefined && (v.completed === undefined || v.error))
      out.push(...vertexLines(v, o, false));
  }
  const platforms = [...new Set(trace.vertices.map((v) => v.platform).filter((p) => p !== undefined))];
  for (const platform of platforms) {
    const group = trace.vertices.filter((v) => v.platform === platform);
    const finished = group.filter((v) => v.completed !== undefined && !v.error);
    const cached = finished.filter((v) => v.cached).length;
    const first = Math.min(...group.map((v) => v.started ?? o.now));
    const running = group.some((v) => v.completed === undefined);
    const last = Math.max(...group.map((v) => v.completed ?? o.now));
    out.push({
      left: ` ${platform}  ${finished.length}/${group.length} done${cached ? ` (${cached} cached)` : ''}`,
      timer: timer((running ? o.now : last) - first),
      style: 'group',
      priority: 1,
    });
    for (const v of group) {
      if (v.completed === undefined || v.error) out.push(...vertexLines(v, o, false));
    }
  }
  return out;
}

function vertexLines(v: TraceVertex, o: FrameOptions, final: boolean): Line[] {
  const prefix = v.canceled ? 'CANCELED ' : v.error ? 'ERROR ' : v.cached ? 'CACHED ' : '';
  const end = v.completed ?? o.now;
  const style: Style = v.canceled
    ? 'cancel'
    : v.error
      ? 'error'
      : v.completed !== undefined
        ? 'done'
        : 'plain';
  const out: Line[] = [
    {
      left: ` => ${prefix}${shorten(v.name.replace(/\t/g, ' '))}`,
      timer: timer(v.started === undefined ? 0 : end - v.started),
      style: final ? style : v.error ? style : 'plain',
      priority: 1,
    },
  ];
  for (const s of v.statuses) {
    if (!final && s.completed) continue;
    out.push({
      left: ` => => ${shorten(s.id)}${statusBytes(s, final ? s.time : o.now)}`,
      timer: timer((s.completed || final ? s.time : o.now) - s.started),
      style: final ? 'done' : 'plain',
      priority: 2,
    });
  }
  if (!final && v.completed === undefined) {
    for (const line of v.logTail) out.push({ left: ` => => # ${line}`, style: 'log', priority: 3 });
  }
  return out;
}

function statusBytes(s: TraceStatus, now: number): string {
  if (!s.total && !s.current) return '';
  const bytes = s.total
    ? `${formatStatusBytes(s.current)} / ${formatStatusBytes(s.total)}`
    : formatStatusBytes(s.current);
  const rate = s.current > 0 ? formatRate(s.current, now - s.started) : '';
  return ` ${bytes}${rate ? ` ${rate}` : ''}`;
}

/** Drops output lines, then transfers, then steps (oldest first) until `max` lines remain. */
function fitHeight(lines: Line[], max: number): void {
  for (const priority of [3, 2, 1]) {
    while (lines.length > max) {
      const i = lines.findIndex((l) => l.priority === priority);
      if (i < 0) break;
      lines.splice(i, 1);
    }
  }
  if (lines.length > max) lines.splice(Math.max(max, 1));
}

/** Pads or cuts to the width (one column spare, so the terminal never wraps) and colors. */
function finish(line: Line, o: FrameOptions): FrameLine {
  const width = Math.max(o.width - 1, 10);
  let text: string;
  if (line.timer === undefined) {
    text = cut(line.left, width);
  } else {
    const room = width - line.timer.length - 1;
    text = room < 12 ? cut(line.left, width) : `${cut(line.left, room).padEnd(room)} ${line.timer}`;
  }
  const color = o.color ? COLORS[line.style] : '';
  return { text: color ? `${color}${text}\x1b[0m` : text, width: [...text].length };
}

function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(width - 1, 0)).join('')}…`;
}

/**
 * The tty view: frames (per-platform groups with finished steps collapsed, timers, transfers
 * with bytes and rate, last output lines; bounded by the terminal's size), redrawing in place
 * (cursor moves by the rows of the previous frame, recounted after a resize), the final frame,
 * and the choice of renderer by `--progress` mode.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, describe, it } from 'node:test';
import {
  createProgressDisplay,
  type ProgressEvent,
  ProgressTrace,
  renderFrame,
  StatusReporter,
  TtyRenderer,
} from '../../../src/progress/index.js';
import { buildEvents } from './fixtures.js';

const counts = { frames: 0, linesChecked: 0 };
const ESC = String.fromCharCode(27);
const ERASE_LINE = new RegExp(`${ESC}\\[K$`);
const FRAME_START = new RegExp(`^${ESC}\\[\\?25l(${ESC}\\[\\d+F)?`);
const T0 = Date.UTC(2025, 0, 2, 3, 4, 5, 0);

function traceOf(events: readonly ProgressEvent[]): ProgressTrace {
  const trace = new ProgressTrace();
  for (const e of events) trace.apply(e);
  return trace;
}

/** The build up to both RUN steps running, with output and the arm64 RUN's partial line. */
const RUNNING = buildEvents().slice(0, 21);

class FakeTerminal extends EventEmitter {
  columns = 60;
  rows = 20;
  readonly isTTY = true;
  readonly writes: string[] = [];
  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }
}

describe('tty view', () => {
  after(() => console.log(`tty view: ${JSON.stringify(counts)}`));

  it('groups running steps by platform, collapses finished ones, shows timers, output and rates', () => {
    const lines = renderFrame(traceOf(RUNNING), {
      width: 100,
      height: 30,
      now: T0 + 16_000,
      final: false,
      color: false,
    }).map((l) => l.text.trimEnd());
    counts.frames++;
    const at = (text: string) => lines.findIndex((l) => l.startsWith(text));
    assert.equal(lines[0], '[+] Building 16.0s (4/6)');
    assert.ok(at(' => [internal]') < 0, 'the finished context load is collapsed');
    const amd = at(' linux/amd64  2/3 done (1 cached)');
    const arm = at(' linux/arm64  1/2 done');
    assert.ok(amd > 0 && arm > amd, lines.join('\n'));
    assert.match(lines[at(' => [linux/amd64 2/3] RUN make')] ?? '', /RUN make +13\.5s$/);
    assert.ok(at(' => [linux/amd64 1/3] FROM') < 0, 'the finished pull is collapsed');
    assert.deepEqual(
      lines.filter((l) => l.startsWith(' => => #')),
      [
        ' => => # compiling a.c',
        ' => => # compiling b.c',
        ' => => # note: ünïcødé ✓',
        ' => => # warning: slow emulation',
      ],
    );
    for (const l of lines) assert.ok(l.length <= 99, `no line reaches the width: ${l}`);
    counts.linesChecked += lines.length;
  });

  it('shows a running transfer with bytes, total and rate', () => {
    const events = buildEvents().slice(0, 8); // the amd64 layer at 100kB of 3.4MB
    const lines = renderFrame(traceOf(events), {
      width: 120,
      height: 30,
      now: T0 + 1025,
      final: false,
      color: false,
    }).map((l) => l.text.trimEnd());
    const transfer = lines.find((l) => l.startsWith(' => => sha256:4abc'));
    assert.match(transfer ?? '', /100\.00kB \/ 3\.40MB 100kB\/s +1\.0s$/);
    counts.linesChecked += lines.length;
  });

  it('fits the terminal: output lines go first, the header stays, long names are cut', () => {
    const lines = renderFrame(traceOf(RUNNING), {
      width: 40,
      height: 6,
      now: T0 + 16_000,
      final: false,
      color: true,
    });
    assert.ok(lines.length <= 5, `${lines.length} lines for a 6-row terminal`);
    assert.match(lines[0]?.text ?? '', /^\[\+\] Building/);
    assert.ok(lines.every((l) => !l.text.includes('=> => #')));
    assert.ok(lines.every((l) => l.width <= 39));
    counts.linesChecked += lines.length;
  });

  it('lists every step in the final frame, with FINISHED once all have ended', () => {
    const lines = renderFrame(traceOf(buildEvents()), {
      width: 100,
      height: 10,
      now: T0 + 124_000,
      final: true,
      color: false,
    }).map((l) => l.text.trimEnd());
    assert.equal(lines[0], '[+] Building 124.0s (8/8) FINISHED');
    for (const step of [
      ' => [internal] load build context',
      ' => CACHED [linux/amd64 3/3] COPY app /app',
      ' => ERROR [linux/arm64 2/3] RUN make',
      ' => CANCELED [linux/arm64 3/3] COPY app /app',
      ' => exporting to image',
      ' => => pushing layers',
    ]) {
      assert.ok(
        lines.some((l) => l.startsWith(step)),
        `${step}\n${lines.join('\n')}`,
      );
    }
    assert.ok(lines.length > 10, 'the final frame is not cut to the height');
    counts.linesChecked += lines.length;
  });

  it('redraws in place, recounting rows after a resize, and ends with the final frame', () => {
    const term = new FakeTerminal();
    let now = T0;
    const tty = new TtyRenderer(term, { refreshMs: 0, color: false, now: () => now });
    const events = RUNNING;
    tty.handle(events[0]!);
    const first = term.writes.length;
    assert.equal(first, 1);
    const firstRows = term.writes[0]!.split('\n').length - 1;
    now += 200;
    tty.handle(events[1]!);
    assert.ok(term.writes[1]!.startsWith(`\x1b[?25l\x1b[${firstRows}F`), JSON.stringify(term.writes[1]));
    now += 50;
    tty.handle(events[2]!); // under 100 ms since the last frame: no redraw
    assert.equal(term.writes.length, 2);
    for (const e of events.slice(3)) {
      now += 150;
      tty.handle(e);
    }
    const last = term.writes.at(-1)!;
    const drawn = last
      .split('\n')
      .slice(0, -1)
      .map((l) => l.replace(ERASE_LINE, '').replace(FRAME_START, ''));
    // Narrower: each old line now takes ceil(width / 20) rows.
    term.columns = 20;
    term.emit('resize');
    const rows = drawn.reduce((n, l) => n + Math.max(1, Math.ceil([...l].length / 20)), 0);
    assert.ok(term.writes.at(-1)!.startsWith(`\x1b[?25l\x1b[${rows}F`), `expected ${rows} rows up`);
    term.columns = 60;
    tty.finish();
    assert.match(term.writes.at(-1)!, /\[\+\] Building [\d.]+s \(4\/6\)/);
    assert.ok(term.writes.at(-1)!.endsWith('\x1b[J\x1b[?25h'));
    const count = term.writes.length;
    tty.handle(events[0]!);
    tty.finish();
    assert.equal(term.writes.length, count, 'nothing after finish');
    counts.frames += term.writes.length;
  });
});

describe('progress modes', () => {
  function target(isTTY: boolean) {
    const t = new FakeTerminal();
    Object.defineProperty(t, 'isTTY', { value: isTTY });
    return t;
  }

  it('auto is tty on a terminal and plain elsewhere; tty off a terminal warns and is plain', () => {
    assert.equal(createProgressDisplay('auto', target(true), { env: {} }).mode, 'tty');
    assert.equal(createProgressDisplay('auto', target(true), { env: { TERM: 'dumb' } }).mode, 'plain');
    assert.equal(createProgressDisplay('auto', target(false), { env: {} }).mode, 'plain');
    const off = target(false);
    const forced = createProgressDisplay('tty', off, { env: {} });
    assert.equal(forced.mode, 'plain');
    assert.match(off.writes[0] ?? '', /^WARNING: --progress=tty needs a terminal/);
  });

  it('quiet prints nothing, rawjson prints JSON lines, and a sink never throws', () => {
    const q = target(false);
    const quiet = createProgressDisplay('quiet', q, { env: {} });
    for (const e of buildEvents()) quiet.sink(e);
    quiet.finish();
    assert.deepEqual(q.writes, []);
    const r = target(false);
    const raw = createProgressDisplay('rawjson', r, { env: {} });
    for (const e of buildEvents()) raw.sink(e);
    raw.finish();
    assert.equal(r.writes.length, buildEvents().length);
    assert.ok(r.writes.every((w) => w.endsWith('}\n') && JSON.parse(w)));
    const broken = createProgressDisplay('plain', {
      write() {
        throw new Error('EPIPE');
      },
    });
    assert.doesNotThrow(() => broken.sink(buildEvents()[0]!));
  });

  it('reports a transfer: its start (unless not announced), bytes after a quiet second, and its end', () => {
    const events: ProgressEvent[] = [];
    let now = 1000;
    const vertex = buildEvents()[0]!.digest;
    const s = new StatusReporter((e) => events.push(e), vertex, 'blob', {
      total: 100,
      announce: false,
      now: () => now,
    });
    for (let i = 1; i <= 50; i++) {
      now += 50;
      s.update(i * 2);
    }
    s.complete();
    s.complete();
    const times = events.map((e) => e.time - 1000);
    // Quiet for the first second, then one update per 100 ms, then the end.
    assert.deepEqual(times, [...Array.from({ length: 16 }, (_, i) => 1000 + i * 100), 2500]);
    const last = events.at(-1);
    assert.ok(last?.type === 'status' && last.completed && last.current === 100 && last.started === 1000);
  });
});

/**
 * The plain renderer against BuildKit's plain format: numbered blocks separated by blank lines,
 * `#N ...` on interruption, log offsets, status lines with bytes and durations (throttled as
 * BuildKit throttles them), DONE / CACHED / ERROR / CANCELED.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  formatLogOffset,
  formatStatusBytes,
  PlainRenderer,
  type ProgressEvent,
} from '../../../src/progress/index.js';
import { buildEvents, d } from './fixtures.js';

let checked = 0;

function render(events: readonly ProgressEvent[]): string[] {
  let out = '';
  const r = new PlainRenderer((t) => {
    out += t;
  });
  for (const e of events) r.handle(e);
  r.finish();
  return out.split('\n').slice(0, -1);
}

describe('plain renderer', () => {
  after(() => console.log(`plain renderer: ${checked} expected lines checked`));

  it('prints a whole build as BuildKit does', () => {
    const expected = [
      '#1 [internal] load build context',
      '#1 transferring context: 35.99kB 0.0s done',
      '#1 DONE 0.0s',
      '',
      '#2 [linux/amd64 3/3] COPY app /app',
      '#2 CACHED',
      '',
      '#3 [linux/amd64 1/3] FROM docker.io/library/alpine@sha256:1234',
      '#3 sha256:4abcf20661432fb2d719aaf90656f55c287f8ca915dc1c92ec14ff61e67fbaf8 0B / 3.40MB',
      '#3 sha256:4abcf20661432fb2d719aaf90656f55c287f8ca915dc1c92ec14ff61e67fbaf8 1.20MB / 3.40MB 1.12MB/s 1.1s',
      '#3 sha256:4abcf20661432fb2d719aaf90656f55c287f8ca915dc1c92ec14ff61e67fbaf8 3.40MB / 3.40MB 1.62MB/s 2.1s done',
      '#3 ...',
      '',
      '#4 [linux/arm64 1/3] FROM docker.io/library/alpine@sha256:1234',
      '#4 extracting sha256:4abcf20661432fb2d719aaf90656f55c287f8ca915dc1c92ec14ff61e67fbaf8',
      '#4 extracting sha256:4abcf20661432fb2d719aaf90656f55c287f8ca915dc1c92ec14ff61e67fbaf8 0.1s done',
      '#4 ...',
      '',
      '#3 [linux/amd64 1/3] FROM docker.io/library/alpine@sha256:1234',
      '#3 DONE 2.4s',
      '',
      '#4 [linux/arm64 1/3] FROM docker.io/library/alpine@sha256:1234',
      '#4 DONE 2.4s',
      '',
      '#5 [linux/amd64 2/3] RUN make',
      '#5 0.100 compiling a.c',
      '#5 ...',
      '',
      '#6 [linux/arm64 2/3] RUN make',
      '#6 0.149 warning: slow emulation',
      '#6 ...',
      '',
      '#5 [linux/amd64 2/3] RUN make',
      '#5 0.100 compiling b.c',
      '#5 11.50 note: ünïcødé ✓',
      '#5 DONE 117.5s',
      '',
      '#6 [linux/arm64 2/3] RUN make',
      '#6 12.50 no newline at the end',
      '#6 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2',
      '',
      '#7 [linux/arm64 3/3] COPY app /app',
      '#7 CANCELED',
      '',
      '#8 exporting to image',
      '#8 pushing layers',
      '#8 sha256:f100000000000000000000000000000000000000000000000000000000000000 1.00MB / 2.00MB 952kB/s 1.1s',
      '#8 sha256:f100000000000000000000000000000000000000000000000000000000000000 2.00MB / 2.00MB 976kB/s 2.0s done',
      '#8 pushing layers 2.2s done',
      '#8 DONE 2.3s',
    ];
    assert.deepEqual(render(buildEvents()), expected);
    checked += expected.length;
  });

  it('throttles a running status to 5 % of its total or 5 s, and always prints its end', () => {
    const v = d('v1');
    const events: ProgressEvent[] = [{ type: 'vertex', digest: v, name: 'pull', status: 'started', time: 0 }];
    for (let i = 0; i <= 100; i++) {
      events.push({
        type: 'status',
        digest: v,
        id: 'blob',
        current: i * 10,
        total: 1000,
        time: i * 10,
        started: 0,
        ...(i === 100 ? { completed: true } : {}),
      });
    }
    events.push({ type: 'status', digest: v, id: 'no-total', current: 1, time: 1000, started: 1000 });
    events.push({ type: 'status', digest: v, id: 'no-total', current: 2, time: 5999, started: 1000 });
    events.push({ type: 'status', digest: v, id: 'no-total', current: 3, time: 6000, started: 1000 });
    const lines = render(events);
    const blob = lines.filter((l) => l.startsWith('#1 blob'));
    assert.equal(blob.length, 21, 'the first update, one per 5 %, and the end');
    assert.equal(blob.at(-1), '#1 blob 1.00kB / 1.00kB 1.00kB/s 1.0s done');
    assert.deepEqual(
      lines.filter((l) => l.startsWith('#1 no-total')),
      ['#1 no-total 1B', '#1 no-total 3B 1B/s 5.0s'],
    );
    checked += 3;
  });

  it('formats bytes, log offsets and durations as BuildKit', () => {
    const cases: Array<[string, string]> = [
      [formatStatusBytes(0), '0B'],
      [formatStatusBytes(999), '999B'],
      [formatStatusBytes(1000), '1.00kB'],
      [formatStatusBytes(35_990), '35.99kB'],
      [formatStatusBytes(3_400_000), '3.40MB'],
      [formatStatusBytes(2_500_000_000), '2.50GB'],
      [formatLogOffset(123), '0.123'],
      [formatLogOffset(12_345), '12.35'],
      [formatLogOffset(123_456), '123.5'],
    ];
    for (const [got, want] of cases) assert.equal(got, want);
    checked += cases.length;
  });

  it('starts a block for a step only when nothing else is open, and ends partial lines', () => {
    const a = d('aa');
    const b = d('bb');
    const lines = render([
      { type: 'vertex', digest: a, name: 'A', status: 'started', time: 0 },
      { type: 'vertex', digest: b, name: 'B', status: 'started', time: 1 },
      { type: 'log', digest: a, stream: 'stdout', data: 'one\ntw', time: 10 },
      { type: 'log', digest: a, stream: 'stdout', data: 'o', time: 20 },
      { type: 'vertex', digest: b, name: 'B', status: 'done', time: 30 },
      { type: 'log', digest: a, stream: 'stderr', data: 'late', time: 40 },
    ]);
    assert.deepEqual(lines, [
      '#1 A',
      '#1 0.010 one',
      '#1 ...',
      '',
      '#2 B',
      '#2 DONE 0.0s',
      '',
      '#1 A',
      '#1 0.010 two',
      '#1 0.040 late',
    ]);
    checked += lines.length;
  });
});

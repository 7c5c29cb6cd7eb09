/**
 * Issue 6's progress bar, in the unit: the rawjson output of a build, replayed through the
 * plain renderer, gives exactly the plain output of that build. Both renderers listen to the
 * same event stream (as if the build had been run with both modes); the rawjson lines are
 * BuildKit SolveStatus objects, which the test checks field by field, and a buildx-style
 * batched recording replays too.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  PlainRenderer,
  type ProgressEvent,
  RawJsonRenderer,
  replayRawJson,
  type SolveStatus,
} from '../../../src/progress/index.js';
import { buildEvents, d } from './fixtures.js';

const counts = { events: 0, jsonLines: 0, plainLines: 0 };

/** Feeds one event stream to a plain and a rawjson renderer at once. */
function both(events: readonly ProgressEvent[]): { plain: string; raw: string } {
  let plain = '';
  let raw = '';
  const p = new PlainRenderer((t) => {
    plain += t;
  });
  const r = new RawJsonRenderer((t) => {
    raw += t;
  });
  for (const e of events) {
    p.handle(e);
    r.handle(e);
  }
  p.finish();
  r.finish();
  return { plain, raw };
}

describe('rawjson replay', () => {
  after(() => console.log(`rawjson replay: ${JSON.stringify(counts)}`));

  it('replays a build into the same plain lines, timings included', () => {
    const events = buildEvents();
    const { plain, raw } = both(events);
    const lines = raw.trimEnd().split('\n');
    assert.equal(lines.length, events.length, 'one JSON object per event');
    assert.equal(replayRawJson(raw), plain);
    // Lines a program prints around the progress (as the CLI does) are skipped.
    assert.equal(replayRawJson(`naming to x done\n${raw}image sha256:abc\n`), plain);
    counts.events += events.length;
    counts.jsonLines += lines.length;
    counts.plainLines += plain.split('\n').length - 1;
  });

  it("writes BuildKit's SolveStatus fields", () => {
    const { raw } = both(buildEvents());
    const objects = raw
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as SolveStatus);
    const run = objects
      .flatMap((o) => o.vertexes ?? [])
      .filter((v) => v.name === '[linux/amd64 2/3] RUN make');
    assert.deepEqual(
      run,
      [
        {
          digest: d('a2'),
          inputs: [d('a1')],
          name: '[linux/amd64 2/3] RUN make',
          started: '2025-01-02T03:04:07.500Z',
        },
        {
          digest: d('a2'),
          inputs: undefined,
          name: '[linux/amd64 2/3] RUN make',
          started: '2025-01-02T03:04:07.500Z',
          completed: '2025-01-02T03:06:05.000Z',
        },
      ].map((v) => JSON.parse(JSON.stringify(v))),
    );
    const cached = objects.flatMap((o) => o.vertexes ?? []).find((v) => v.cached);
    assert.equal(cached?.name, '[linux/amd64 3/3] COPY app /app');
    assert.equal(cached?.completed, cached?.started);
    const failed = objects.flatMap((o) => o.vertexes ?? []).find((v) => v.error?.startsWith('process'));
    assert.match(failed?.error ?? '', /exit code: 2\n {2}> no newline at the end$/);
    const log = objects.flatMap((o) => o.logs ?? []).find((l) => l.stream === 2 && l.vertex === d('a2'));
    assert.equal(Buffer.from(log?.data ?? '', 'base64').toString('utf8'), 'note: ünïcødé ✓\n');
    const pull = objects.flatMap((o) => o.statuses ?? []).filter((s) => s.id.startsWith('sha256:4abc'));
    assert.deepEqual(pull.at(-1), {
      id: 'sha256:4abcf20661432fb2d719aaf90656f55c287f8ca915dc1c92ec14ff61e67fbaf8',
      vertex: d('a1'),
      total: 3_400_000,
      current: 3_400_000,
      timestamp: '2025-01-02T03:04:07.125Z',
      started: '2025-01-02T03:04:05.025Z',
      completed: '2025-01-02T03:04:07.125Z',
    });
  });

  it('replays a buildx-style recording with several updates per line', () => {
    const v = d('bx');
    const w = d('by');
    const recording = [
      { vertexes: [{ digest: v, name: '[1/2] FROM docker.io/library/busybox' }] },
      {
        vertexes: [
          {
            digest: v,
            name: '[1/2] FROM docker.io/library/busybox',
            started: '2025-01-01T00:00:00.000Z',
            completed: '2025-01-01T00:00:00.300Z',
          },
          { digest: w, name: '[2/2] RUN echo hi', started: '2025-01-01T00:00:00.400Z' },
        ],
        logs: [
          {
            vertex: w,
            stream: 1,
            data: Buffer.from('hi\n').toString('base64'),
            timestamp: '2025-01-01T00:00:00.612Z',
          },
        ],
      },
      {
        vertexes: [
          {
            digest: w,
            name: '[2/2] RUN echo hi',
            started: '2025-01-01T00:00:00.400Z',
            completed: '2025-01-01T00:00:01.700Z',
          },
        ],
      },
    ]
      .map((o) => JSON.stringify(o))
      .join('\n');
    assert.equal(
      replayRawJson(recording),
      [
        '#1 [1/2] FROM docker.io/library/busybox',
        '#1 DONE 0.3s',
        '',
        '#2 [2/2] RUN echo hi',
        '#2 0.212 hi',
        '#2 DONE 1.3s',
        '',
      ].join('\n'),
    );
  });
});

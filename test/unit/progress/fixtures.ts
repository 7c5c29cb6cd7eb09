/**
 * Progress event streams for the renderer tests: a two-platform build with shared and
 * per-platform steps, interleaved output on both streams, partial lines, a pull with bytes, a
 * cached step, a failure and a canceled sibling, as the solver and worker emit them.
 */
import type { Digest } from '../../../src/oci/index.js';
import type { ProgressEvent } from '../../../src/progress/index.js';

/** A digest from a short name. */
export function d(name: string): Digest {
  return `sha256:${name.padEnd(64, '0')}` as Digest;
}

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5, 0);

/** A build: context, two pulls, two RUNs logging at once, a cached COPY, an export with a push. */
export function buildEvents(): ProgressEvent[] {
  const t = (ms: number) => T0 + ms;
  const ctx = d('c0');
  const fromA = d('a1');
  const fromB = d('b1');
  const runA = d('a2');
  const runB = d('b2');
  const copyA = d('a3');
  const exp = d('e0');
  const layer = 'sha256:4abcf20661432fb2d719aaf90656f55c287f8ca915dc1c92ec14ff61e67fbaf8';
  return [
    { type: 'vertex', digest: ctx, name: '[internal] load build context', status: 'started', time: t(0) },
    {
      type: 'status',
      digest: ctx,
      id: 'transferring context:',
      current: 35990,
      time: t(12),
      started: t(1),
      completed: true,
    },
    {
      type: 'vertex',
      digest: ctx,
      name: '[internal] load build context',
      status: 'done',
      time: t(13),
      started: t(0),
    },
    { type: 'vertex', digest: copyA, name: '[linux/amd64 3/3] COPY app /app', status: 'cached', time: t(14) },
    {
      type: 'vertex',
      digest: fromA,
      name: '[linux/amd64 1/3] FROM docker.io/library/alpine@sha256:1234',
      status: 'started',
      time: t(20),
    },
    {
      type: 'vertex',
      digest: fromB,
      name: '[linux/arm64 1/3] FROM docker.io/library/alpine@sha256:1234',
      status: 'started',
      time: t(21),
    },
    { type: 'status', digest: fromA, id: layer, current: 0, total: 3_400_000, time: t(25), started: t(25) },
    {
      type: 'status',
      digest: fromA,
      id: layer,
      current: 100_000,
      total: 3_400_000,
      time: t(60),
      started: t(25),
    },
    {
      type: 'status',
      digest: fromA,
      id: layer,
      current: 1_200_000,
      total: 3_400_000,
      time: t(1100),
      started: t(25),
    },
    {
      type: 'status',
      digest: fromA,
      id: layer,
      current: 3_400_000,
      total: 3_400_000,
      time: t(2125),
      started: t(25),
      completed: true,
    },
    { type: 'status', digest: fromB, id: `extracting ${layer}`, current: 0, time: t(2200), started: t(2200) },
    {
      type: 'status',
      digest: fromB,
      id: `extracting ${layer}`,
      current: 0,
      time: t(2310),
      started: t(2200),
      completed: true,
    },
    {
      type: 'vertex',
      digest: fromA,
      name: '[linux/amd64 1/3] FROM docker.io/library/alpine@sha256:1234',
      status: 'done',
      time: t(2400),
    },
    {
      type: 'vertex',
      digest: fromB,
      name: '[linux/arm64 1/3] FROM docker.io/library/alpine@sha256:1234',
      status: 'done',
      time: t(2401),
    },
    {
      type: 'vertex',
      digest: runA,
      name: '[linux/amd64 2/3] RUN make',
      status: 'started',
      time: t(2500),
      inputs: [fromA],
    },
    {
      type: 'vertex',
      digest: runB,
      name: '[linux/arm64 2/3] RUN make',
      status: 'started',
      time: t(2501),
      inputs: [fromB],
    },
    { type: 'log', digest: runA, stream: 'stdout', data: 'compiling a.c\ncompil', time: t(2600) },
    { type: 'log', digest: runB, stream: 'stderr', data: 'warning: slow emulation\n', time: t(2650) },
    { type: 'log', digest: runA, stream: 'stdout', data: 'ing b.c\n', time: t(2700) },
    { type: 'log', digest: runA, stream: 'stderr', data: 'note: ünïcødé ✓\n', time: t(14_000) },
    { type: 'log', digest: runB, stream: 'stdout', data: 'no newline at the end', time: t(15_000) },
    {
      type: 'vertex',
      digest: runA,
      name: '[linux/amd64 2/3] RUN make',
      status: 'done',
      time: t(120_000),
      started: t(2500),
    },
    {
      type: 'vertex',
      digest: runB,
      name: '[linux/arm64 2/3] RUN make',
      status: 'error',
      time: t(121_000),
      error:
        'process "/bin/sh -c make" did not complete successfully: exit code: 2\n  > no newline at the end',
    },
    {
      type: 'vertex',
      digest: d('b3'),
      name: '[linux/arm64 3/3] COPY app /app',
      status: 'error',
      time: t(121_001),
      error: 'This operation was aborted',
    },
    { type: 'vertex', digest: exp, name: 'exporting to image', status: 'started', time: t(121_100) },
    { type: 'status', digest: exp, id: 'pushing layers', current: 0, time: t(121_100), started: t(121_100) },
    {
      type: 'status',
      digest: exp,
      id: d('f1'),
      current: 1_000_000,
      total: 2_000_000,
      time: t(122_200),
      started: t(121_150),
    },
    {
      type: 'status',
      digest: exp,
      id: d('f1'),
      current: 2_000_000,
      total: 2_000_000,
      time: t(123_200),
      started: t(121_150),
      completed: true,
    },
    {
      type: 'status',
      digest: exp,
      id: 'pushing layers',
      current: 0,
      time: t(123_300),
      started: t(121_100),
      completed: true,
    },
    { type: 'vertex', digest: exp, name: 'exporting to image', status: 'done', time: t(123_400) },
  ];
}

/** The small readers and writers conversion relies on: Go durations, EXPOSE specs, signals, flags. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidSignal, parsePortSpec } from '../../../src/dockerfile/convert/index.js';
import { formatGoDuration, parseFlags, parseGoDuration } from '../../../src/dockerfile/instructions/index.js';

test("formatGoDuration writes Go's time.Duration.String()", () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [1, '1ns'],
    [1_500, '1.5µs'],
    [500_000_000, '500ms'],
    [1_000_000_000, '1s'],
    [30_000_000_000, '30s'],
    [90_000_000_000, '1m30s'],
    [3_600_000_000_000, '1h0m0s'],
    [5_400_500_000_000, '1h30m0.5s'],
    [-2_000_000_000, '-2s'],
  ];
  for (const [ns, text] of cases) {
    assert.equal(formatGoDuration(ns), text, `${ns}`);
    assert.equal(parseGoDuration(text), ns, text);
  }
});

test('parsePortSpec reads EXPOSE words as BuildKit does', () => {
  assert.deepEqual(parsePortSpec('80'), ['80/tcp']);
  assert.deepEqual(parsePortSpec('53/UDP'), ['53/udp']);
  assert.deepEqual(parsePortSpec('7000-7002/sctp'), ['7000/sctp', '7001/sctp', '7002/sctp']);
  assert.deepEqual(parsePortSpec('127.0.0.1:8080:80'), ['80/tcp']);
  assert.throws(() => parsePortSpec('80/http'), { message: 'invalid proto: http' });
  assert.throws(() => parsePortSpec('70000'), { message: 'invalid containerPort: 70000' });
  assert.throws(() => parsePortSpec('9-8'), { message: 'invalid containerPort: 9-8' });
  assert.throws(() => parsePortSpec('/tcp'), { message: 'no port specified: /tcp<empty>' });
});

test('isValidSignal accepts names with or without SIG, numbers and real-time signals', () => {
  for (const ok of ['SIGTERM', 'term', 'SIGQUIT', '9', 'SIGRTMIN+3', 'SIGWINCH'])
    assert.ok(isValidSignal(ok), ok);
  for (const bad of ['SIGFOO', '0', '', 'TERMINATE']) assert.ok(!isValidSignal(bad), bad);
});

test('parseFlags: BuildKit flag rules and the hints', () => {
  const spec = { from: 'string', link: 'bool', exclude: 'list' } as const;
  const ok = parseFlags(['--from=a', '--link=TRUE', '--exclude=x', '--exclude=y'], spec, 'COPY');
  assert.ok(!('problem' in ok));
  assert.equal(ok.string('from'), 'a');
  assert.equal(ok.bool('link'), true);
  assert.deepEqual(ok.list('exclude'), ['x', 'y']);
  assert.deepEqual(parseFlags(['--form=a'], spec, 'COPY'), {
    problem: 'unknown flag: --form',
    hint: 'did you mean --from? COPY takes --from, --link, --exclude',
  });
  assert.deepEqual(parseFlags(['--link='], spec, 'COPY'), {
    problem: 'missing a value on flag: --link',
    hint: 'write --link or --link=false',
  });
  assert.deepEqual(parseFlags(['--exclude'], spec, 'COPY'), {
    problem: 'missing a value on flag: --exclude',
    hint: 'write --exclude=VALUE',
  });
});

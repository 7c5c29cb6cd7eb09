/** Retry policy: statuses, backoff, Retry-After, error classification. */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { isTemporaryAnswer, RegistryError } from '../../../src/registry/errors.js';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  isTransientNetworkError,
  parseRetryAfter,
  resolveRetryPolicy,
  retryDelay,
  sleep,
} from '../../../src/registry/retry.js';
import { conformancePath } from '../../helpers/paths.js';
import { caseData, loadRegistryCases } from './fake-registry.js';

const cases = loadRegistryCases(conformancePath('reliability', 'registry-client-cases.json'));
let checked = 0;
after(() => console.log(`retry policy rows checked: ${checked}`));

describe('which statuses are retried', () => {
  const table: [number, boolean][] = [
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [405, false],
    [409, false],
    [501, false],
    [505, false],
  ];
  for (const [status, retry] of table) {
    test(`${status} → ${retry ? 'retry' : 'no retry'}`, () => {
      assert.equal(isRetryableStatus(status), retry);
      checked++;
    });
  }
  test('the attempt budget is 5 (containerd, containers/image)', () => {
    assert.equal(
      DEFAULT_RETRY_POLICY.maxAttempts,
      caseData<{ max_attempts: number }>(cases, 'retry/containerd-408-429').max_attempts,
    );
    checked++;
  });
});

describe('backoff', () => {
  const policy = resolveRetryPolicy({ jitter: 0 });
  const table: [number, number][] = [
    [1, 500],
    [2, 1000],
    [3, 2000],
    [4, 4000],
    [5, 8000],
    [6, 10_000],
    [20, 10_000],
  ];
  for (const [retry, ms] of table) {
    test(`retry ${retry} waits ${ms} ms`, () => {
      assert.equal(retryDelay(retry, policy), ms);
      checked++;
    });
  }
  test('jitter spreads the wait by ±jitter', () => {
    const p = resolveRetryPolicy({ jitter: 0.2 });
    assert.equal(
      retryDelay(2, p, undefined, () => 0),
      800,
    );
    assert.equal(
      retryDelay(2, p, undefined, () => 0.5),
      1000,
    );
    assert.equal(
      retryDelay(2, p, undefined, () => 0.999999),
      1200,
    );
    checked += 3;
  });
  test('Retry-After replaces the computed wait, capped', () => {
    assert.equal(retryDelay(1, policy, 5000), 5000);
    assert.equal(retryDelay(1, policy, 3_600_000), 60_000);
    checked += 2;
  });
  test('nonsense policies are refused', () => {
    assert.throws(() => resolveRetryPolicy({ maxAttempts: 0 }), RangeError);
    assert.throws(() => resolveRetryPolicy({ jitter: 2 }), RangeError);
    checked += 2;
  });
});

describe('Retry-After (conformance: retry/containers-image-429)', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  const policy = resolveRetryPolicy({ jitter: 0 });
  const rows: [string, number | undefined][] = [
    ['', undefined],
    ['5', 5000],
    [new Date(now + 30_000).toUTCString(), 30_000],
    [new Date(now - 30_000).toUTCString(), undefined],
    ['soon', undefined],
    ['3600', 3_600_000],
    ['-5', undefined],
  ];
  const spec = cases.get('retry/containers-image-429')?.data as {
    retry_after: [string, string][];
    max_delay_s: number;
  };
  test('the conformance rows are all covered', () => assert.equal(spec.retry_after.length, 6));
  for (const [value, ms] of rows) {
    test(JSON.stringify(value), () => {
      assert.equal(parseRetryAfter(value, now), ms);
      const wait = retryDelay(1, policy, parseRetryAfter(value, now));
      assert.equal(wait, ms === undefined ? 500 : Math.min(ms, spec.max_delay_s * 1000));
      checked++;
    });
  }
  test('an abort ends a wait at once', async () => {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(new Error('stop')), 20);
    await assert.rejects(sleep(10_000, ac.signal), /stop/);
    assert.ok(Date.now() - started < 2000);
    checked++;
  });
});

describe('classification', () => {
  test('conformance: retry/ggcr-error-classification', () => {
    const rows = cases.get('retry/ggcr-error-classification')?.data as {
      status?: number | null;
      codes: string[];
      temporary: boolean;
    }[];
    for (const row of rows) {
      const diags = row.codes.map((code) => ({ code, message: '' }));
      assert.equal(isTemporaryAnswer(row.status ?? undefined, diags), row.temporary, JSON.stringify(row));
      const err = new RegistryError('E_REGISTRY_STATUS', 'x', {
        registry: 'r',
        ...(row.status == null ? {} : { status: row.status }),
        diagnostics: diags,
      });
      assert.equal(err.temporary, row.temporary);
      assert.deepEqual(err.codes, row.codes);
      checked++;
    }
  });

  test('conformance: retry/containerd-transport-errors (is_transient)', () => {
    const make = (code: string | undefined, message: string, name = 'Error'): Error => {
      const e = new Error(message) as Error & { code?: string };
      if (code !== undefined) e.code = code;
      e.name = name;
      return e;
    };
    const samples: Record<string, Error> = {
      'net timeout': make('ETIMEDOUT', 'connect ETIMEDOUT'),
      'wrapped net timeout': new Error('request failed', {
        cause: make('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error'),
      }),
      'io.EOF': make('UND_ERR_SOCKET', 'other side closed'),
      'io.ErrUnexpectedEOF': make('ECONNRESET', 'read ECONNRESET'),
      'wrapped io.EOF': new Error('body failed', { cause: make('UND_ERR_SOCKET', 'other side closed') }),
      'generic error': new Error('something else'),
      'context canceled': make(undefined, 'This operation was aborted', 'AbortError'),
      'context deadline exceeded': make(undefined, 'The operation timed out', 'TimeoutError'),
    };
    const rows = caseData<{ is_transient: [string, boolean][] }>(
      cases,
      'retry/containerd-transport-errors',
    ).is_transient;
    for (const [name, transient] of rows) {
      const sample = samples[name];
      assert.ok(sample !== undefined, name);
      assert.equal(isTransientNetworkError(sample), transient, name);
      checked++;
    }
    assert.equal(isTransientNetworkError(make('ECONNREFUSED', 'connect ECONNREFUSED')), false);
    assert.equal(isTransientNetworkError(make('EPIPE', 'write EPIPE')), true);
    checked += 2;
  });
});

/** Retries through `RegistryClient`: statuses, Retry-After, dropped connections, error texts. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RegistryError } from '../../../src/registry/index.js';
import {
  type FakeRegistry,
  makeClient,
  requestsTo,
  seedManifest,
  startFakeRegistry,
} from './fake-registry.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const body = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { digest: 'x', size: 1 },
  layers: [],
});
let checked = 0;
after(() => console.log(`retry behaviours checked: ${checked}`));

let reg: FakeRegistry;
before(async () => {
  reg = await startFakeRegistry();
});
after(() => reg.close());

/** Answers the first `n` manifest requests of `repo` with `status` (and headers/body), then passes. */
function failFirst(
  repo: string,
  n: number,
  status: number,
  headers: Record<string, string> = {},
  text = '',
): void {
  let seen = 0;
  reg.hooks = [
    (req, res) => {
      if (!req.url?.includes(`/${repo}/manifests/`) || seen >= n) return false;
      seen++;
      res.writeHead(status, headers);
      res.end(text);
      return true;
    },
  ];
}

describe('status retries', () => {
  test('503 twice, then success', async () => {
    seedManifest(reg, 'r503', 'v1', body, OCI_MANIFEST);
    failFirst('r503', 2, 503);
    const { client, agent } = makeClient();
    await client.getManifest({ registry: reg.host, repository: 'r503', tag: 'v1' });
    assert.equal(requestsTo(reg, 'GET', '/r503/manifests/').length, 3);
    await agent.close();
    checked++;
  });

  for (const status of [408, 429, 500, 502, 504]) {
    test(`${status} is retried`, async () => {
      const repo = `r${status}`;
      seedManifest(reg, repo, 'v1', body, OCI_MANIFEST);
      failFirst(repo, 1, status);
      const { client, agent } = makeClient();
      await client.getManifest({ registry: reg.host, repository: repo, tag: 'v1' });
      assert.equal(requestsTo(reg, 'GET', `/${repo}/manifests/`).length, 2);
      await agent.close();
      checked++;
    });
  }

  test('retry/containerd-408-429 and ggcr-429-surfaces: 5 attempts, then an error carrying 429', async () => {
    failFirst('r429x', 100, 429);
    const { client, agent } = makeClient();
    await assert.rejects(
      client.getManifest({ registry: reg.host, repository: 'r429x', tag: 'v1' }),
      (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.equal(e.status, 429);
        assert.equal(e.code, 'E_REGISTRY_RATE_LIMITED');
        return true;
      },
    );
    assert.equal(requestsTo(reg, 'GET', '/r429x/manifests/').length, 5);
    await agent.close();
    checked += 2;
  });

  test('Retry-After is honoured (and capped)', async () => {
    seedManifest(reg, 'ra', 'v1', body, OCI_MANIFEST);
    for (const [value, cap, min, max] of [
      ['1', 5000, 900, 3000],
      ['3600', 200, 150, 1500],
      [new Date(Date.now() + 60_000).toUTCString(), 200, 150, 1500],
    ] as const) {
      failFirst('ra', 1, 429, { 'retry-after': value });
      const { client, agent } = makeClient('', {
        retry: { initialDelayMs: 5, jitter: 0, retryAfterCapMs: cap },
      });
      const started = Date.now();
      await client.getManifest({ registry: reg.host, repository: 'ra', tag: 'v1' });
      const took = Date.now() - started;
      assert.ok(took >= min && took < max, `Retry-After ${value}: waited ${took} ms`);
      await agent.close();
      checked++;
    }
  });

  test('no retry on other 4xx, nor on a 5xx whose codes are permanent', async () => {
    for (const [status, text] of [
      [400, ''],
      [403, '{"errors":[{"code":"DENIED","message":"no"}]}'],
      [404, ''],
      [409, ''],
      [500, '{"errors":[{"code":"DENIED","message":"permanent"}]}'],
    ] as const) {
      const repo = `n${status}`;
      failFirst(repo, 100, status, { 'content-type': 'application/json' }, text);
      const { client, agent } = makeClient();
      await assert.rejects(
        client.getManifest({ registry: reg.host, repository: repo, tag: 'v1' }),
        RegistryError,
      );
      assert.equal(requestsTo(reg, 'GET', `/${repo}/manifests/`).length, 1, `${status} ${text}`);
      await agent.close();
      checked++;
    }
  });

  test('retry/containerd-5xx-last-host and 5xx-non-docker-body: status line plus the registry’s messages', async () => {
    failFirst(
      'msg',
      100,
      500,
      { 'content-type': 'application/json' },
      '{"errors":[{"code":"UNKNOWN","message":"Test Error"}]}',
    );
    const { client, agent } = makeClient('', { retry: { maxAttempts: 2, initialDelayMs: 1 } });
    await assert.rejects(
      client.getManifest({ registry: reg.host, repository: 'msg', tag: 'v1' }),
      (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.match(
          e.message,
          /^unexpected status from GET request to http:\/\/127\.0\.0\.1:\d+\/v2\/msg\/manifests\/v1: 500 Internal Server Error\nUNKNOWN: Test Error$/,
        );
        assert.deepEqual(e.codes, ['UNKNOWN']);
        return true;
      },
    );
    failFirst('plain', 100, 500, { 'content-type': 'text/plain' }, 'oops');
    await assert.rejects(
      client.getManifest({ registry: reg.host, repository: 'plain', tag: 'v1' }),
      (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.match(e.message, /500 Internal Server Error$/);
        assert.deepEqual(e.diagnostics, []);
        return true;
      },
    );
    await agent.close();
    checked += 2;
  });

  test('error bodies are read up to 64 KiB only', async () => {
    failFirst(
      'huge',
      100,
      400,
      { 'content-type': 'application/json' },
      `{"errors":[{"code":"X","message":"${'y'.repeat(200_000)}"}]}`,
    );
    const { client, agent } = makeClient();
    await assert.rejects(
      client.getManifest({ registry: reg.host, repository: 'huge', tag: 'v1' }),
      (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.deepEqual(e.diagnostics, [], 'a cut body does not parse');
        return true;
      },
    );
    await agent.close();
    checked++;
  });
});

describe('dropped connections', () => {
  test('a reset before the answer is retried; a refused connection is not', async () => {
    seedManifest(reg, 'reset', 'v1', body, OCI_MANIFEST);
    let n = 0;
    reg.hooks = [
      (req) => {
        if (!req.url?.includes('/reset/manifests/') || n++ >= 2) return false;
        req.socket.destroy();
        return true;
      },
    ];
    const { client, agent } = makeClient();
    await client.getManifest({ registry: reg.host, repository: 'reset', tag: 'v1' });
    assert.equal(requestsTo(reg, 'GET', '/reset/manifests/').length, 3);
    const started = Date.now();
    await assert.rejects(
      client.getManifest({ registry: '127.0.0.1:1', repository: 'x', tag: 'v1' }),
      (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.equal(e.code, 'E_REGISTRY_UNREACHABLE');
        assert.match(e.message, /cannot connect to registry 127\.0\.0\.1:1 .*ECONNREFUSED/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 1000, 'no backoff on refused connections');
    await agent.close();
    checked += 2;
  });

  test('attempts are bounded for connections that always drop', async () => {
    reg.hooks = [
      (req) => {
        if (!req.url?.includes('/alwaysreset/')) return false;
        req.socket.destroy();
        return true;
      },
    ];
    const { client, agent } = makeClient('', { retry: { maxAttempts: 3, initialDelayMs: 1 } });
    await assert.rejects(
      client.getManifest({ registry: reg.host, repository: 'alwaysreset', tag: 'v1' }),
      (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.equal(e.code, 'E_REGISTRY_CONNECTION');
        assert.equal(e.temporary, true);
        return true;
      },
    );
    assert.equal(requestsTo(reg, 'GET', '/alwaysreset/').length, 3);
    await agent.close();
    checked++;
  });

  test('cancellation during the backoff returns at once', async () => {
    failFirst('cancel', 100, 503);
    const { client, agent } = makeClient('', { retry: { initialDelayMs: 10_000, maxDelayMs: 10_000 } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('cancelled by test')), 100);
    const started = Date.now();
    await assert.rejects(
      client.getManifest({ registry: reg.host, repository: 'cancel', tag: 'v1' }, { signal: ac.signal }),
      /cancelled by test/,
    );
    assert.ok(Date.now() - started < 2000);
    await agent.close();
    checked++;
  });
});

/**
 * Bearer authentication through `RegistryClient` against an in-process registry with a token
 * server: anonymous and credentialed flows, OAuth with identity tokens, token reuse, expiry and
 * refresh, insufficient scope, unusable realms.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { Digest } from '../../../src/oci/index.js';
import { RegistryError } from '../../../src/registry/index.js';
import { bearer, creds, type TokenServer } from './auth-fixtures.js';
import {
  type FakeRegistry,
  makeClient,
  requestsTo,
  seedBlob,
  seedManifest,
  startFakeRegistry,
} from './fake-registry.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { digest: 'x', size: 1 },
  layers: [],
});
let checked = 0;
after(() => console.log(`bearer behaviours checked: ${checked}`));

let reg: FakeRegistry;
before(async () => {
  reg = await startFakeRegistry();
});
after(() => reg.close());

describe('bearer tokens', () => {
  test('auth/anonymous-without-credentials: anonymous token with service and scope, then Bearer', async () => {
    const server: TokenServer = { issued: [] };
    reg.hooks = [bearer(reg, server)];
    seedManifest(reg, 'anon/app', 'v1', manifest, OCI_MANIFEST);
    const { client, agent } = makeClient();
    await client.getManifest({ registry: reg.host, repository: 'anon/app', tag: 'v1' });
    assert.equal(server.issued.length, 1);
    assert.equal(server.issued[0]?.authorization, undefined);
    assert.deepEqual(server.issued[0]?.scopes, ['repository:anon/app:pull']);
    const tokenReq = requestsTo(reg, 'GET', '/token')[0];
    assert.ok(tokenReq?.url.includes('service=fake'));
    const gets = requestsTo(reg, 'GET', '/anon/app/manifests/v1');
    assert.deepEqual(
      gets.map((g) => g.headers.authorization),
      [undefined, 'Bearer tok-1'],
    );
    await agent.close();
    checked += 3;
  });

  test('auth/token-flows-containerd: tokens are reused, one fetch in flight, and widened for push', async () => {
    const server: TokenServer = { issued: [] };
    reg.hooks = [bearer(reg, server)];
    seedManifest(reg, 'reuse/app', 'v1', manifest, OCI_MANIFEST);
    const { client, agent } = makeClient('', {
      credentials: creds({ [reg.host]: { username: 'alice', password: 'pw' } }),
    });
    const ref = { registry: reg.host, repository: 'reuse/app', tag: 'v1' };
    await client.getManifest(ref);
    await Promise.all([1, 2, 3, 4, 5].map(() => client.getManifest(ref)));
    assert.equal(server.issued.length, 1, 'one token for every pull');
    assert.equal(server.issued[0]?.authorization, `Basic ${Buffer.from('alice:pw').toString('base64')}`);
    // A push needs pull,push: the registry says insufficient_scope, a wider token is fetched once.
    await client.putManifest(
      { registry: reg.host, repository: 'reuse/app' },
      'v2',
      Buffer.from(manifest),
      OCI_MANIFEST,
    );
    await client.putManifest(
      { registry: reg.host, repository: 'reuse/app' },
      'v3',
      Buffer.from(manifest),
      OCI_MANIFEST,
    );
    assert.equal(server.issued.length, 2);
    assert.ok(
      server.issued[1]?.scopes.includes('repository:reuse/app:pull,push'),
      JSON.stringify(server.issued[1]?.scopes),
    );
    // and that token covers later pulls too
    await client.getManifest({ ...ref, tag: 'v2' });
    assert.equal(server.issued.length, 2);
    await agent.close();
    checked += 5;
  });

  test('auth/insufficient-scope: the new token asks for the union of scopes', async () => {
    const server: TokenServer = { issued: [] };
    reg.hooks = [bearer(reg, server)];
    const data = Buffer.from('mount me');
    const digest = seedBlob(reg, 'src/repo', data) as Digest;
    const { client, agent } = makeClient();
    const res = await client.pushBlob(
      { registry: reg.host, repository: 'dst/repo' },
      digest,
      data.length,
      () => Readable.from([data]),
      {
        mountFrom: 'src/repo',
      },
    );
    assert.equal(res.status, 'mounted');
    const mountToken = server.issued.find((i) => i.scopes.includes('repository:src/repo:pull'));
    assert.ok(mountToken !== undefined, 'the mount asks for pull on the source repository');
    assert.ok(mountToken.scopes.includes('repository:dst/repo:pull,push'));
    await agent.close();
    checked += 2;
  });

  test('credential-scoping/same-host-rechallenge: a stale token is refreshed once', async () => {
    const server: TokenServer = { issued: [] };
    const hook = bearer(reg, server);
    reg.hooks = [hook];
    seedManifest(reg, 'stale/app', 'v1', manifest, OCI_MANIFEST);
    let clock = Date.now();
    const { client, agent } = makeClient('', { now: () => clock });
    const ref = { registry: reg.host, repository: 'stale/app', tag: 'v1' };
    await client.getManifest(ref);
    // The registry forgets tok-1 (as if it expired server-side).
    let reject = true;
    reg.hooks = [
      (req, res, body) => {
        if (reject && req.headers.authorization === 'Bearer tok-1') {
          reject = false;
          res.writeHead(401, {
            'www-authenticate': `Bearer realm="http://${reg.host}/token",service="fake",scope="repository:stale/app:pull"`,
          });
          res.end();
          return true;
        }
        return hook(req, res, body);
      },
    ];
    const before = requestsTo(reg, 'GET', '/stale/app/manifests/').length;
    await client.getManifest(ref);
    assert.equal(requestsTo(reg, 'GET', '/stale/app/manifests/').length - before, 2);
    assert.equal(server.issued.length, 2);
    // Expiry: after expires_in (300 s) the cached token is not used any more.
    clock += 301_000;
    await client.getManifest(ref);
    assert.equal(server.issued.length, 3);
    await agent.close();
    checked += 3;
  });

  test('auth/bad-token-and-basic-errors (a): a token the registry keeps rejecting fails with the credentials named', async () => {
    const server: TokenServer = { issued: [], rejectAll: true };
    reg.hooks = [bearer(reg, server)];
    const { client, agent } = makeClient();
    await assert.rejects(
      client.getManifest({ registry: reg.host, repository: 'bad/app', tag: 'v1' }),
      (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.equal(e.code, 'E_REGISTRY_UNAUTHORIZED');
        assert.match(
          e.message,
          new RegExp(
            `unauthorized: registry ${reg.host.replace(/\./g, '\\.')} refused manifest .*bad/app:v1 with no credentials`,
          ),
        );
        assert.match(e.message, /it rejected them/);
        return true;
      },
    );
    assert.equal(requestsTo(reg, 'GET', '/bad/app/manifests/').length, 2);
    await agent.close();
    checked += 2;
  });

  test('auth/oauth-fallback-ggcr: identity token via OAuth POST; POST 404 falls back to GET with Basic; refresh tokens replace it', async () => {
    const server: TokenServer = { issued: [] };
    let postAnswer: 'refresh' | '404' = 'refresh';
    server.answer = (req) => {
      if (req.method !== 'POST') return undefined;
      if (postAnswer === '404') return { status: 404, body: {} };
      const n = server.issued.length;
      return {
        status: 200,
        body: { access_token: `oauth-${n}`, refresh_token: `refresh-${n}`, expires_in: 1 },
      };
    };
    const hook = bearer(reg, server);
    reg.hooks = [
      (req, res, body) => {
        const auth = req.headers.authorization;
        if (auth?.startsWith('Bearer oauth-') && req.url?.startsWith('/v2/oauth/')) return false; // accept OAuth tokens
        return hook(req, res, body);
      },
    ];
    seedManifest(reg, 'oauth/app', 'v1', manifest, OCI_MANIFEST);
    let clock = Date.now();
    const { client, agent } = makeClient('', {
      credentials: creds({ [reg.host]: { identityToken: 'id-0', username: 'u', password: 'p' } }),
      now: () => clock,
    });
    const ref = { registry: reg.host, repository: 'oauth/app', tag: 'v1' };
    await client.getManifest(ref);
    const first = server.issued[0];
    assert.equal(first?.method, 'POST');
    assert.deepEqual(
      [
        first?.form?.get('grant_type'),
        first?.form?.get('refresh_token'),
        first?.form?.get('client_id'),
        first?.form?.get('service'),
      ],
      ['refresh_token', 'id-0', 'manifold', 'fake'],
    );
    clock += 120_000; // the 60 s minimum lifetime has passed
    await client.getManifest(ref);
    assert.equal(
      server.issued[1]?.form?.get('refresh_token'),
      'refresh-1',
      'the refresh token replaced the identity token',
    );
    postAnswer = '404';
    clock += 120_000;
    reg.hooks = [hook];
    await client.getManifest(ref);
    const last = server.issued.at(-1);
    assert.equal(last?.method, 'GET');
    assert.equal(last?.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    await agent.close();
    checked += 3;
  });

  test('auth/token-options-errors and credential-scoping/realm-redirect: unusable realms fail before (or at) the token request', async () => {
    for (const challenge of ['Bearer service="fake"', 'Bearer realm="127.0.0.1:8080/token",service="fake"']) {
      reg.hooks = [
        (req, res) => {
          if (!req.url?.startsWith('/v2/realm/')) return false;
          res.writeHead(401, { 'www-authenticate': challenge });
          res.end();
          return true;
        },
      ];
      const before = reg.requests.length;
      const { client, agent } = makeClient();
      await assert.rejects(
        client.getManifest({ registry: reg.host, repository: 'realm', tag: 'v1' }),
        /realm/,
      );
      assert.equal(reg.requests.slice(before).filter((r) => r.url.startsWith('/token')).length, 0);
      await agent.close();
      checked++;
    }
    const server: TokenServer = { issued: [], answer: () => ({ status: 302, body: {} }) };
    reg.hooks = [bearer(reg, server)];
    const { client, agent } = makeClient();
    await assert.rejects(
      client.getManifest({ registry: reg.host, repository: 'realm', tag: 'v1' }),
      /token server .* answered 302/,
    );
    await agent.close();
    checked++;
  });
});

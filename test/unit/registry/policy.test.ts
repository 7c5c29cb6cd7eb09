/**
 * Pure rules of the client, driven by the conformance tables: URL redaction, where requests
 * and credentials may go (redirects, upload Locations, token realms), size headers, token
 * answers, manifest kind confusion, identifiers from the registry, chunking, the limiter.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { isDigest } from '../../../src/oci/index.js';
import { realmProblem, redirectProblem } from '../../../src/registry/address-policy.js';
import { shouldResume } from '../../../src/registry/blob-fetch.js';
import { chunksOf } from '../../../src/registry/blob-upload.js';
import {
  parseContentLength,
  parseContentRange,
  parseDecimal,
} from '../../../src/registry/content-headers.js';
import { parseErrorBody } from '../../../src/registry/error-body.js';
import { resolveHosts } from '../../../src/registry/hosts.js';
import { emptyHostsConfig, redactUrl } from '../../../src/registry/index.js';
import { Limiter } from '../../../src/registry/limiter.js';
import { checkManifestDocument } from '../../../src/registry/manifest-kind.js';
import { isValidTag, nextLink } from '../../../src/registry/tags.js';
import { parseTokenResponse } from '../../../src/registry/token.js';
import { nextLocation } from '../../../src/registry/upload-location.js';
import { conformancePath } from '../../helpers/paths.js';
import { loadRegistryCases } from './fake-registry.js';

const cases = loadRegistryCases(conformancePath('reliability', 'registry-client-cases.json'));
const data = <T>(id: string): T => {
  const c = cases.get(id);
  assert.ok(c !== undefined, `conformance case ${id} missing`);
  return c.data as T;
};
let checked = 0;
after(() => console.log(`policy rows checked: ${checked}`));

describe('credential-scoping', () => {
  test('redaction (credential-scoping/redaction)', () => {
    for (const row of data<{ scheme: string; host: string; path: string; sanitized: string }[]>(
      'credential-scoping/redaction',
    )) {
      const input = `${row.scheme}://${row.host}${row.path}`;
      assert.equal(redactUrl(input), row.sanitized, input);
      checked++;
    }
  });

  test('redirect targets (credential-scoping/redirect-ssrf)', () => {
    const d = data<{ blocked: [string, string][]; allowed: [string, string][] }>(
      'credential-scoping/redirect-ssrf',
    );
    for (const [from, to] of d.blocked) {
      assert.ok(
        redirectProblem(new URL(`https://${from}/v2/x`), new URL(to)) !== undefined,
        `${from} → ${to}`,
      );
      checked++;
    }
    for (const [from, to] of d.allowed) {
      const scheme = new URL(to).protocol;
      assert.equal(
        redirectProblem(new URL(`${scheme}//${from}/v2/x`), new URL(to)),
        undefined,
        `${from} → ${to}`,
      );
      checked++;
    }
    assert.ok(redirectProblem(new URL('https://r.example/v2/'), new URL('file:///etc/passwd')) !== undefined);
    checked++;
  });

  test('upload Locations (push/location-ssrf, push/location-forms)', () => {
    const ep = resolveHosts('registry.example.com', emptyHostsConfig())[0];
    assert.ok(ep !== undefined);
    const d = data<{ registry: string; blocked: string[]; allowed: [string, string][] }>(
      'push/location-ssrf',
    );
    const from = new URL('https://registry.example.com/v2/foo/bar/blobs/uploads/');
    for (const loc of d.blocked) {
      assert.throws(
        () => nextLocation(ep, { headers: { location: loc }, url: from }),
        /refusing the upload Location/,
        loc,
      );
      checked++;
    }
    for (const [registry, loc] of d.allowed) {
      const scheme = loc.startsWith('http://') ? 'http' : 'https';
      const base = new URL(`${scheme}://${registry}/v2/foo/bar/blobs/uploads/`);
      assert.doesNotThrow(() => nextLocation(ep, { headers: { location: loc }, url: base }), loc);
      checked++;
    }
    for (const row of data<{ location: string; resolved: string }[]>('push/location-forms')) {
      const got = nextLocation(ep, {
        headers: { location: row.location },
        url: new URL('https://gcr.io/v2/foo/bar/blobs/uploads/'),
      });
      assert.equal(got.toString(), row.resolved);
      checked++;
    }
    assert.throws(() => nextLocation(ep, { headers: {}, url: from }), /without a Location header/);
    checked++;
  });

  test('token realms (credential-scoping/realm-validation, realm-same-host)', () => {
    for (const [realm, allowed] of data<[string, boolean][]>('credential-scoping/realm-validation')) {
      assert.equal(
        realmProblem(realm, new URL('https://registry.example.org/v2/')) === undefined,
        allowed,
        realm,
      );
      checked++;
    }
    for (const row of data<{ realm: string; registry: string; insecure: boolean; allowed: boolean }[]>(
      'credential-scoping/realm-same-host',
    )) {
      const registry = new URL(`${row.insecure ? 'http' : 'https'}://${row.registry}/v2/`);
      assert.equal(realmProblem(row.realm, registry) === undefined, row.allowed, JSON.stringify(row));
      checked++;
    }
    assert.match(
      realmProblem('127.0.0.1:8080', new URL('https://r.example/')) ?? '',
      /not http\(s\)|not a URL/,
    );
    checked++;
  });
});

describe('size headers', () => {
  test('resolve/content-length-parsing', () => {
    for (const [values, want] of data<[string[], number | null][]>('resolve/content-length-parsing')) {
      const header = values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
      assert.equal(parseContentLength(header) ?? null, want, JSON.stringify(values));
      checked++;
    }
  });

  test('range/content-range-parsing', () => {
    const d = data<{
      valid: [string, number, number, number][];
      invalid_values: string[];
      decimal_parser: { ok: [string, number][]; error: string[] };
    }>('range/content-range-parsing');
    for (const [value, first, last, length] of d.valid) {
      assert.deepEqual(parseContentRange(value), { first, last, length });
      checked++;
    }
    for (const value of d.invalid_values) {
      assert.equal(parseContentRange(value), undefined, value);
      checked++;
    }
    assert.equal(parseContentRange(undefined), undefined);
    assert.equal(parseContentRange([]), undefined);
    assert.equal(parseContentRange(['bytes 1-2/3', 'bytes 1-2/3']), undefined);
    checked += 3;
    for (const [s, n] of d.decimal_parser.ok) {
      assert.equal(parseDecimal(s), n);
      checked++;
    }
    for (const s of d.decimal_parser.error) {
      assert.equal(parseDecimal(s), undefined, s);
      checked++;
    }
  });

  test('range/reconnect-policy', () => {
    const d = data<{ rows: [boolean, string, string, boolean][] }>('range/reconnect-policy');
    const bytes = (s: string): number =>
      s.endsWith('MiB') ? Number.parseFloat(s) * 1048576 : Number.parseFloat(s);
    const ms = (s: string): number =>
      s.endsWith(' ms') ? Number.parseFloat(s) : Number.parseFloat(s) * 1000;
    for (const [previous, progress, since, reconnect] of d.rows) {
      assert.equal(
        shouldResume(previous, bytes(progress), ms(since)),
        reconnect,
        JSON.stringify([previous, progress, since]),
      );
      checked++;
    }
  });
});

describe('documents from the registry', () => {
  test('auth/token-response-parsing', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    for (const row of data<{ body: string; token?: string; expires_unix?: number; result?: string }[]>(
      'auth/token-response-parsing',
    )) {
      if (row.token === undefined) {
        assert.throws(() => parseTokenResponse(row.body, now), /not JSON|neither/);
      } else {
        const got = parseTokenResponse(row.body, now);
        assert.equal(got.token, row.token);
        assert.equal(got.expiresAt / 1000, row.expires_unix);
      }
      checked++;
    }
    const zero = parseTokenResponse('{"token":"t","issued_at":"0001-01-01T00:00:00Z"}', now);
    assert.equal(zero.expiresAt, now + 60_000, 'zero issued_at means now; absent expires_in means 60 s');
    assert.equal(parseTokenResponse('{"access_token":"a","refresh_token":"r"}', now).refreshToken, 'r');
    checked += 2;
  });

  test('resolve/media-type-confusion', () => {
    for (const row of data<{ fetched_as: string; document: unknown; valid: boolean }[]>(
      'resolve/media-type-confusion',
    )) {
      const got = checkManifestDocument(
        Buffer.from(JSON.stringify(row.document)),
        row.fetched_as === '' ? undefined : row.fetched_as,
      );
      assert.equal('mediaType' in got, row.valid, JSON.stringify(row));
      checked++;
    }
    assert.ok(
      'problem' in
        checkManifestDocument(Buffer.from('not json'), 'application/vnd.oci.image.manifest.v1+json'),
    );
    checked++;
  });

  test('verify/registry-values', () => {
    const d = data<{ bad_digests_derived: string[]; bad_tags_derived: string[] }>('verify/registry-values');
    for (const digest of d.bad_digests_derived) {
      assert.equal(isDigest(digest), false, digest);
      checked++;
    }
    for (const tag of d.bad_tags_derived) {
      assert.equal(isValidTag(tag), false, tag);
      checked++;
    }
    assert.ok(isValidTag('v1.2.3_rc-1') && isValidTag('latest') && isValidTag('_x'));
    checked++;
  });

  test('error bodies', () => {
    assert.deepEqual(parseErrorBody('{"errors":[{"code":"DENIED","message":"no","detail":{"a":1}}]}'), [
      { code: 'DENIED', message: 'no', detail: { a: 1 } },
    ]);
    assert.deepEqual(parseErrorBody('Internal Server Error'), []);
    assert.deepEqual(parseErrorBody('{"errors":"nope"}'), []);
    checked += 3;
  });

  test('Link headers for tag pages', () => {
    assert.equal(nextLink('</v2/a/tags/list?last=x&n=2>; rel="next"'), '/v2/a/tags/list?last=x&n=2');
    assert.equal(nextLink('<https://r/x>; rel="prev", </y>; rel=next'), '/y');
    assert.equal(nextLink(undefined), undefined);
    checked += 3;
  });
});

describe('streams and limits', () => {
  test('chunksOf re-cuts a stream into fixed-size chunks', async () => {
    const src = Readable.from([Buffer.alloc(3, 1), Buffer.alloc(10, 2), Buffer.alloc(1, 3)]);
    const sizes: number[] = [];
    const all: Buffer[] = [];
    for await (const c of chunksOf(src, 4)) {
      sizes.push(c.length);
      all.push(c);
    }
    assert.deepEqual(sizes, [4, 4, 4, 2]);
    assert.deepEqual(
      Buffer.concat(all),
      Buffer.concat([Buffer.alloc(3, 1), Buffer.alloc(10, 2), Buffer.alloc(1, 3)]),
    );
    checked += 2;
  });

  test('Limiter holds at most N and serves waiters in order', async () => {
    const lim = new Limiter(2);
    const order: number[] = [];
    let peak = 0;
    await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        lim.run(async () => {
          peak = Math.max(peak, lim.active);
          await new Promise((r) => setTimeout(r, 5));
          order.push(i);
        }),
      ),
    );
    assert.equal(peak, 2);
    assert.deepEqual(order.slice().sort(), [1, 2, 3, 4, 5]);
    assert.equal(lim.active, 0);
    checked += 3;
  });
});

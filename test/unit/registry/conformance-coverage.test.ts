/**
 * Every case of reliability/registry-client-cases.json is accounted for: tested (and where), or
 * not applicable to this client (and why). A new upstream case fails this test until it is
 * placed, so the table cannot silently fall behind the data.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conformancePath } from '../../helpers/paths.js';
import { loadRegistryCases } from './fake-registry.js';

type Where = { readonly tested: string; readonly note?: string } | { readonly notApplicable: string };

const T = (tested: string, note?: string): Where => (note === undefined ? { tested } : { tested, note });
const NA = (notApplicable: string): Where => ({ notApplicable });

const COVERAGE: Record<string, Where> = {
  'retry/containerd-408-429': T(
    'client-retry: 5 attempts then 429',
    'we wait with backoff between attempts, as the case note advises',
  ),
  'retry/containerd-5xx-last-host': T(
    'client-retry (error text), client-blobs (a mirror 5xx moves on, not retried)',
    'the last host retries up to the full budget',
  ),
  'retry/containerd-5xx-non-docker-body': T('client-retry'),
  'retry/containerd-405-head-manifest': T('client-manifests HEAD fallbacks'),
  'retry/containerd-transport-errors': T(
    'retry (is_transient table), client-retry (reset, refused, budget, cancellation)',
  ),
  'retry/ggcr-defaults': T(
    'retry, client-retry',
    'retried statuses: 408 429 500 502 503 504 (499 and 522 are not)',
  ),
  'retry/ggcr-429-surfaces': T('client-retry'),
  'retry/ggcr-error-classification': T('retry'),
  'retry/containers-image-429': T(
    'retry (Retry-After table), client-retry (timing)',
    'bodies are factories, so requests with bodies retry too',
  ),
  'retry/buildkit-handler': NA(
    'BuildKit retries whole descriptor handlers; this client retries each request (retry.ts) and restarts whole uploads (client-push)',
  ),
  'resolve/head-digest-header': T('client-manifests HEAD'),
  'resolve/5xx-no-blob-fallback': T('client-manifests error-status-propagation (no /blobs/ request)'),
  'resolve/404-blob-fallback': NA(
    'manifests are only read from /manifests/: the /blobs/ fallback is the behaviour 5xx-no-blob-fallback warns about',
  ),
  'resolve/error-status-propagation': T('client-manifests'),
  'resolve/head-403-get-for-body': T('client-manifests'),
  'resolve/manifest-size-limit': T('client-manifests', 'cap 4 MiB (configurable), by header and by body'),
  'resolve/media-type-confusion': T('policy (table), client-manifests (at fetch time)'),
  'resolve/ggcr-raw-manifest-digests': T(
    'client-manifests',
    'by tag, a well-formed disagreeing Docker-Content-Digest is an error (deliberate)',
  ),
  'resolve/ggcr-head-missing-headers': T('client-manifests (falls back to GET)'),
  'resolve/content-length-parsing': T('policy'),
  'resolve/host-fallback': T(
    'client-blobs mirrors (refused, wrong protocol, 404, 5xx)',
    'the silent-server timeout variant is not exercised',
  ),
  'resolve/proxy-ns-param': T('client-blobs mirrors'),
  'hosts/containerd-http-fallback': T('hosts (against BuildKit’s rule, differences printed)'),
  'hosts/ggcr-ping-fallback': T(
    'client-tls',
    'fallback only for insecure + plain-capable hosts, as BuildKit',
  ),
  'hosts/match-localhost': T('hosts'),
  'hosts/docker-hub-default': T('hosts'),
  'hosts/buildkit-mirror-parsing': T('hosts'),
  'hosts/canonical-address': T('hosts'),
  'auth/challenge-bearer-scopes': T('challenge'),
  'auth/challenge-empty-and-escaped': T('challenge'),
  'auth/challenge-multiple-schemes': T('challenge'),
  'auth/ping-statuses': T(
    'client-credential-scoping (GET /v2/ before a body)',
    'a failed ping is not fatal: the request itself then fails or succeeds',
  ),
  'auth/token-options-errors': T('client-auth'),
  'auth/token-flows-containerd': T(
    'client-auth',
    'credentials use GET with Basic (distribution token spec); OAuth POST only with an identity token',
  ),
  'auth/token-response-parsing': T('policy'),
  'auth/oauth-fallback-ggcr': T('client-auth'),
  'auth/anonymous-without-credentials': T('client-auth'),
  'auth/insufficient-scope': T('challenge (table), client-auth (union of scopes)'),
  'auth/bad-token-and-basic-errors': T('client-auth (a), client-credential-scoping (b, c)'),
  'auth/scopes': T('challenge, client-auth (mount scope)'),
  'credential-scoping/redirect-other-host': T('client-credential-scoping'),
  'credential-scoping/redirect-same-host': T('client-credential-scoping'),
  'credential-scoping/cross-host-challenge': T(
    'client-credential-scoping',
    'fails without a token exchange on the other host',
  ),
  'credential-scoping/same-host-rechallenge': T('client-auth'),
  'credential-scoping/upload-location-other-host': T('client-credential-scoping'),
  'credential-scoping/foreign-layer-urls': NA('the client never fetches descriptor urls (foreign layers)'),
  'credential-scoping/redirect-ssrf': T('policy, client-credential-scoping'),
  'credential-scoping/realm-validation': T('policy'),
  'credential-scoping/realm-same-host': T('policy'),
  'credential-scoping/realm-redirect': T('client-auth', 'token requests never follow redirects'),
  'credential-scoping/mirror-credentials': T('client-blobs'),
  'credential-scoping/redaction': T('policy'),
  'push/existence-check': T(
    'client-push',
    'manifest existence by tag is the caller’s comparison of headManifest().digest',
  ),
  'push/location-forms': T('policy', 'scheme-less host/path Locations are not accepted'),
  'push/location-ssrf': T('policy'),
  'push/upload-protocol': T('client-push (monolithic and chunked)'),
  'push/commit-checks': T('client-push'),
  'push/mount': T('client-push, client-auth'),
  'push/reset-and-retry': T('client-push'),
  'push/manifest-path': T('client-push'),
  'range/offset-fetch': T('client-blobs'),
  'range/content-encoding': T('client-blobs', 'zstd cannot be decoded by Node 20 and is a clear error'),
  'range/content-range-parsing': T('policy'),
  'range/reconnect-policy': T('policy, client-blobs'),
  'range/multi-range': NA('the client never requests several ranges at once'),
  'verify/stream-verification': T('client-blobs'),
  'verify/fetch-by-digest': T('client-blobs'),
  'verify/registry-values': T('policy, client-push (tag list)'),
};

test('every registry client case is placed', () => {
  const cases = loadRegistryCases(conformancePath('reliability', 'registry-client-cases.json'));
  const missing = [...cases.keys()].filter((id) => !(id in COVERAGE));
  const stale = Object.keys(COVERAGE).filter((id) => !cases.has(id));
  assert.deepEqual(missing, [], 'cases without a place in COVERAGE');
  assert.deepEqual(stale, [], 'COVERAGE entries for cases that no longer exist');
  const tested = Object.values(COVERAGE).filter((w) => 'tested' in w).length;
  const na = Object.entries(COVERAGE).filter(([, w]) => 'notApplicable' in w);
  console.log(`registry-client-cases: ${cases.size} cases, ${tested} tested, ${na.length} not applicable`);
  for (const [id, w] of na) console.log(`  n/a ${id}: ${(w as { notApplicable: string }).notApplicable}`);
});

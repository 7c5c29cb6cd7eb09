/**
 * Schemes and TLS through `RegistryClient`: https→http fallback for insecure plain-capable
 * hosts, the HTTP-only and HTTPS-only diagnoses, untrusted certificates, extra CAs, insecure,
 * and client key pairs. Certificates are made with the openssl CLI for each run.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RegistryError } from '../../../src/registry/index.js';
import { type FakeRegistry, makeClient, seedManifest, startFakeRegistry } from './fake-registry.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { digest: 'x', size: 1 },
  layers: [],
});
let checked = 0;
after(() => console.log(`tls behaviours checked: ${checked}`));

const dir = mkdtempSync(path.join(tmpdir(), 'registry-tls-'));
const f = (name: string): string => path.join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
function makeCerts(): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=unit test CA',
    '-addext',
    'basicConstraints=critical,CA:true',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'],
    ['client', 'extendedKeyUsage=clientAuth\n'],
  ] as const) {
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.csr`),
      '-subj',
      `/CN=${name}`,
    );
    writeFileSync(f(`${name}.ext`), ext);
    openssl(
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      f(`${name}.pem`),
      '-days',
      '2',
      '-extfile',
      f(`${name}.ext`),
    );
  }
}

let plain: FakeRegistry;
let secure: FakeRegistry;
let mutual: FakeRegistry;
before(async () => {
  makeCerts();
  const key = readFileSync(f('server.key'), 'utf8');
  const cert = readFileSync(f('server.pem'), 'utf8');
  plain = await startFakeRegistry();
  secure = await startFakeRegistry({ tls: { key, cert } });
  mutual = await startFakeRegistry({ tls: { key, cert, clientCa: readFileSync(f('ca.pem'), 'utf8') } });
  for (const r of [plain, secure, mutual]) seedManifest(r, 'app', 'v1', manifest, OCI_MANIFEST);
});
after(async () => {
  await Promise.all([plain.close(), secure.close(), mutual.close()]);
});

const ref = (r: FakeRegistry) => ({ registry: r.host, repository: 'app', tag: 'v1' });

describe('plain HTTP servers', () => {
  test('hosts/ggcr-ping-fallback: insecure + loopback tries HTTPS, then stays on HTTP', async () => {
    const { client, agent } = makeClient(`[registry."${plain.host}"]\ninsecure = true\n`);
    await client.getManifest(ref(plain));
    await client.getManifest(ref(plain));
    assert.equal(
      plain.requests.filter((r) => r.url.includes('/app/manifests/v1')).length,
      2,
      'both over HTTP',
    );
    await agent.close();
    checked++;
  });

  test('https without fallback against a plain server: E_REGISTRY_HTTP_ONLY, one attempt', async () => {
    const { client, agent } = makeClient(`[registry."${plain.host}"]\nhttp = false\n`);
    await assert.rejects(client.getManifest(ref(plain)), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.equal(e.code, 'E_REGISTRY_HTTP_ONLY');
      assert.match(e.message, /answered plain HTTP to an HTTPS request/);
      assert.match(e.hint ?? '', /http = false for \[registry\."127\.0\.0\.1:\d+"\]; remove it/);
      return true;
    });
    await agent.close();
    checked++;
  });
});

describe('HTTPS servers', () => {
  test('an unverified certificate names the ca option', async () => {
    const { client, agent } = makeClient(`[registry."${secure.host}"]\nhttp = false\n`);
    await assert.rejects(client.getManifest(ref(secure)), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.equal(e.code, 'E_REGISTRY_TLS_UNTRUSTED');
      assert.match(e.message, /is not trusted .*no ca files are configured/);
      assert.match(e.hint ?? '', /ca = \["\/path\/to\/ca\.pem"\]/);
      assert.match(e.hint ?? '', /\/test\/buildkitd\.toml/);
      assert.match(e.hint ?? '', /insecure = true/);
      return true;
    });
    await agent.close();
    checked++;
  });

  test('ca = [...] trusts the CA in addition to the system roots; insecure skips verification', async () => {
    for (const table of [`http = false\nca = ["${f('ca.pem')}"]`, 'insecure = true']) {
      const { client, agent } = makeClient(`[registry."${secure.host}"]\n${table}\n`);
      const got = await client.getManifest(ref(secure));
      assert.equal(got.bytes.toString(), manifest);
      await agent.close();
      checked++;
    }
  });

  test('a missing ca file is a configuration error naming it', async () => {
    const { client, agent } = makeClient(
      `[registry."${secure.host}"]\nhttp = false\nca = ["/nonexistent/ca.pem"]\n`,
    );
    await assert.rejects(client.getManifest(ref(secure)), /cannot read ca file "\/nonexistent\/ca\.pem"/);
    await agent.close();
    checked++;
  });

  test('plain HTTP to an HTTPS-only server is diagnosed', async () => {
    // Loopback with no `http` key means plain HTTP (BuildKit's rule).
    const { client, agent } = makeClient('', { retry: { maxAttempts: 1 } });
    await assert.rejects(client.getManifest(ref(secure)), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.match(`${e.message} ${e.hint}`, /only speaks HTTPS|speaks only HTTPS/);
      assert.match(e.hint ?? '', /http = false/);
      return true;
    });
    await agent.close();
    checked++;
  });

  test('keypair presents a client certificate', async () => {
    const ca = `ca = ["${f('ca.pem')}"]`;
    const without = makeClient(`[registry."${mutual.host}"]\nhttp = false\n${ca}\n`, {
      retry: { maxAttempts: 1 },
    });
    await assert.rejects(without.client.getManifest(ref(mutual)), RegistryError);
    await without.agent.close();
    const withPair = makeClient(
      `[registry."${mutual.host}"]\nhttp = false\n${ca}\n[[registry."${mutual.host}".keypair]]\nkey = "${f('client.key')}"\ncert = "${f('client.pem')}"\n`,
    );
    assert.equal((await withPair.client.getManifest(ref(mutual))).bytes.toString(), manifest);
    await withPair.agent.close();
    checked += 2;
  });
});

/**
 * The TLS registry with htpasswd basic auth: credentials from a temporary DOCKER_CONFIG
 * (config.json `auths`, then a credential helper), the CA from a buildkitd.toml `ca` entry;
 * and the errors a user meets when one piece is missing.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { sha256Digest } from '../../../src/oci/index.js';
import {
  createRegistryAgent,
  dockerConfigCredentials,
  type HostsConfig,
  loadHostsConfig,
  RegistryClient,
  RegistryError,
} from '../../../src/registry/index.js';
import { loadWorld, uniqueRepo } from './world.js';

const world = await loadWorld();
if (world.skip !== undefined) console.log(`SKIP registry TLS integration: ${world.skip}`);
let checked = 0;
after(() => console.log(`TLS/auth integration checks passed: ${checked}`));

const dir = mkdtempSync(path.join(tmpdir(), 'manifold-it-auth-'));

async function hostsFrom(toml: string, name: string): Promise<HostsConfig> {
  const file = path.join(dir, `${name}.toml`);
  writeFileSync(file, toml);
  return loadHostsConfig(file);
}

function dockerConfig(name: string, doc: unknown): NodeJS.ProcessEnv {
  const d = path.join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, 'config.json'), JSON.stringify(doc));
  return { DOCKER_CONFIG: d, PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin` };
}

async function drain(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('TLS registry with basic auth', { skip: world.skip }, () => {
  const table = (): string =>
    `[registry."${world.tlsRegistry}"]\n  http = false\n  ca = ["${world.tlsCa}"]\n`;
  const auth = (): string => Buffer.from(`${world.tlsUser}:${world.tlsPass}`).toString('base64');

  test('config.json auths + ca from buildkitd.toml: push and pull round trip', async () => {
    const hosts = await hostsFrom(table(), 'good');
    const env = dockerConfig('auths', { auths: { [world.tlsRegistry]: { auth: auth() } } });
    const agent = createRegistryAgent(hosts);
    const c = new RegistryClient({ dispatcher: agent, hosts, credentials: dockerConfigCredentials({ env }) });
    const repo = { registry: world.tlsRegistry, repository: uniqueRepo('tls') };
    const data = randomBytes(1_500_000);
    const digest = sha256Digest(data);
    assert.equal(
      (await c.pushBlob(repo, digest, data.length, () => Readable.from([data]))).status,
      'uploaded',
    );
    assert.ok((await drain(await c.fetchBlob(repo, digest))).equals(data));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: data.length },
        layers: [],
      }),
    );
    await c.putManifest(repo, 'v1', manifest, 'application/vnd.oci.image.manifest.v1+json');
    assert.ok((await c.getManifest({ ...repo, tag: 'v1' })).bytes.equals(manifest));
    await agent.close();
    checked += 3;
  });

  test('a docker-credential helper named in credHelpers', async () => {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      path.join(bin, 'docker-credential-manifoldtest'),
      `#!/bin/sh\nread -r server\n[ "$server" = "${world.tlsRegistry}" ] || { echo "credentials not found in native keychain"; exit 1; }\nprintf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "$server" '${world.tlsUser}' '${world.tlsPass}'\n`,
    );
    chmodSync(path.join(bin, 'docker-credential-manifoldtest'), 0o755);
    const hosts = await hostsFrom(table(), 'helper');
    const env = dockerConfig('helper', { credHelpers: { [world.tlsRegistry]: 'manifoldtest' } });
    const agent = createRegistryAgent(hosts);
    const c = new RegistryClient({ dispatcher: agent, hosts, credentials: dockerConfigCredentials({ env }) });
    const repo = { registry: world.tlsRegistry, repository: uniqueRepo('helper') };
    const data = randomBytes(1000);
    assert.equal(
      (await c.pushBlob(repo, sha256Digest(data), data.length, () => Readable.from([data]))).status,
      'uploaded',
    );
    await agent.close();
    checked++;
  });

  test('missing pieces give errors that say what to do', async () => {
    const repo = { registry: world.tlsRegistry, repository: uniqueRepo('errors') };
    const digest = sha256Digest('x');
    const good = dockerConfigCredentials({
      env: dockerConfig('auths2', { auths: { [world.tlsRegistry]: { auth: auth() } } }),
    });
    const attempt = async (toml: string, credentials = good): Promise<RegistryError> => {
      const hosts = await hostsFrom(toml, `case-${checked}`);
      const agent = createRegistryAgent(hosts);
      const c = new RegistryClient({ dispatcher: agent, hosts, credentials, retry: { maxAttempts: 1 } });
      try {
        await c.blobExists(repo, digest);
        assert.fail('expected an error');
      } catch (e) {
        assert.ok(e instanceof RegistryError, String(e));
        return e;
      } finally {
        await agent.close();
      }
    };
    // No http = false: loopback means plain HTTP (BuildKit's rule), and this one speaks only HTTPS.
    const plain = await attempt(`[registry."${world.tlsRegistry}"]\n  ca = ["${world.tlsCa}"]\n`);
    assert.equal(plain.code, 'E_REGISTRY_HTTPS_ONLY');
    assert.match(plain.hint ?? '', /set http = false under \[registry\."127\.0\.0\.1:\d+"\]/);
    // No CA: the certificate is not trusted; the hint shows the ca option.
    const untrusted = await attempt(`[registry."${world.tlsRegistry}"]\n  http = false\n`);
    assert.equal(untrusted.code, 'E_REGISTRY_TLS_UNTRUSTED');
    assert.match(untrusted.hint ?? '', /ca = \["\/path\/to\/ca\.pem"\]/);
    // No credentials: unauthorized, naming where they were looked for.
    const none = await attempt(
      table(),
      dockerConfigCredentials({ env: { DOCKER_CONFIG: path.join(dir, 'empty') } }),
    );
    assert.equal(none.code, 'E_REGISTRY_UNAUTHORIZED');
    assert.match(
      none.message,
      new RegExp(`with no credentials \\(none for ${world.tlsRegistry} in .*empty/config\\.json\\)`),
    );
    // Wrong password: unauthorized, naming the credentials tried.
    const wrong = dockerConfigCredentials({
      env: dockerConfig('wrong', {
        auths: { [world.tlsRegistry]: { auth: Buffer.from(`${world.tlsUser}:nope`).toString('base64') } },
      }),
    });
    const refused = await attempt(table(), wrong);
    assert.equal(refused.code, 'E_REGISTRY_UNAUTHORIZED');
    assert.match(
      refused.message,
      new RegExp(
        `with credentials for ${world.tlsRegistry} from .*wrong/config\\.json \\(it rejected them\\)`,
      ),
    );
    checked += 8;
  });
});

/** Docker credentials: config.json auths, credsStore and credHelpers with a real helper script. */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { runCredentialHelper } from '../../../src/registry/credential-helper.js';
import {
  CredentialsError,
  credentialServerKey,
  DOCKER_HUB_SERVER,
  dockerConfigCredentials,
  dockerConfigPath,
} from '../../../src/registry/index.js';

const root = mkdtempSync(path.join(tmpdir(), 'creds-'));
const bin = path.join(root, 'bin');
mkdirSync(bin);
const log = path.join(root, 'helper.log');
let checked = 0;
after(() => console.log(`credential cases checked: ${checked}`));

// A real docker-credential helper speaking the protocol: server URL on stdin, JSON on stdout.
writeFileSync(
  path.join(bin, 'docker-credential-test'),
  `#!/bin/sh
[ "$1" = get ] || { echo "unsupported $1" >&2; exit 2; }
read -r server
echo "$server" >> "${log}"
case "$server" in
  registry.example:5000) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-pass"}' "$server" ;;
  token.example) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-123"}' "$server" ;;
  ${DOCKER_HUB_SERVER}) printf '{"ServerURL":"%s","Username":"hubuser","Secret":"hubpass"}' "$server" ;;
  broken.example) echo "not json" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`,
);
chmodSync(path.join(bin, 'docker-credential-test'), 0o755);
const env = (dir: string): NodeJS.ProcessEnv => ({ DOCKER_CONFIG: dir, PATH: `${bin}:/usr/bin:/bin` });

function configDir(name: string, doc: unknown): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), typeof doc === 'string' ? doc : JSON.stringify(doc));
  return dir;
}

describe('config.json auths', () => {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const dir = configDir('auths', {
    auths: {
      'registry.example:5000': { auth: b64('alice:pa:ss') },
      'https://other.example/v1/': { username: 'bob', password: 'pw' },
      [DOCKER_HUB_SERVER]: { auth: b64('hub:secret') },
      'oauth.example': { identitytoken: 'idtok' },
      'empty.example': {},
    },
  });
  const src = dockerConfigCredentials({ env: env(dir) });
  const file = path.join(dir, 'config.json');
  const table: [string, Record<string, string> | undefined][] = [
    ['registry.example:5000', { username: 'alice', password: 'pa:ss' }],
    ['REGISTRY.example:5000', { username: 'alice', password: 'pa:ss' }],
    ['other.example', { username: 'bob', password: 'pw' }],
    ['docker.io', { username: 'hub', password: 'secret' }],
    ['index.docker.io', { username: 'hub', password: 'secret' }],
    ['registry-1.docker.io', { username: 'hub', password: 'secret' }],
    ['oauth.example', { identityToken: 'idtok' }],
    ['empty.example', undefined],
    ['unknown.example', undefined],
  ];
  for (const [registry, want] of table) {
    test(registry, async () => {
      const got = await src.get(registry);
      if (want === undefined) assert.equal(got, undefined);
      else {
        const { source, ...rest } = got ?? { source: '' };
        assert.deepEqual(rest, want);
        assert.match(source, new RegExp(`from ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      }
      checked++;
    });
  }

  test('default location and DOCKER_CONFIG', () => {
    assert.equal(dockerConfigPath({}, '/home/u'), '/home/u/.docker/config.json');
    assert.equal(dockerConfigPath({ DOCKER_CONFIG: '/x' }, '/home/u'), '/x/config.json');
    assert.equal(credentialServerKey('docker.io'), DOCKER_HUB_SERVER);
    assert.equal(credentialServerKey('127.0.0.1:5000'), '127.0.0.1:5000');
    checked += 4;
  });

  test('a missing config.json means no credentials; a broken one is an error naming it', async () => {
    assert.equal(
      await dockerConfigCredentials({ env: env(path.join(root, 'none')) }).get('x.example'),
      undefined,
    );
    const broken = configDir('broken', '{ "auths": ');
    await assert.rejects(dockerConfigCredentials({ env: env(broken) }).get('x.example'), (err: unknown) => {
      assert.ok(err instanceof CredentialsError);
      assert.match(err.message, /config\.json is not valid JSON/);
      return true;
    });
    const badAuth = configDir('badauth', {
      auths: { 'x.example': { auth: Buffer.from('nocolon').toString('base64') } },
    });
    await assert.rejects(
      dockerConfigCredentials({ env: env(badAuth) }).get('x.example'),
      /not base64 of user:password/,
    );
    checked += 3;
  });

  test('home directory is injectable', async () => {
    const home = path.join(root, 'home');
    configDir('home/.docker', { auths: { 'h.example': { username: 'u', password: 'p' } } });
    const got = await dockerConfigCredentials({ env: {}, homeDir: home }).get('h.example');
    assert.equal(got?.username, 'u');
    checked++;
  });
});

describe('credential helpers', () => {
  const dir = configDir('helpers', {
    auths: { 'registry.example:5000': { auth: Buffer.from('file:ignored').toString('base64') } },
    credHelpers: {
      'registry.example:5000': 'test',
      'token.example': 'test',
      'broken.example': 'test',
      'missing.example': 'nope',
    },
  });
  const src = dockerConfigCredentials({ env: env(dir) });

  test('credHelpers runs docker-credential-<name> get with the server on stdin', async () => {
    const got = await src.get('registry.example:5000');
    assert.equal(got?.username, 'helper-user');
    assert.equal(got?.password, 'helper-pass');
    assert.match(got?.source ?? '', /docker-credential-test/);
    checked++;
  });

  test('a <token> user means an identity token', async () => {
    const got = await src.get('token.example');
    assert.deepEqual([got?.identityToken, got?.username], ['refresh-123', undefined]);
    checked++;
  });

  test('results are cached per source', async () => {
    await src.get('registry.example:5000');
    await src.get('registry.example:5000');
    const { readFileSync } = await import('node:fs');
    const calls = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l === 'registry.example:5000');
    assert.equal(calls.length, 1);
    checked++;
  });

  test('helper errors are CredentialsErrors; "not found" is no credentials', async () => {
    await assert.rejects(src.get('broken.example'), /output is not JSON/);
    await assert.rejects(src.get('missing.example'), /docker-credential-nope not found on PATH/);
    assert.equal(await runCredentialHelper('test', 'unknown.example', { env: env(dir) }), undefined);
    await assert.rejects(
      runCredentialHelper('../evil', 'x', { env: env(dir) }),
      /invalid credential helper name/,
    );
    checked += 4;
  });

  test('credsStore applies to every registry without a credHelpers entry', async () => {
    const store = configDir('store', { credsStore: 'test', auths: { [DOCKER_HUB_SERVER]: {} } });
    const s = dockerConfigCredentials({ env: env(store) });
    const hub = await s.get('docker.io');
    assert.deepEqual([hub?.username, hub?.password], ['hubuser', 'hubpass']);
    assert.equal(await s.get('elsewhere.example'), undefined);
    checked += 2;
  });
});

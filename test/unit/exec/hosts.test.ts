/**
 * /etc/hosts and /etc/resolv.conf generation (BuildKit's rules; the expected texts follow its
 * resolvconf tests: loopback nameservers dropped, Google's defaults when none is left).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  hostsFileContent,
  type NetworkMode,
  readHostResolvConf,
  resolvConfContent,
  writeNetworkFiles,
} from '../../../src/worker/exec/index.js';

const tmp = mkdtempSync('/tmp/manifold-hosts-test-');
after(() => rmSync(tmp, { recursive: true, force: true }));

const DEFAULTS =
  'nameserver 8.8.8.8\nnameserver 8.8.4.4\nnameserver 2001:4860:4860::8888\nnameserver 2001:4860:4860::8844\n';

test('/etc/hosts: BuildKit’s two lines, another hostname, extra hosts', () => {
  assert.equal(
    hostsFileContent(),
    '127.0.0.1\tlocalhost buildkitsandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n',
  );
  assert.equal(
    hostsFileContent('myhost', [
      { host: 'registry.local', ip: '10.0.0.5' },
      { host: 'v6.local', ip: 'fd00::5' },
    ]),
    '127.0.0.1\tlocalhost myhost\n::1\tlocalhost ip6-localhost ip6-loopback\n10.0.0.5\tregistry.local\nfd00::5\tv6.local\n',
  );
});

type Row = [name: string, input: string, network: NetworkMode, expected: string];

const ROWS: Row[] = [
  ['routable IPv4 kept', 'nameserver 10.0.0.1\n', 'default', 'nameserver 10.0.0.1\n'],
  ['systemd stub replaced', 'nameserver 127.0.0.53\n', 'default', DEFAULTS],
  ['loopback v4 and v6 replaced', 'nameserver 127.0.0.53\nnameserver ::1\n', 'none', DEFAULTS],
  [
    'loopback dropped, routable v6 kept',
    'nameserver 127.0.0.53\nnameserver fd3e:2d1a:1f5a::1\n',
    'default',
    'nameserver fd3e:2d1a:1f5a::1\n',
  ],
  ['empty host file', '', 'default', DEFAULTS],
  ['empty host file, host network', '', 'host', DEFAULTS],
  ['host network keeps loopback', 'nameserver 127.0.0.53\n', 'host', 'nameserver 127.0.0.53\n'],
  [
    'comments dropped, search/options/other kept',
    '# generated\n; also a comment\nnameserver 1.1.1.1\nsearch a.example b.example\nsearch c.example\noptions ndots:2\noptions edns0 rotate\nsortlist 10.0.0.0/8\n',
    'default',
    'nameserver 1.1.1.1\nsearch c.example\noptions ndots:2 edns0 rotate\nsortlist 10.0.0.0/8\n',
  ],
  [
    'domain is search',
    'domain corp.example\nnameserver 9.9.9.9\n',
    'default',
    'nameserver 9.9.9.9\nsearch corp.example\n',
  ],
  ['invalid addresses dropped', 'nameserver not-an-ip\nnameserver 300.1.1.1\n', 'default', DEFAULTS],
  ['IPv6 canonical form', 'nameserver 2001:DB8:0:0:0:0:0:1\r\n', 'default', 'nameserver 2001:db8::1\n'],
  [
    'mapped loopback dropped',
    'nameserver ::ffff:127.0.0.1\nnameserver ::ffff:10.1.2.3\n',
    'default',
    'nameserver ::ffff:10.1.2.3\n',
  ],
  ['zone kept', 'nameserver fe80::1%eth0\n', 'default', 'nameserver fe80::1%eth0\n'],
];

test('resolv.conf table', (t) => {
  for (const [name, input, network, expected] of ROWS) {
    assert.equal(resolvConfContent(input, network), expected, name);
  }
  t.diagnostic(`${ROWS.length} resolv.conf cases`);
});

test('the host file: /etc/resolv.conf, or systemd-resolved’s upstream list behind the stub', async () => {
  const stub = path.join(tmp, 'stub.conf');
  const upstream = path.join(tmp, 'upstream.conf');
  writeFileSync(stub, '# stub\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n');
  writeFileSync(upstream, 'nameserver 192.168.1.1\nsearch lan\n');
  const sources = { resolvConf: stub, systemdResolvConf: upstream };
  assert.equal(await readHostResolvConf('default', sources), readFileSync(upstream, 'utf8'));
  assert.equal(await readHostResolvConf('none', sources), readFileSync(upstream, 'utf8'));
  assert.equal(await readHostResolvConf('host', sources), readFileSync(stub, 'utf8'));
  assert.equal(await readHostResolvConf('default', { resolvConf: path.join(tmp, 'missing') }), '');
  assert.equal(
    await readHostResolvConf('default', { resolvConf: stub, systemdResolvConf: path.join(tmp, 'missing') }),
    '',
  );

  const dir = mkdtempSync(path.join(tmp, 'run-'));
  const files = await writeNetworkFiles(dir, { network: 'host', sources });
  assert.equal(
    readFileSync(files.resolvConf, 'utf8'),
    'nameserver 127.0.0.53\nsearch lan\noptions edns0 trust-ad\n',
  );
  assert.equal(readFileSync(files.hosts, 'utf8'), hostsFileContent());
  assert.equal(statSync(files.hosts).mode & 0o777, 0o644);
  const dflt = await writeNetworkFiles(dir, { network: 'default', sources });
  assert.equal(readFileSync(dflt.resolvConf, 'utf8'), 'nameserver 192.168.1.1\nsearch lan\n');
});

/**
 * Builder configuration in buildkitd.toml's format: registry tables, [worker.oci] platforms,
 * max-parallelism and gc limits; ignored sections listed once; syntax errors and bad values with
 * file and line; the copy a builder keeps (with files named by relative path); and the units.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  BuilderConfigError,
  copyBuilderConfig,
  formatAgo,
  formatSize,
  humanDuration,
  loadBuilderConfig,
  parseBuilderConfig,
  parseDuration,
  parseSize,
} from '../../../src/builder/instances/index.js';
import { formatPlatform } from '../../../src/platform/index.js';

let checks = 0;
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  console.log(`config: ${checks} checks`);
});
const tmp = async () => {
  const d = await mkdtemp(path.join(os.tmpdir(), 'manifold-config-'));
  dirs.push(d);
  return d;
};

const FULL = `debug = true
root = "/var/lib/buildkit"
insecure-entitlements = ["network.host"]

[grpc]
  address = ["tcp://0.0.0.0:1234"]

[worker.oci]
  enabled = true
  platforms = ["linux/amd64", "linux/arm64", "linux/armhf"]
  snapshotter = "auto"
  rootless = false
  max-parallelism = 4
  gc = true
  gckeepstorage = 9000000000

  [[worker.oci.gcpolicy]]
    keepBytes = 512000000
    keepDuration = 172800
    filters = ["type==source.local", "type==exec.cachemount"]
  [[worker.oci.gcpolicy]]
    all = true
    keepBytes = "5GB"
    keepDuration = "72h"

[worker.containerd]
  address = "/run/containerd/containerd.sock"
  enabled = false

[registry."docker.io"]
  mirrors = ["127.0.0.1:5000", "mirror.gcr.io"]

[registry."127.0.0.1:5000"]
  http = true
  insecure = true
`;

describe('parseBuilderConfig', () => {
  it("reads BuildKit's documented example fields", () => {
    const c = parseBuilderConfig(FULL, '/etc/buildkit/buildkitd.toml');
    assert.deepEqual(c.platforms.map(formatPlatform), ['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
    assert.equal(c.maxParallelism, 4);
    assert.equal(c.gc.enabled, true);
    assert.equal(
      c.gc.keepBytes,
      5 * 1024 ** 3,
      'the smallest size of gckeepstorage and the unfiltered rules',
    );
    assert.equal(c.gc.keepDuration, 72 * 3600 * 1000, 'rules with filters are not applied');
    assert.deepEqual([...c.hosts.registries.keys()], ['docker.io', '127.0.0.1:5000']);
    assert.deepEqual(c.hosts.registries.get('docker.io')?.mirrors, ['127.0.0.1:5000', 'mirror.gcr.io']);
    assert.deepEqual(c.ignored, [
      'debug',
      'root',
      'insecure-entitlements',
      'grpc',
      'worker.containerd',
      'worker.oci.snapshotter',
      'worker.oci.rootless',
      'worker.oci.gcpolicy.filters',
    ]);
    checks += 8;
  });

  it('an empty file and a missing file are empty configurations', async () => {
    const c = parseBuilderConfig('', 'x.toml');
    assert.deepEqual(
      [c.platforms, c.maxParallelism, c.gc, c.ignored],
      [[], undefined, { enabled: true, keepBytes: undefined, keepDuration: undefined }, []],
    );
    const missing = await loadBuilderConfig('/nonexistent/buildkitd.toml', { missingOk: true });
    assert.equal(missing.file, undefined);
    await assert.rejects(loadBuilderConfig('/nonexistent/buildkitd.toml'), BuilderConfigError);
    checks += 3;
  });

  const errors: [string, string, string][] = [
    [
      '[registry."docker.io"]\nmirrors = ["a"\n\n[worker.oci]\n',
      'TOML syntax error',
      '/c/buildkitd.toml:4:1: TOML syntax error: expected comma or end of structure',
    ],
    ['# comment\nkey = \n', 'TOML syntax error', '/c/buildkitd.toml:2:7: TOML syntax error: invalid value'],
    [
      '[worker.oci]\n  platforms = ["linux/amd64", "linux/bogus"]\n',
      'platform',
      '/c/buildkitd.toml:2: platforms: ',
    ],
    [
      '[worker.oci]\nplatforms = "linux/amd64"\n',
      'platforms',
      '/c/buildkitd.toml:2: platforms must be an array',
    ],
    [
      '[worker.oci]\n\nmax-parallelism = 0\n',
      'max-parallelism',
      '/c/buildkitd.toml:3: max-parallelism must be a whole number above 0, got 0',
    ],
    ['[worker.oci]\ngc = "yes"\n', 'gc', '/c/buildkitd.toml:2: gc must be true or false, got "yes"'],
    [
      '[worker.oci]\ngckeepstorage = "lots"\n',
      'gckeepstorage',
      '/c/buildkitd.toml:2: gckeepstorage must be bytes or a size such as "10GB", got "lots"',
    ],
    [
      '[worker.oci]\n[[worker.oci.gcpolicy]]\nkeepDuration = "2 days"\n',
      'keepDuration',
      '/c/buildkitd.toml:3: gcpolicy[0] keepDuration must be seconds or a duration such as "48h", got "2 days"',
    ],
  ];
  for (const [text, what, prefix] of errors) {
    it(`names the file and line of a bad ${what}`, () => {
      assert.throws(
        () => parseBuilderConfig(text, '/c/buildkitd.toml'),
        (e: unknown) =>
          e instanceof BuilderConfigError && e.code === 'E_BUILDER_CONFIG' && e.message.startsWith(prefix),
      );
      checks++;
    });
  }

  it('registry table errors come from the registry module with the file', () => {
    assert.throws(
      () => parseBuilderConfig('[registry."docker.io"]\nmirror = ["x"]\n', '/c/b.toml'),
      /\/c\/b\.toml: .*unknown key "mirror"/,
    );
    checks++;
  });
});

describe('copyBuilderConfig', () => {
  it('copies the file and the files it names by relative path; later edits of the original do not matter', async () => {
    const src = await tmp();
    await mkdir(path.join(src, 'certs'));
    await writeFile(path.join(src, 'certs', 'ca.pem'), 'CA');
    await writeFile(path.join(src, 'client.key'), 'KEY');
    const file = path.join(src, 'my.toml');
    await writeFile(
      file,
      '[registry."r.example:5000"]\n  ca = ["certs/ca.pem", "/etc/ssl/abs.pem"]\n  [[registry."r.example:5000".keypair]]\n    key = "client.key"\n    cert = "/abs/cert.pem"\n',
    );
    const dest = path.join(await tmp(), 'b1');
    const c = await copyBuilderConfig(file, dest);
    assert.equal(await readFile(path.join(dest, 'certs', 'ca.pem'), 'utf8'), 'CA');
    assert.equal(await readFile(path.join(dest, 'client.key'), 'utf8'), 'KEY');
    assert.deepEqual(c.hosts.registries.get('r.example:5000')?.ca, [
      path.join(dest, 'certs', 'ca.pem'),
      '/etc/ssl/abs.pem',
    ]);
    await writeFile(file, 'broken = [');
    assert.equal((await loadBuilderConfig(path.join(dest, 'buildkitd.toml'))).hosts.registries.size, 1);
    checks += 4;
  });

  it('refuses a relative path outside the directory, and a broken file, before writing', async () => {
    const src = await tmp();
    const file = path.join(src, 'b.toml');
    await writeFile(file, '[registry."x"]\n  ca = ["../ca.pem"]\n');
    const dest = path.join(await tmp(), 'b2');
    await assert.rejects(copyBuilderConfig(file, dest), /outside the configuration's directory/);
    await writeFile(file, '[worker.oci\n');
    await assert.rejects(
      copyBuilderConfig(file, dest),
      (e: unknown) => e instanceof BuilderConfigError && /b\.toml:1:\d+: TOML syntax error/.test(e.message),
    );
    await assert.rejects(readFile(path.join(dest, 'buildkitd.toml')));
    checks += 3;
  });
});

describe('units', () => {
  const sizes: [number, string][] = [
    [0, '0B'],
    [999, '999B'],
    [8224, '8.224kB'],
    [318_000_000, '318MB'],
    [811_700_000, '811.7MB'],
    [1_704_000_000, '1.704GB'],
    [10_250_000_000, '10.25GB'],
  ];
  for (const [n, text] of sizes) {
    it(`formatSize(${n}) = ${text}`, () => {
      assert.equal(formatSize(n), text);
      checks++;
    });
  }
  it('parses sizes (1024-based) and Go durations', () => {
    assert.equal(parseSize('512'), 512);
    assert.equal(parseSize('10GB'), 10 * 1024 ** 3);
    assert.equal(parseSize('1.5g'), 1.5 * 1024 ** 3);
    assert.equal(parseSize('64MiB'), 64 * 1024 ** 2);
    assert.equal(parseSize('lots'), undefined);
    assert.equal(parseDuration('24h'), 86_400_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('0'), 0);
    assert.equal(parseDuration('2 days'), undefined);
    checks += 10;
  });
  const durations: [number, string][] = [
    [500, 'Less than a second'],
    [1000, '1 second'],
    [45_000, '45 seconds'],
    [60_000, 'About a minute'],
    [36 * 60_000, '36 minutes'],
    [3_600_000, 'About an hour'],
    [43 * 3_600_000, '43 hours'],
    [13 * 86_400_000, '13 days'],
    [15 * 86_400_000, '2 weeks'],
    [90 * 86_400_000, '3 months'],
    [800 * 86_400_000, '2 years'],
  ];
  for (const [ms, text] of durations) {
    it(`humanDuration(${ms}) = ${text}`, () => {
      assert.equal(humanDuration(ms), text);
      checks++;
    });
  }
  it('formatAgo appends "ago"', () => {
    assert.equal(formatAgo(new Date(0), new Date(2 * 86_400_000)), '2 days ago');
    checks++;
  });
});

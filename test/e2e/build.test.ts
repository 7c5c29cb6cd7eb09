// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile text uses ${VAR} literally.
/**
 * Issue 5's bars, end to end: the compiled CLI builds for three platforms under real runc and
 * qemu, pushes to the real registry, and independent clients (skopeo, umoci, docker) read it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { freshHome, makeContext, manifold, publishBaseImages, runCommand, testRegistry } from './helpers.js';
import { startRecordingProxy } from './recording-proxy.js';

const registry = testRegistry();
const skip = registry ? false : 'the test registry is not running (bash scripts/testworld/registry.sh start)';
const PLATFORMS = 'linux/arm,linux/arm64,linux/amd64';
const HELLO = 'FROM --platform=$TARGETPLATFORM alpine\nRUN uname -a > /os.txt\nCMD cat /os.txt\n';
const MACHINE: Readonly<Record<string, string>> = {
  'linux/arm/v7': 'armv7l',
  'linux/arm64': 'aarch64',
  'linux/amd64': 'x86_64',
};

describe('multi-platform builds', { skip }, () => {
  const reg = registry ?? '';
  before(async () => {
    await publishBaseImages(reg);
  });

  it('builds the brief, pushes one name with three platforms, and runs each', async () => {
    const home = await freshHome(reg);
    const ctx = await makeContext({ Dockerfile: HELLO });
    const ref = `${reg}/e2e/hello:brief`;
    const built = await manifold(
      ['build', '--progress', 'plain', '--platform', PLATFORMS, '-t', ref, '--push', ctx],
      { MANIFOLD_HOME: home },
    );
    assert.equal(built.code, 0, built.stderr);
    // alpine came from the registry through the docker.io mirror: the store had no base image.
    assert.match(built.stderr, /FROM docker\.io\/library\/alpine:latest@sha256:[0-9a-f]{64}/);

    const inspect = await manifold(['imagetools', 'inspect', ref], { MANIFOLD_HOME: home });
    assert.equal(inspect.code, 0, inspect.stderr);
    const platforms = [...inspect.stdout.matchAll(/^\s+Platform:\s+(\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(platforms, ['linux/arm/v7', 'linux/arm64', 'linux/amd64']);
    assert.match(inspect.stdout, new RegExp(`^Name:\\s+${ref.replace(/[.]/g, '\\.')}$`, 'm'));
    const raw = await runCommand('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
    assert.equal(raw.code, 0, raw.stderr);
    const index = JSON.parse(raw.stdout) as {
      mediaType: string;
      manifests: Array<{ platform: { architecture: string; variant?: string } }>;
    };
    assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(
      index.manifests.map((m) => [m.platform.architecture, m.platform.variant ?? '']),
      [
        ['arm', 'v7'],
        ['arm64', ''],
        ['amd64', ''],
      ],
    );
    for (const [platform, machine] of Object.entries(MACHINE)) {
      const runHome = await freshHome(reg);
      const run = await manifold(['run', '--platform', platform, ref], { MANIFOLD_HOME: runHome });
      assert.equal(run.code, 0, run.stderr);
      const fields = run.stdout.trim().split(/\s+/);
      assert.equal(fields[0], 'Linux');
      assert.ok(fields.includes(machine), `${platform}: ${run.stdout}`);
      assert.equal(fields[fields.length - 2], machine, run.stdout);
    }
    // An independent path to the same files: skopeo copies one platform, umoci unpacks it.
    const layout = await mkdtemp(path.join(os.tmpdir(), 'manifold-oci-'));
    const copied = await runCommand('skopeo', [
      'copy',
      '--src-tls-verify=false',
      '--override-arch',
      'arm64',
      `docker://${ref}`,
      `oci:${layout}:arm64`,
    ]);
    assert.equal(copied.code, 0, copied.stderr);
    const bundle = path.join(layout, 'bundle');
    const unpacked = await runCommand('umoci', [
      'unpack',
      '--rootless',
      '--image',
      `${layout}:arm64`,
      bundle,
    ]);
    assert.equal(unpacked.code, 0, unpacked.stderr);
    const viaRun = await manifold(['run', '--platform', 'linux/arm64', ref], {
      MANIFOLD_HOME: await freshHome(reg),
    });
    assert.equal(await readFile(path.join(bundle, 'rootfs', 'os.txt'), 'utf8'), viaRun.stdout);
    if (existsSync('/usr/local/bin/docker') || existsSync('/usr/bin/docker')) {
      const inspected = await runCommand('docker', ['manifest', 'inspect', '--insecure', ref]);
      assert.equal(inspected.code, 0, inspected.stderr);
      const list = JSON.parse(inspected.stdout) as { manifests: Array<{ digest: string }> };
      assert.equal(list.manifests.length, 3);
    }
  });

  it('copies each platform its own file (the brief, second Dockerfile)', async () => {
    const home = await freshHome(reg);
    const ctx = await makeContext({
      Dockerfile:
        'FROM scratch\nARG TARGETOS\nARG TARGETARCH\nCOPY bin/dist-${TARGETOS}-${TARGETARCH} /dist\nENTRYPOINT ["dist"]\n',
    });
    await runCommand('mkdir', ['-p', path.join(ctx, 'bin')]);
    await writeFile(path.join(ctx, 'bin', 'dist-linux-amd64'), 'amd64 binary\n');
    await writeFile(path.join(ctx, 'bin', 'dist-linux-arm'), 'arm binary\n');
    const ref = `${reg}/e2e/dist:1`;
    const built = await manifold(
      ['build', '--platform', 'linux/arm/v7,linux/amd64', '-t', ref, '--push', ctx],
      { MANIFOLD_HOME: home },
    );
    assert.equal(built.code, 0, built.stderr);
    for (const [arch, content] of [
      ['arm', 'arm binary\n'],
      ['amd64', 'amd64 binary\n'],
    ] as const) {
      const layout = await mkdtemp(path.join(os.tmpdir(), 'manifold-oci-'));
      const copy = await runCommand('skopeo', [
        'copy',
        '--src-tls-verify=false',
        '--override-arch',
        arch,
        `docker://${ref}`,
        `oci:${layout}:x`,
      ]);
      assert.equal(copy.code, 0, copy.stderr);
      const bundle = path.join(layout, 'bundle');
      const unpack = await runCommand('umoci', ['unpack', '--rootless', '--image', `${layout}:x`, bundle]);
      assert.equal(unpack.code, 0, unpack.stderr);
      assert.equal(await readFile(path.join(bundle, 'rootfs', 'dist'), 'utf8'), content);
      const config = JSON.parse(await readFile(path.join(bundle, 'config.json'), 'utf8')) as {
        process: { args: string[] };
      };
      assert.deepEqual(config.process.args, ['dist']);
    }
  });

  it('runs a $BUILDPLATFORM stage once for three targets', async () => {
    const home = await freshHome(reg);
    const ctx = await makeContext({
      Dockerfile: [
        'FROM --platform=$BUILDPLATFORM alpine AS build',
        'RUN echo compiled-on-$(uname -m) > /out',
        'FROM alpine',
        'COPY --from=build /out /out',
        'RUN cat /out > /seen && uname -m >> /seen',
        'CMD cat /seen',
        '',
      ].join('\n'),
    });
    const built = await manifold(
      ['build', '--progress', 'plain', '--platform', PLATFORMS, '-t', 'cross', ctx],
      { MANIFOLD_HOME: home },
    );
    assert.equal(built.code, 0, built.stderr);
    const starts = built.stderr
      .split('\n')
      .filter((l) => /^#\d+ \[linux\/amd64 build 2\/2\] RUN echo compiled-on/.test(l));
    // One vertex (one #N); BuildKit's plain output repeats a block's header when it resumes.
    const vertexNumbers = (lines: string[]) => new Set(lines.map((l) => l.split(' ')[0]));
    assert.equal(vertexNumbers(starts).size, 1, built.stderr);
    const finals = built.stderr
      .split('\n')
      .filter((l) => /^#\d+ \[linux\/[^\]]+ stage-1 3\/4\] RUN cat \/out/.test(l));
    assert.equal(vertexNumbers(finals).size, 3, built.stderr);
    for (const [platform, machine] of Object.entries(MACHINE)) {
      const run = await manifold(['run', '--platform', platform, 'cross'], { MANIFOLD_HOME: home });
      assert.equal(run.stdout, `compiled-on-x86_64\n${machine}\n`);
    }
  });

  it('rebuilds nothing and uploads no blob when nothing changed; a changed COPY re-runs what follows', async () => {
    const home = await freshHome(reg);
    const proxy = await startRecordingProxy(reg);
    try {
      const ctx = await makeContext({
        Dockerfile: 'FROM alpine\nRUN echo one > /one\nCOPY f.txt /f.txt\nRUN cat /f.txt > /g\n',
        'f.txt': 'first\n',
      });
      const ref = `${proxy.address}/e2e/cache:1`;
      const args = ['build', '--progress', 'rawjson', '--platform', PLATFORMS, '-t', ref, '--push', ctx];
      const first = await manifold(args, { MANIFOLD_HOME: home });
      assert.equal(first.code, 0, first.stderr);
      const uploadsFirst = proxy.requests.filter(
        (r) =>
          r.method === 'POST' || r.method === 'PATCH' || (r.method === 'PUT' && r.path.includes('/blobs/')),
      );
      assert.ok(uploadsFirst.length > 0);
      proxy.requests.length = 0;

      const again = await manifold(args, { MANIFOLD_HOME: home });
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(started(again.stderr), []);
      const uploads = proxy.requests.filter(
        (r) =>
          r.method === 'POST' || r.method === 'PATCH' || (r.method === 'PUT' && r.path.includes('/blobs/')),
      );
      assert.deepEqual(uploads, []);
      // The tag already names this image: the push asks only that (no blob HEADs, no manifest PUTs).
      assert.deepEqual(
        proxy.requests
          .filter((r) => r.path.includes('/e2e/cache/'))
          .map((r) => `${r.method} ${r.path} ${r.status}`),
        ['HEAD /v2/e2e/cache/manifests/1 200'],
      );

      // Touched, not changed: still nothing runs.
      const now = new Date();
      await import('node:fs/promises').then((fs) => fs.utimes(path.join(ctx, 'f.txt'), now, now));
      const touched = await manifold(args, { MANIFOLD_HOME: home });
      assert.deepEqual(started(touched.stderr), []);

      await writeFile(path.join(ctx, 'f.txt'), 'second\n');
      const edited = await manifold(args, { MANIFOLD_HOME: home });
      assert.equal(edited.code, 0, edited.stderr);
      const ran = started(edited.stderr).filter((n) => !n.startsWith('[internal]'));
      assert.deepEqual(ran.map((n) => n.replace(/^\[(\S+) .*?\] /, '$1 ')).sort(), [
        'linux/amd64 COPY f.txt /f.txt',
        'linux/amd64 RUN cat /f.txt > /g',
        'linux/arm/v7 COPY f.txt /f.txt',
        'linux/arm/v7 RUN cat /f.txt > /g',
        'linux/arm64 COPY f.txt /f.txt',
        'linux/arm64 RUN cat /f.txt > /g',
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('uses a base image it resolved before without asking the registry, unless --pull', async () => {
    const proxy = await startRecordingProxy(reg);
    try {
      const home = await freshHome(proxy.address);
      const build = (ctx: string, ...extra: string[]) =>
        manifold(['build', '--progress', 'quiet', '--platform', 'linux/arm64', ...extra, ctx], {
          MANIFOLD_HOME: home,
        });
      const first = await build(await makeContext({ Dockerfile: 'FROM alpine\nRUN echo one > /one\n' }));
      assert.equal(first.code, 0, first.stderr);
      assert.ok(
        proxy.requests.some((r) => r.path.includes('/manifests/latest')),
        'the first build asks the mirror',
      );
      proxy.requests.length = 0;
      const second = await build(await makeContext({ Dockerfile: 'FROM alpine\nRUN echo two > /two\n' }));
      assert.equal(second.code, 0, second.stderr);
      assert.deepEqual([...proxy.requests], [], 'a later build resolves alpine from the store');
      const pulled = await build(
        await makeContext({ Dockerfile: 'FROM alpine\nRUN echo three > /three\n' }),
        '--pull',
      );
      assert.equal(pulled.code, 0, pulled.stderr);
      assert.ok(
        proxy.requests.some((r) => r.path.includes('/manifests/latest')),
        '--pull asks again',
      );
    } finally {
      await proxy.close();
    }
  });

  it('refuses a platform this machine cannot run before any step', async () => {
    const home = await freshHome(reg);
    // The base image has no sparc64 variant, so the final stage starts from scratch.
    const ctx = await makeContext({
      Dockerfile:
        'FROM --platform=linux/amd64 alpine AS base\nFROM scratch\nCOPY --from=base /bin/busybox /bin/sh\nRUN true\n',
    });
    const res = await manifold(
      ['build', '--progress', 'plain', '--platform', 'linux/sparc64,linux/amd64', ctx],
      { MANIFOLD_HOME: home },
    );
    assert.equal(res.code, 1);
    assert.match(res.stderr, /no emulator for linux\/sparc64/);
    assert.match(res.stderr, /manifold binfmt --install/);
    assert.doesNotMatch(res.stderr, /^#\d+ \[linux\/\S+ (stage-)?\S* ?\d+\/\d+\]/m, 'no step started');
    assert.equal(existsSync(path.join(home, 'builders', 'default', 'snapshots')), false);
  });

  it('fails a RUN on one platform clearly and leaves nothing behind', async () => {
    const home = await freshHome(reg);
    const ctx = await makeContext({
      Dockerfile: 'FROM alpine\nRUN echo checking\nRUN test "$(uname -m)" != aarch64\n',
    });
    const ref = `${reg}/e2e/fails:1`;
    const res = await manifold(
      ['build', '--progress', 'quiet', '--platform', PLATFORMS, '-t', ref, '--push', ctx],
      { MANIFOLD_HOME: home },
    );
    assert.equal(res.code, 1);
    assert.match(
      res.stderr,
      /^ERROR: Dockerfile:3: \[linux\/arm64 3\/3\] RUN test "\$\(uname -m\)" != aarch64: process "\/bin\/sh -c test \\"\$\(uname -m\)\\" != aarch64" did not complete successfully: exit code: 1/m,
    );
    assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
    // The store names nothing: its index.json (an OCI layout) has no entry for the image.
    const index = JSON.parse(
      await readFile(path.join(home, 'images', 'index.json'), 'utf8').catch(() => '{"manifests":[]}'),
    ) as {
      manifests: Array<{ annotations?: Record<string, string> }>;
    };
    assert.deepEqual(
      index.manifests
        .map((m) => m.annotations?.['org.opencontainers.image.ref.name'])
        .filter((n) => n?.includes('fails')),
      [],
    );
    const remote = await runCommand('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
    assert.notEqual(remote.code, 0);
    assert.match(remote.stderr, /manifest unknown/i);
  });
});

/**
 * Names of the build steps a rawjson progress stream (BuildKit SolveStatus lines) shows as
 * started: vertex updates with a start and no end. The context load, base image metadata and
 * the export are shown on every build; they are not steps.
 */
function started(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap(
      (l) =>
        (JSON.parse(l) as { vertexes?: Array<{ name?: string; started?: string; completed?: string }> })
          .vertexes ?? [],
    )
    .filter((v) => v.started !== undefined && v.completed === undefined)
    .map((v) => v.name ?? '')
    .filter((name) => name.startsWith('[') && !/^\[(\S+ )?internal\]/.test(name));
}

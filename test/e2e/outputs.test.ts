/**
 * Issue 6's bars for outputs, metadata and reproducibility, end to end: the compiled CLI builds
 * for three platforms under real runc and qemu, writes every output type in one build, and
 * independent readers check each (skopeo on `oci-archive:`, `oci:`, `docker-archive:` and
 * `docker://`, `tar`, the files on disk).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Digest } from '../../src/oci/index.js';
import { chainIds } from '../../src/worker/images/index.js';
import { freshHome, makeContext, manifold, publishBaseImages, runCommand, testRegistry } from './helpers.js';

const registry = testRegistry();
const skip = registry ? false : 'the test registry is not running (bash scripts/testworld/registry.sh start)';
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const MACHINE: Readonly<Record<string, string>> = {
  'linux/amd64': 'x86_64',
  'linux/arm64': 'aarch64',
  'linux/arm/v7': 'armv7l',
};
const OVERRIDE: Readonly<Record<string, string[]>> = {
  'linux/amd64': ['--override-arch', 'amd64'],
  'linux/arm64': ['--override-arch', 'arm64'],
  'linux/arm/v7': ['--override-arch', 'arm', '--override-variant', 'v7'],
};
const DOCKERFILE = [
  'FROM alpine',
  'ARG TARGETPLATFORM',
  'COPY hello.txt /hello.txt',
  'RUN echo "$TARGETPLATFORM $(uname -m)" > /platform.txt',
  'CMD ["cat", "/platform.txt"]',
  '',
].join('\n');

function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** `skopeo inspect --config` of the image a transport reference selects for `platform`. */
async function configOf(ref: string, platform?: string): Promise<{ architecture: string; variant?: string }> {
  const res = await runCommand('skopeo', [
    'inspect',
    '--config',
    ...(platform ? OVERRIDE[platform]! : []),
    ref,
  ]);
  assert.equal(res.code, 0, `${ref}: ${res.stderr}`);
  return JSON.parse(res.stdout) as { architecture: string; variant?: string };
}

function expectPlatform(config: { architecture: string; variant?: string }, platform: string): void {
  const [, arch, variant] = platform.split('/');
  assert.equal(config.architecture, arch, platform);
  assert.equal(config.variant, variant, platform);
}

describe('build outputs', { skip }, () => {
  const reg = registry ?? '';
  before(async () => {
    await publishBaseImages(reg);
  });

  it('writes every output type of a three-platform build at once; each reads back', async (t) => {
    const home = await freshHome(reg);
    const ctx = await makeContext({ Dockerfile: DOCKERFILE, 'hello.txt': 'hello\n' });
    const out = await mkdtemp(path.join(os.tmpdir(), 'manifold-outputs-'));
    const ref = `${reg}/e2e/outputs:1`;
    const built = await manifold(
      [
        'build',
        '--progress',
        'plain',
        '--platform',
        PLATFORMS.join(','),
        '-t',
        ref,
        '--push',
        '-o',
        `type=oci,dest=${out}/oci.tar`,
        '-o',
        `type=oci,tar=false,dest=${out}/layout`,
        '-o',
        `type=docker,dest=${out}/docker.tar`,
        '-o',
        `type=local,dest=${out}/local`,
        '-o',
        `type=tar,dest=${out}/fs.tar`,
        '--metadata-file',
        `${out}/metadata.json`,
        ctx,
      ],
      { MANIFOLD_HOME: home },
    );
    assert.equal(built.code, 0, built.stderr);
    for (const step of [
      'exporting to oci image format',
      'exporting to docker image format',
      'exporting to client directory',
      'exporting to client tarball',
      'exporting to image',
    ]) {
      assert.match(built.stderr, new RegExp(`^#\\d+ ${step}$`, 'm'), step);
    }
    let reads = 0;
    for (const p of PLATFORMS) {
      expectPlatform(await configOf(`oci-archive:${out}/oci.tar`, p), p);
      expectPlatform(await configOf(`oci:${out}/layout`, p), p);
      reads += 2;
    }
    for (const [i, p] of PLATFORMS.entries()) {
      expectPlatform(await configOf(`docker-archive:${out}/docker.tar:@${i}`), p);
      reads++;
    }
    // This machine's image carries the tag in the docker tar.
    expectPlatform(await configOf(`docker-archive:${out}/docker.tar:${ref}`), 'linux/amd64');
    const listing = execFileSync('tar', ['-tf', `${out}/fs.tar`], { encoding: 'utf8' }).split('\n');
    for (const p of PLATFORMS) {
      const d = p.replaceAll('/', '_');
      const expected = `${p} ${MACHINE[p]}\n`;
      assert.ok(listing.includes(`${d}/platform.txt`), `${d}/platform.txt in the tar`);
      assert.ok(listing.includes(`${d}/bin/busybox`), `${d}/bin/busybox in the tar`);
      assert.equal(
        execFileSync('tar', ['-xOf', `${out}/fs.tar`, `${d}/platform.txt`], { encoding: 'utf8' }),
        expected,
      );
      assert.equal(await readFile(path.join(out, 'local', d, 'platform.txt'), 'utf8'), expected);
      assert.equal(await readFile(path.join(out, 'local', d, 'hello.txt'), 'utf8'), 'hello\n');
      reads += 3;
    }
    const arm64 = execFileSync('file', ['-b', path.join(out, 'local', 'linux_arm64', 'bin', 'busybox')], {
      encoding: 'utf8',
    });
    assert.match(arm64, /aarch64|ARM aarch64/);

    // The metadata file names the image the registry serves, and the OCI outputs hold the same.
    const metadata = JSON.parse(await readFile(`${out}/metadata.json`, 'utf8')) as Record<string, unknown>;
    const raw = await runCommand('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
    assert.equal(raw.code, 0, raw.stderr);
    const served = sha256(raw.stdout);
    assert.equal(metadata['containerimage.digest'], served);
    assert.equal((metadata['containerimage.descriptor'] as { digest: string }).digest, served);
    assert.equal(metadata['containerimage.config.digest'], undefined, 'an index has no single config');
    assert.equal(metadata['image.name'], ref);
    assert.match(String(metadata['buildx.build.ref']), /^default\/default\/[0-9a-z]{25}$/);
    const ociRaw = execFileSync('skopeo', ['inspect', '--raw', `oci-archive:${out}/oci.tar`]);
    assert.equal(sha256(ociRaw), served);
    t.diagnostic(`${reads} reads by skopeo, tar and the file system; metadata digest ${served} = registry's`);
  });

  it('writes the metadata file and iidfile of a one-platform push as buildx does', async (t) => {
    const home = await freshHome(reg);
    const ctx = await makeContext({ Dockerfile: DOCKERFILE, 'hello.txt': 'one\n' });
    const out = await mkdtemp(path.join(os.tmpdir(), 'manifold-meta-'));
    const ref = `${reg}/e2e/meta:single`;
    const built = await manifold(
      [
        'build',
        '--progress',
        'quiet',
        '--platform',
        'linux/arm64',
        '-o',
        `type=registry,name=${ref}`,
        '--metadata-file',
        `${out}/m.json`,
        '--iidfile',
        `${out}/iid`,
        ctx,
      ],
      { MANIFOLD_HOME: home },
    );
    assert.equal(built.code, 0, built.stderr);
    const metadata = JSON.parse(await readFile(`${out}/m.json`, 'utf8')) as Record<string, string>;
    const served = sha256(
      (await runCommand('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`])).stdout,
    );
    assert.equal(metadata['containerimage.digest'], served);
    const config = await runCommand('skopeo', [
      'inspect',
      '--config',
      '--raw',
      '--tls-verify=false',
      `docker://${ref}`,
    ]);
    assert.equal(metadata['containerimage.config.digest'], sha256(config.stdout));
    assert.equal(await readFile(`${out}/iid`, 'utf8'), metadata['containerimage.config.digest']);
    t.diagnostic(`manifest ${served}, config ${metadata['containerimage.config.digest']}`);
  });

  it('pushes by digest and names canonically; stores nothing with store=false', async (t) => {
    const home = await freshHome(reg);
    const ctx = await makeContext({ Dockerfile: DOCKERFILE, 'hello.txt': 'by digest\n' });
    const out = await mkdtemp(path.join(os.tmpdir(), 'manifold-bydigest-'));
    const repo = `${reg}/e2e/bydigest`;
    const built = await manifold(
      [
        'build',
        '--progress',
        'quiet',
        '--platform',
        'linux/amd64',
        '-o',
        `type=image,name=${repo}:v1,push=true,push-by-digest=true,name-canonical=true,unpack=true`,
        '-o',
        `type=image,name=${reg}/e2e/unstored:1,push=true,store=false`,
        '--metadata-file',
        `${out}/m.json`,
        ctx,
      ],
      { MANIFOLD_HOME: home },
    );
    assert.equal(built.code, 0, built.stderr);
    const digest = (JSON.parse(await readFile(`${out}/m.json`, 'utf8')) as Record<string, string>)[
      'containerimage.digest'
    ];
    const byDigest = await runCommand('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${repo}@${digest}`,
    ]);
    assert.equal(byDigest.code, 0, byDigest.stderr);
    assert.equal(sha256(byDigest.stdout), digest);
    const byTag = await runCommand('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${repo}:v1`,
    ]);
    assert.notEqual(byTag.code, 0, 'pushed by digest only: no tag');
    // The image store is an OCI layout whose index.json entries carry the full names.
    const index = JSON.parse(await readFile(path.join(home, 'images', 'index.json'), 'utf8')) as {
      manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
    };
    const names = index.manifests.map((m) => m.annotations?.['io.containerd.image.name'] ?? '');
    t.diagnostic(`store names: ${names.join(' ')}`);
    assert.ok(names.includes(`${repo}:v1`), 'named in the store');
    assert.ok(names.includes(`${repo}@${digest}`), 'and by digest (name-canonical)');
    assert.ok(!names.some((n) => n.includes('e2e/unstored')), 'store=false names nothing');
    const stored = await runCommand('skopeo', [
      'inspect',
      '--raw',
      `oci:${path.join(home, 'images')}:${repo}:v1`,
    ]);
    assert.equal(sha256(stored.stdout), digest);
    const pushed = await runCommand('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${reg}/e2e/unstored:1`,
    ]);
    assert.equal(pushed.code, 0, pushed.stderr);
    // unpack=true: this machine's image is unpacked into the builder's snapshots, by chain ID.
    const config = JSON.parse(
      (
        await runCommand('skopeo', [
          'inspect',
          '--config',
          '--raw',
          '--tls-verify=false',
          `docker://${repo}@${digest}`,
        ])
      ).stdout,
    ) as { rootfs: { diff_ids: Digest[] } };
    const top = chainIds(config.rootfs.diff_ids).at(-1)!;
    const chains = execFileSync('find', [home, '-path', `*/snapshots/chains/${top.replace(':', '-')}`], {
      encoding: 'utf8',
    });
    assert.notEqual(chains.trim(), '', `the top layer's chain ${top} is unpacked`);
  });

  it('chooses compression and annotations per output, sharing what is equal', async (t) => {
    const home = await freshHome(reg);
    const ctx = await makeContext({ Dockerfile: DOCKERFILE, 'hello.txt': 'compressed\n' });
    const out = await mkdtemp(path.join(os.tmpdir(), 'manifold-compress-'));
    const two = 'linux/amd64,linux/arm64';
    const built = await manifold(
      [
        'build',
        '--progress',
        'quiet',
        '--platform',
        two,
        '-o',
        `type=oci,dest=${out}/default.tar`,
        '-o',
        `type=oci,dest=${out}/plain.tar,compression=uncompressed`,
        '-o',
        `type=oci,dest=${out}/fast.tar,compression=gzip,compression-level=1,force-compression=true`,
        '-o',
        `type=oci,dest=${out}/annotated.tar,annotation-index.org.opencontainers.image.description=multi,annotation.org.opencontainers.image.title=hello,annotation-manifest[linux/arm64].com.example.cpu=arm64`,
        ctx,
      ],
      { MANIFOLD_HOME: home },
    );
    assert.equal(built.code, 0, built.stderr);
    const index = (file: string) =>
      JSON.parse(execFileSync('tar', ['-xOf', `${out}/${file}`, 'index.json'], { encoding: 'utf8' }));
    const arm64Manifest = async (file: string) => {
      const top = index(file).manifests[0].digest as string;
      const list = JSON.parse(
        execFileSync('tar', ['-xOf', `${out}/${file}`, `blobs/sha256/${top.slice(7)}`], { encoding: 'utf8' }),
      );
      const m = list.manifests.find(
        (d: { platform: { architecture: string } }) => d.platform.architecture === 'arm64',
      );
      return {
        list,
        manifest: JSON.parse(
          execFileSync('tar', ['-xOf', `${out}/${file}`, `blobs/sha256/${m.digest.slice(7)}`], {
            encoding: 'utf8',
          }),
        ),
      };
    };
    const def = await arm64Manifest('default.tar');
    const plain = await arm64Manifest('plain.tar');
    const fast = await arm64Manifest('fast.tar');
    const annotated = await arm64Manifest('annotated.tar');
    const types = (m: { layers: Array<{ mediaType: string }> }) => m.layers.map((l) => l.mediaType);
    // The base image's layer is pulled and kept; the build's own layers follow the output.
    assert.deepEqual(types(def.manifest).slice(1), [
      'application/vnd.oci.image.layer.v1.tar+gzip',
      'application/vnd.oci.image.layer.v1.tar+gzip',
    ]);
    assert.deepEqual(types(plain.manifest).slice(1), [
      'application/vnd.oci.image.layer.v1.tar',
      'application/vnd.oci.image.layer.v1.tar',
    ]);
    assert.deepEqual(types(fast.manifest), types(def.manifest));
    assert.notEqual(
      fast.manifest.layers[2].digest,
      def.manifest.layers[2].digest,
      'level 1 gives other bytes',
    );
    const diffIds = async (file: string) =>
      (
        JSON.parse(
          (
            await runCommand('skopeo', [
              'inspect',
              '--config',
              '--override-arch',
              'arm64',
              `oci-archive:${out}/${file}`,
            ])
          ).stdout,
        ) as { rootfs: { diff_ids: string[] } }
      ).rootfs.diff_ids;
    const same = await diffIds('default.tar');
    for (const f of ['plain.tar', 'fast.tar', 'annotated.tar']) assert.deepEqual(await diffIds(f), same, f);
    assert.equal(plain.manifest.layers[2].digest, same[2], 'an uncompressed layer is its diff ID');
    assert.equal(annotated.list.annotations['org.opencontainers.image.description'], 'multi');
    assert.equal(annotated.manifest.annotations['org.opencontainers.image.title'], 'hello');
    assert.equal(annotated.manifest.annotations['com.example.cpu'], 'arm64');
    assert.equal(def.manifest.annotations, undefined);
    assert.equal(
      annotated.manifest.layers[2].digest,
      def.manifest.layers[2].digest,
      'annotations share the layers',
    );
    t.diagnostic(
      `arm64 top layer: gzip ${def.manifest.layers[2].size} B, level 1 ${fast.manifest.layers[2].size} B, uncompressed ${plain.manifest.layers[2].size} B`,
    );
  });

  it('gives the same index digest for two checkouts with other file times (SOURCE_DATE_EPOCH, rewrite-timestamp)', async (t) => {
    const epoch = '1700000000'; // 2023-11-14: every file time here is later, so clamping decides
    const files = {
      Dockerfile: 'FROM alpine\nCOPY . /src\nRUN cat /src/a.txt > /built.txt && mkdir -p /var/made\n',
      'a.txt': 'same content\n',
      'b.txt': 'b\n',
    };
    const first = await makeContext(files);
    const second = await mkdtemp(path.join(os.tmpdir(), 'manifold-ctx-copy-'));
    await cp(first, second, { recursive: true });
    for (const [i, dir] of [first, second].entries()) {
      const when = new Date(Date.UTC(2024, 0, 1 + i * 100));
      for (const f of Object.keys(files)) await utimes(path.join(dir, f), when, when);
    }
    const digests: string[] = [];
    const plain: string[] = [];
    const outs: string[] = [];
    for (const [i, dir] of [first, second].entries()) {
      const home = await freshHome(reg);
      const out = await mkdtemp(path.join(os.tmpdir(), 'manifold-repro-'));
      outs.push(out);
      const run = async (attrs: string, file: string) => {
        const res = await manifold(
          [
            'build',
            '--progress',
            'quiet',
            '--platform',
            PLATFORMS.join(','),
            '-o',
            `type=oci,dest=${out}/${file}${attrs}`,
            '--metadata-file',
            `${out}/${file}.json`,
            dir,
          ],
          { MANIFOLD_HOME: home, SOURCE_DATE_EPOCH: epoch },
        );
        assert.equal(res.code, 0, res.stderr);
        const raw = execFileSync('skopeo', ['inspect', '--raw', `oci-archive:${out}/${file}`]);
        const meta = JSON.parse(await readFile(`${out}/${file}.json`, 'utf8')) as Record<string, string>;
        assert.equal(meta['containerimage.digest'], sha256(raw));
        return sha256(raw);
      };
      digests.push(await run(',rewrite-timestamp=true', 'repro.tar'));
      // Same build from the cache, without clamping: the file times show through.
      plain.push(await run('', 'plain.tar'));
      if (i === 0) await new Promise((r) => setTimeout(r, 1100)); // the second build's RUN happens a later second
    }
    t.diagnostic(`with rewrite-timestamp: ${digests.join(' ')}`);
    t.diagnostic(`without: ${plain.join(' ')}`);
    assert.equal(digests[0], digests[1]);
    assert.notEqual(plain[0], plain[1]);
    const config = await configOf(`oci-archive:${outs[0]}/repro.tar`, 'linux/arm64');
    const created = new Date(Number(epoch) * 1000).toISOString().replace('.000Z', 'Z');
    assert.equal((config as { created?: string }).created, created);
  });
});

/**
 * The oci and docker outputs, read back by independent readers: `tar -tf`, `skopeo inspect`
 * on `oci-archive:`, `oci:` and `docker-archive:`, and the JSON files themselves.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ContentStore } from '../../../src/content/index.js';
import { exportDocker } from '../../../src/export/outputs/docker.js';
import type { OutputContext } from '../../../src/export/outputs/index.js';
import { exportOci } from '../../../src/export/outputs/oci.js';
import { mergeEntries } from '../../../src/export/outputs/oci-layout.js';
import { parseOutput } from '../../../src/export/outputs/parse.js';
import type { DockerOutput, OciOutput } from '../../../src/export/outputs/types.js';
import { type Descriptor, parseDigest } from '../../../src/oci/index.js';
import { parsePlatform } from '../../../src/platform/index.js';
import { SnapshotStore } from '../../../src/worker/snapshots/index.js';
import { storeTestImage, withStore } from './fixtures.js';

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const ARCH: Record<string, string[]> = {
  'linux/amd64': ['--override-arch', 'amd64'],
  'linux/arm64': ['--override-arch', 'arm64'],
  'linux/arm/v7': ['--override-arch', 'arm', '--override-variant', 'v7'],
};
let readerChecks = 0;
after(() => console.log(`layout: ${readerChecks} checks by independent readers (tar, skopeo)`));

function context(store: ContentStore, dir: string, host = 'linux/arm64'): OutputContext {
  return {
    store,
    snapshots: new SnapshotStore(path.join(dir, 'snapshots')),
    targets: [],
    multiPlatform: true,
    hostPlatform: parsePlatform(host),
    registry: () => Promise.reject(new Error('no registry in this test')),
    buildTime: Date.now(),
  };
}

function skopeo(...args: string[]): Record<string, unknown> {
  readerChecks++;
  return JSON.parse(execFileSync('skopeo', ['inspect', ...args], { encoding: 'utf8' })) as Record<
    string,
    unknown
  >;
}

function tarList(file: string): string[] {
  readerChecks++;
  return execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n');
}

describe('oci output', () => {
  it('writes a tar skopeo reads per platform, byte for byte the same twice', async () => {
    await withStore(async (store, dir) => {
      const image = await storeTestImage(store, PLATFORMS);
      const out = parseOutput({
        type: 'oci',
        attrs: { name: 'example.com/app:1' },
        destination: path.join(dir, 'a.tar'),
      }) as OciOutput;
      const result = await exportOci(out, image, context(store, dir));
      assert.equal(result.written, path.join(dir, 'a.tar'));
      const names = tarList(path.join(dir, 'a.tar'));
      // 3 × (layer, config, manifest) + the index
      assert.equal(names.filter((n) => /^blobs\/sha256\/[0-9a-f]{64}$/.test(n)).length, 10);
      assert.deepEqual(names.slice(0, 2), ['blobs/', 'blobs/sha256/']);
      assert.deepEqual(names.slice(-2), ['oci-layout', 'index.json']);
      for (const p of PLATFORMS) {
        // skopeo 1.9's summary has no variant: read the config it selects.
        const config = skopeo('--config', ...ARCH[p]!, `oci-archive:${path.join(dir, 'a.tar')}`);
        const [, arch, variant] = p.split('/');
        assert.equal(config.architecture, arch);
        assert.equal(config.variant, variant);
      }
      readerChecks++;
      const raw = execFileSync('skopeo', ['inspect', '--raw', `oci-archive:${path.join(dir, 'a.tar')}`]);
      assert.equal(`sha256:${createHash('sha256').update(raw).digest('hex')}`, image.descriptor.digest);
      const index = JSON.parse(
        execFileSync('tar', ['-xOf', path.join(dir, 'a.tar'), 'index.json'], { encoding: 'utf8' }),
      );
      assert.equal(index.manifests.length, 1);
      assert.equal(index.manifests[0].annotations['io.containerd.image.name'], 'example.com/app:1');
      assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], '1');
      assert.equal(
        index.manifests[0].annotations['org.opencontainers.image.created'],
        '2024-01-01T00:00:00Z',
      );
      await exportOci({ ...out, dest: path.join(dir, 'b.tar') }, image, context(store, dir));
      assert.deepEqual(await readFile(path.join(dir, 'a.tar')), await readFile(path.join(dir, 'b.tar')));
    });
  });

  it('writes a directory (tar=false) skopeo reads; names add up, a name is replaced', async () => {
    await withStore(async (store, dir) => {
      const image = await storeTestImage(store, PLATFORMS);
      const layout = path.join(dir, 'layout');
      const first = parseOutput({
        type: 'oci',
        attrs: { tar: 'false', name: 'app:1' },
        destination: layout,
      }) as OciOutput;
      await exportOci(first, image, context(store, dir));
      const info = skopeo('--override-arch', 'arm64', `oci:${layout}`);
      assert.equal(info.Architecture, 'arm64');
      const other = await storeTestImage(store, ['linux/amd64']);
      const second = parseOutput({
        type: 'oci',
        attrs: { tar: 'false', name: 'app:2' },
        destination: layout,
      }) as OciOutput;
      await exportOci(second, other, context(store, dir));
      await exportOci(first, other, context(store, dir));
      const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8'));
      const names = index.manifests.map(
        (m: { annotations: Record<string, string> }) => m.annotations['io.containerd.image.name'],
      );
      assert.deepEqual(names, ['docker.io/library/app:2', 'docker.io/library/app:1']);
      const byTag = skopeo(`oci:${layout}:1`);
      assert.equal(byTag.Architecture, 'amd64');
    });
  });
});

describe('docker output', () => {
  it('writes a tar with manifest.json, repositories and an OCI layout; skopeo reads each image', async () => {
    await withStore(async (store, dir) => {
      const image = await storeTestImage(store, PLATFORMS, { docker: true });
      const file = path.join(dir, 'docker.tar');
      const out = parseOutput({
        type: 'docker',
        attrs: { name: 'app:1' },
        destination: file,
      }) as DockerOutput;
      await exportDocker(out, image, context(store, dir, 'linux/arm64'));
      const names = tarList(file);
      for (const f of ['manifest.json', 'repositories', 'oci-layout', 'index.json'])
        assert.ok(names.includes(f), f);
      const manifest = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' }));
      assert.equal(manifest.length, 3);
      assert.deepEqual(
        manifest.map((m: { RepoTags: string[] }) => m.RepoTags),
        [[], ['app:1'], []],
        'only the image this machine runs is tagged',
      );
      for (const m of manifest) {
        assert.match(m.Config, /^blobs\/sha256\/[0-9a-f]{64}$/);
        for (const l of m.Layers) assert.ok(names.includes(l), l);
      }
      const repos = JSON.parse(execFileSync('tar', ['-xOf', file, 'repositories'], { encoding: 'utf8' }));
      assert.deepEqual(Object.keys(repos), ['app']);
      assert.equal(repos.app['1'], image.images[1]!.config.rootfs.diff_ids[0]!.slice(7));
      for (const [i, p] of PLATFORMS.entries()) {
        const info = skopeo(`docker-archive:${file}:@${i}`);
        assert.equal(info.Architecture, p.split('/')[1]);
      }
      const tagged = skopeo(`docker-archive:${file}:app:1`);
      assert.equal(tagged.Architecture, 'arm64');
    });
  });

  it('a one-platform docker tar is read without an index', async () => {
    await withStore(async (store, dir) => {
      const image = await storeTestImage(store, ['linux/amd64'], { docker: true });
      const file = path.join(dir, 'one.tar');
      await exportDocker(
        parseOutput({ type: 'docker', attrs: {}, destination: file }, { tags: ['one:x'] }) as DockerOutput,
        image,
        context(store, dir, 'linux/amd64'),
      );
      const info = skopeo(`docker-archive:${file}`);
      assert.deepEqual(info.RepoTags, []);
      assert.equal(info.Architecture, 'amd64');
    });
  });

  it('without dest, names the image in the store', async () => {
    await withStore(async (store, dir) => {
      const image = await storeTestImage(store, PLATFORMS, { docker: true });
      const out = parseOutput({ type: 'docker', attrs: {} }, { tags: ['loaded:1'] }) as DockerOutput;
      const result = await exportDocker(out, image, context(store, dir));
      assert.deepEqual(result.stored, ['docker.io/library/loaded:1']);
      assert.equal((await store.getName('docker.io/library/loaded:1'))?.digest, image.descriptor.digest);
    });
  });
});

describe('index.json merging', () => {
  it('replaces entries of the same name, or unnamed entries of the same digest', () => {
    const d = (digest: string, name?: string): Descriptor => ({
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: parseDigest(`sha256:${digest.repeat(64)}`),
      size: 1,
      ...(name ? { annotations: { 'io.containerd.image.name': name } } : {}),
    });
    const merged = mergeEntries([d('a', 'x'), d('b'), d('c', 'y')], [d('d', 'x'), d('b')]);
    assert.deepEqual(
      merged.map((m) => [m.digest.slice(7, 8), m.annotations?.['io.containerd.image.name']]),
      [
        ['c', 'y'],
        ['d', 'x'],
        ['b', undefined],
      ],
    );
  });
});

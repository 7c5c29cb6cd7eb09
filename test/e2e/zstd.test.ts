/**
 * Issue 6's zstd bar, end to end: a three-platform build pushed with zstd layers, read by
 * skopeo (layer media types `tar+zstd`), then pulled back and run by `manifold run` in a fresh
 * home (the zstd layers are decompressed on unpack).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshHome, makeContext, manifold, publishBaseImages, runCommand, testRegistry } from './helpers.js';

const registry = testRegistry();
const skip = registry ? false : 'the test registry is not running (bash scripts/testworld/registry.sh start)';
const PLATFORMS = 'linux/amd64,linux/arm64,linux/arm/v7';
const ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
const found: Record<string, string[]> = {};

interface Manifest {
  mediaType: string;
  layers: Array<{ mediaType: string; digest: string }>;
}

async function inspectRaw(ref: string): Promise<unknown> {
  const res = await runCommand('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout);
}

/** Layer media types of every platform manifest of `ref`'s index, by architecture. */
async function layerTypes(ref: string): Promise<Record<string, string[]>> {
  const index = (await inspectRaw(ref)) as {
    mediaType: string;
    manifests: Array<{ digest: string; platform: { architecture: string; variant?: string } }>;
  };
  assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
  const out: Record<string, string[]> = {};
  const repo = ref.slice(0, ref.lastIndexOf(':'));
  for (const m of index.manifests) {
    const manifest = (await inspectRaw(`${repo}@${m.digest}`)) as Manifest;
    const p = m.platform;
    out[`${p.architecture}${p.variant ? `/${p.variant}` : ''}`] = manifest.layers.map((l) => l.mediaType);
  }
  return out;
}

describe('zstd layers', { skip }, () => {
  const reg = registry ?? '';
  before(async () => {
    await publishBaseImages(reg);
  });
  after(() => console.log(`zstd e2e layer media types: ${JSON.stringify(found)}`));

  it('pushes zstd layers for three platforms; skopeo reads them; manifold run pulls and runs arm64', async () => {
    const home = await freshHome(reg);
    const ctx = await makeContext({
      Dockerfile: 'FROM alpine\nRUN echo "zstd on $(uname -m)" > /zstd.txt\nCMD ["cat", "/zstd.txt"]\n',
    });
    const ref = `${reg}/e2e/zstd:all`;
    const built = await manifold(
      [
        'build',
        '--progress',
        'plain',
        '--platform',
        PLATFORMS,
        '-t',
        ref,
        '-o',
        'type=image,push=true,compression=zstd,force-compression=true',
        ctx,
      ],
      { MANIFOLD_HOME: home },
    );
    assert.equal(built.code, 0, built.stderr);
    const types = await layerTypes(ref);
    Object.assign(found, Object.fromEntries(Object.entries(types).map(([k, v]) => [`force ${k}`, v])));
    assert.deepEqual(Object.keys(types).sort(), ['amd64', 'arm/v7', 'arm64']);
    for (const [platform, layers] of Object.entries(types)) {
      assert.equal(layers.length, 2, `${platform}: the base layer and the RUN layer`);
      assert.deepEqual(layers, [ZSTD, ZSTD], `${platform}: every layer is zstd with force-compression`);
    }
    // skopeo also reads the image through its config (not only the raw manifest).
    const described = await runCommand('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--override-arch',
      'arm64',
      `docker://${ref}`,
    ]);
    assert.equal(described.code, 0, described.stderr);
    assert.equal((JSON.parse(described.stdout) as { Architecture: string }).Architecture, 'arm64');

    const runHome = await freshHome(reg);
    const run = await manifold(['run', '--platform', 'linux/arm64', ref], { MANIFOLD_HOME: runHome });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'zstd on aarch64');
  });

  it('without force-compression, base layers keep gzip and the layers built are zstd', async () => {
    const home = await freshHome(reg);
    const ctx = await makeContext({ Dockerfile: 'FROM alpine\nRUN echo mixed > /mixed.txt\n' });
    const ref = `${reg}/e2e/zstd:mixed`;
    const built = await manifold(
      [
        'build',
        '--progress',
        'quiet',
        '--platform',
        PLATFORMS,
        '-t',
        ref,
        '-o',
        'type=image,push=true,compression=zstd',
        ctx,
      ],
      { MANIFOLD_HOME: home },
    );
    assert.equal(built.code, 0, built.stderr);
    const types = await layerTypes(ref);
    Object.assign(found, Object.fromEntries(Object.entries(types).map(([k, v]) => [`mixed ${k}`, v])));
    for (const [platform, layers] of Object.entries(types)) {
      assert.match(layers[0] ?? '', /gzip$/, `${platform}: the base layer is the base image's own blob`);
      assert.equal(layers[1], ZSTD, `${platform}: the RUN layer is zstd`);
    }
    const run = await manifold(['run', '--platform', 'linux/arm/v7', ref, 'cat', '/mixed.txt'], {
      MANIFOLD_HOME: await freshHome(reg),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'mixed');
  });
});

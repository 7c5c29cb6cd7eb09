/**
 * The store is an OCI image layout other tools read: skopeo (`oci:DIR:NAME`) inspects what
 * Manifold stored and umoci (`--image DIR:NAME`) unpacks it. Skipped with a message when the
 * tools are not installed (`apt-get install -y skopeo umoci`).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ContentStore, ImageStore, openContentStore } from '../../../src/content/index.js';
import {
  type Descriptor,
  digestReadable,
  encodeConfig,
  encodeIndex,
  encodeManifest,
  MediaType,
  sha256Digest,
} from '../../../src/oci/index.js';
import { tempDir } from './fixtures.js';

function has(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
}

const skopeo = has('skopeo');
const umoci = has('umoci');
const NAME = 'docker.io/library/hello:latest';
const LIST = 'localhost:5000/team/hello:multi';
const HELLO = 'hello from manifold\n';
const messages: string[] = [];

let dir = '';
let content: ContentStore;
let manifest: Descriptor;
let manifestBytes: Buffer;
let indexBytes: Buffer;

/** A one-layer image whose layer is made by the system tar and gzip. */
async function storeHelloImage(): Promise<void> {
  const rootfs = path.join(dir, 'rootfs');
  await mkdir(path.join(rootfs, 'etc'), { recursive: true });
  await writeFile(path.join(rootfs, 'hello.txt'), HELLO);
  await writeFile(path.join(rootfs, 'etc', 'motd'), 'motd\n');
  const tar = path.join(dir, 'layer.tar');
  execFileSync('tar', [
    '--numeric-owner',
    '--owner=0',
    '--group=0',
    '-C',
    rootfs,
    '-cf',
    tar,
    'hello.txt',
    'etc',
  ]);
  execFileSync('gzip', ['-n', '-k', tar]);
  const diffId = (await digestReadable(createReadStream(tar))).digest;
  const layer = await content.writeBlob(createReadStream(`${tar}.gz`));
  const layerDesc = { mediaType: MediaType.OciLayerGzip, digest: layer.digest, size: layer.size };
  const configBytes = encodeConfig({
    created: '2024-05-06T07:08:09Z',
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: [diffId] },
  });
  const config = await content.writeBlob(configBytes);
  manifestBytes = encodeManifest({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: config.digest, size: config.size },
    layers: [layerDesc],
  });
  const m = await content.writeBlob(manifestBytes);
  manifest = { mediaType: MediaType.OciManifest, digest: m.digest, size: m.size };
  indexBytes = encodeIndex({
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [{ ...manifest, platform: { architecture: 'amd64', os: 'linux' } }],
  });
  const i = await content.writeBlob(indexBytes);
  const images = new ImageStore(content);
  await images.putImage(NAME, manifest);
  await images.putImage(LIST, { mediaType: MediaType.OciIndex, digest: i.digest, size: i.size });
}

describe('content store: read by skopeo and umoci', () => {
  before(async () => {
    dir = await tempDir();
    content = await openContentStore(path.join(dir, 'store'));
    await storeHelloImage();
  });
  after(async () => {
    await content.close();
    await rm(dir, { recursive: true, force: true });
    if (messages.length > 0) console.log(`content interop: ${messages.join('; ')}`);
  });

  it('skopeo inspect oci:STORE:NAME reads the image and its exact bytes', {
    skip: skopeo ? false : 'skopeo is not installed (apt-get install -y skopeo)',
  }, () => {
    const ref = `oci:${content.root}:${NAME}`;
    const info = JSON.parse(execFileSync('skopeo', ['inspect', ref], { encoding: 'utf8' }));
    assert.equal(info.Digest, manifest.digest);
    assert.equal(info.Architecture, 'amd64');
    assert.equal(info.Os, 'linux');
    assert.equal(info.Created, '2024-05-06T07:08:09Z');
    assert.equal(info.Layers.length, 1);
    const raw = execFileSync('skopeo', ['inspect', '--raw', ref]);
    assert.deepEqual(raw, manifestBytes);
    const rawList = execFileSync('skopeo', ['inspect', '--raw', `oci:${content.root}:${LIST}`]);
    assert.equal(sha256Digest(rawList), sha256Digest(indexBytes));
    // Through the index skopeo picks the amd64 manifest; Digest is that of the index it resolved.
    const viaList = JSON.parse(
      execFileSync(
        'skopeo',
        ['inspect', '--override-os', 'linux', '--override-arch', 'amd64', `oci:${content.root}:${LIST}`],
        { encoding: 'utf8' },
      ),
    );
    assert.equal(viaList.Digest, sha256Digest(indexBytes));
    assert.deepEqual(viaList.Layers, info.Layers);
    messages.push('skopeo read 2 names');
  });

  it('umoci unpack --rootless --image STORE:NAME unpacks the layer', {
    skip: umoci ? false : 'umoci is not installed (apt-get install -y umoci)',
  }, async () => {
    const names = execFileSync('umoci', ['ls', '--layout', content.root], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();
    assert.deepEqual(names, [NAME, LIST].sort());
    const bundle = path.join(dir, 'bundle');
    execFileSync('umoci', ['unpack', '--rootless', '--image', `${content.root}:${NAME}`, bundle], {
      stdio: 'pipe',
    });
    assert.equal(await readFile(path.join(bundle, 'rootfs', 'hello.txt'), 'utf8'), HELLO);
    assert.equal(await readFile(path.join(bundle, 'rootfs', 'etc', 'motd'), 'utf8'), 'motd\n');
    // The store is unchanged and still consistent for Manifold.
    assert.equal((await content.listNames()).length, 2);
    assert.equal((await content.gc({ dryRun: true })).blobsRemoved, 0);
    messages.push('umoci unpacked hello.txt');
  });
});

/** buildMetadata and imageId: buildx's `--metadata-file` keys and image ID rule. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { buildMetadata, imageId, newBuildRef, type OutputResult } from '../../../src/export/outputs/index.js';
import { storeTestImage, withStore } from './fixtures.js';

let keys = 0;
after(() => console.log(`metadata: ${keys} keys checked`));

describe('metadata file', () => {
  it('one platform: digest, descriptor with its creation time, config digest, names, build ref', async () => {
    await withStore(async (store) => {
      const image = await storeTestImage(store, ['linux/amd64']);
      const outputs: OutputResult[] = [
        { type: 'local', names: [], stored: [], pushed: [], written: '/out' },
        { type: 'image', image, names: ['docker.io/library/a:1', 'example.com/b:2'], stored: [], pushed: [] },
      ];
      const m = buildMetadata(outputs, 'default/default/abc');
      keys += Object.keys(m).length;
      assert.deepEqual(Object.keys(m), [
        'buildx.build.ref',
        'containerimage.config.digest',
        'containerimage.descriptor',
        'containerimage.digest',
        'image.name',
      ]);
      assert.equal(m['containerimage.digest'], image.descriptor.digest);
      assert.equal(m['containerimage.config.digest'], image.configDigest);
      assert.deepEqual(m['containerimage.descriptor'], {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: image.descriptor.digest,
        size: image.descriptor.size,
        annotations: { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
      });
      assert.equal(m['image.name'], 'docker.io/library/a:1,example.com/b:2');
      assert.equal(imageId(outputs), image.configDigest);
    });
  });

  it('several platforms: the index, no config digest; the image ID is the index digest', async () => {
    await withStore(async (store) => {
      const image = await storeTestImage(store, ['linux/amd64', 'linux/arm64']);
      const outputs: OutputResult[] = [
        { type: 'oci', image, names: [], stored: [], pushed: [], written: 'x.tar' },
      ];
      const m = buildMetadata(outputs, 'b/b0/x');
      keys += Object.keys(m).length;
      assert.deepEqual(Object.keys(m), [
        'buildx.build.ref',
        'containerimage.descriptor',
        'containerimage.digest',
      ]);
      assert.equal(imageId(outputs), image.descriptor.digest);
    });
  });

  it('no image output: only the build ref, no image ID', () => {
    const outputs: OutputResult[] = [{ type: 'tar', names: [], stored: [], pushed: [], written: '-' }];
    assert.deepEqual(buildMetadata(outputs, 'r'), { 'buildx.build.ref': 'r' });
    assert.equal(imageId(outputs), undefined);
    keys++;
  });

  it('build references look like buildx ones', () => {
    assert.match(newBuildRef('default'), /^default\/default\/[0-9a-z]{25}$/);
    assert.match(newBuildRef('ci'), /^ci\/ci0\/[0-9a-z]{25}$/);
    assert.notEqual(newBuildRef('default'), newBuildRef('default'));
  });
});

/** Media type constants and helpers (src/oci/media-types.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  baseMediaType,
  convertMediaType,
  isConfigMediaType,
  isDockerSchema1MediaType,
  isIndexMediaType,
  isKnownMediaType,
  isLayerMediaType,
  isManifestMediaType,
  isNondistributableLayer,
  layerCompression,
  layerMediaType,
  MediaType,
  mediaTypeFamily,
  toDockerMediaType,
  toOciMediaType,
  UnsupportedMediaTypeError,
} from '../../../src/oci/index.js';

describe('media type constants', () => {
  test('spell the registered names', () => {
    assert.equal(MediaType.OciIndex, 'application/vnd.oci.image.index.v1+json');
    assert.equal(MediaType.OciManifest, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(MediaType.OciConfig, 'application/vnd.oci.image.config.v1+json');
    assert.equal(MediaType.OciLayerGzip, 'application/vnd.oci.image.layer.v1.tar+gzip');
    assert.equal(MediaType.OciLayerZstd, 'application/vnd.oci.image.layer.v1.tar+zstd');
    assert.equal(MediaType.OciEmpty, 'application/vnd.oci.empty.v1+json');
    assert.equal(MediaType.DockerManifestList, 'application/vnd.docker.distribution.manifest.list.v2+json');
    assert.equal(MediaType.DockerManifest, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(MediaType.DockerConfig, 'application/vnd.docker.container.image.v1+json');
    assert.equal(MediaType.DockerLayerGzip, 'application/vnd.docker.image.rootfs.diff.tar.gzip');
    assert.equal(
      MediaType.DockerLayerForeignGzip,
      'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
    );
    assert.equal(new Set(Object.values(MediaType)).size, Object.values(MediaType).length, 'no duplicates');
  });
});

describe('classification', () => {
  test('indexes, manifests, configs', () => {
    assert.ok(isIndexMediaType(MediaType.OciIndex));
    assert.ok(isIndexMediaType(MediaType.DockerManifestList));
    assert.ok(!isIndexMediaType(MediaType.OciManifest));
    assert.ok(isManifestMediaType(MediaType.OciManifest));
    assert.ok(isManifestMediaType(MediaType.DockerManifest));
    assert.ok(!isManifestMediaType(MediaType.DockerSchema1SignedManifest));
    assert.ok(!isManifestMediaType(MediaType.OciIndex));
    assert.ok(isConfigMediaType(MediaType.OciConfig) && isConfigMediaType(MediaType.DockerConfig));
    assert.ok(!isConfigMediaType(MediaType.OciEmpty));
    assert.ok(isDockerSchema1MediaType(MediaType.DockerSchema1Manifest));
    assert.ok(isKnownMediaType(MediaType.InToto));
    assert.ok(!isKnownMediaType('application/vnd.example+type'));
  });

  test('layerCompression of every layer type', (t) => {
    const table: [string, string, boolean][] = [
      [MediaType.OciLayer, 'uncompressed', false],
      [MediaType.OciLayerGzip, 'gzip', false],
      [MediaType.OciLayerZstd, 'zstd', false],
      [MediaType.OciLayerNondistributable, 'uncompressed', true],
      [MediaType.OciLayerNondistributableGzip, 'gzip', true],
      [MediaType.OciLayerNondistributableZstd, 'zstd', true],
      [MediaType.DockerLayer, 'uncompressed', false],
      [MediaType.DockerLayerGzip, 'gzip', false],
      [MediaType.DockerLayerZstd, 'zstd', false],
      [MediaType.DockerLayerForeign, 'uncompressed', true],
      [MediaType.DockerLayerForeignGzip, 'gzip', true],
    ];
    for (const [mt, compression, foreign] of table) {
      assert.ok(isLayerMediaType(mt), mt);
      assert.equal(layerCompression(mt), compression, mt);
      assert.equal(isNondistributableLayer(mt), foreign, mt);
    }
    t.diagnostic(`layer media types: ${table.length}`);
  });

  test('layerCompression refuses what is not a layer', () => {
    for (const mt of [
      MediaType.OciConfig,
      MediaType.OciManifest,
      'application/vnd.example.data.v1.tar+gzip',
      '',
    ]) {
      assert.ok(!isLayerMediaType(mt));
      assert.throws(
        () => layerCompression(mt),
        (err: unknown) =>
          err instanceof UnsupportedMediaTypeError &&
          err.code === 'E_MEDIA_TYPE_UNSUPPORTED' &&
          err.message.includes(JSON.stringify(mt)),
      );
    }
  });
});

describe('conversion', () => {
  test('layerMediaType picks family, compression and distributability', () => {
    assert.equal(layerMediaType('oci', 'gzip'), MediaType.OciLayerGzip);
    assert.equal(layerMediaType('oci', 'zstd'), MediaType.OciLayerZstd);
    assert.equal(layerMediaType('oci', 'uncompressed'), MediaType.OciLayer);
    assert.equal(layerMediaType('docker', 'gzip'), MediaType.DockerLayerGzip);
    assert.equal(layerMediaType('docker', 'uncompressed', true), MediaType.DockerLayerForeign);
    assert.equal(layerMediaType('oci', 'zstd', true), MediaType.OciLayerNondistributableZstd);
    assert.throws(() => layerMediaType('docker', 'zstd', true), UnsupportedMediaTypeError);
  });

  test('OCI ⇄ Docker round trips', (t) => {
    const pairs: [string, string][] = [
      [MediaType.OciIndex, MediaType.DockerManifestList],
      [MediaType.OciManifest, MediaType.DockerManifest],
      [MediaType.OciConfig, MediaType.DockerConfig],
      [MediaType.OciLayer, MediaType.DockerLayer],
      [MediaType.OciLayerGzip, MediaType.DockerLayerGzip],
      [MediaType.OciLayerZstd, MediaType.DockerLayerZstd],
      [MediaType.OciLayerNondistributable, MediaType.DockerLayerForeign],
      [MediaType.OciLayerNondistributableGzip, MediaType.DockerLayerForeignGzip],
    ];
    for (const [oci, docker] of pairs) {
      assert.equal(toDockerMediaType(oci), docker);
      assert.equal(toOciMediaType(docker), oci);
      assert.equal(toOciMediaType(oci), oci);
      assert.equal(toDockerMediaType(docker), docker);
      assert.equal(mediaTypeFamily(oci), 'oci');
      assert.equal(mediaTypeFamily(docker), 'docker');
    }
    for (const other of [MediaType.OciEmpty, MediaType.InToto, 'application/vnd.example+type']) {
      assert.equal(toDockerMediaType(other), other);
      assert.equal(convertMediaType(other, 'oci'), other);
    }
    assert.throws(() => toDockerMediaType(MediaType.OciLayerNondistributableZstd), UnsupportedMediaTypeError);
    t.diagnostic(`conversion pairs: ${pairs.length}`);
  });

  test('baseMediaType strips parameters', () => {
    assert.equal(baseMediaType('application/vnd.oci.image.index.v1+json; charset=utf-8'), MediaType.OciIndex);
    assert.equal(baseMediaType(' Application/JSON '), 'application/json');
  });
});

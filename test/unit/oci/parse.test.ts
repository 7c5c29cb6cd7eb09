/** parseManifestOrIndex and parseImageConfig (src/oci/parse.ts) and the typed decoder. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  decodeDescriptor,
  decodeManifest,
  MediaType,
  OciDecodeError,
  parseImageConfig,
  parseManifestOrIndex,
  sha256Digest,
  UnsupportedMediaTypeError,
} from '../../../src/oci/index.js';
import { conformancePath } from '../../helpers/paths.js';

const root = conformancePath('oci-image-spec');
const read = (f: string): Buffer => readFileSync(path.join(root, f));

const CFG = 'sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7';
const LAYER = 'sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0';
const desc = (mediaType: string, digest = LAYER): object => ({ mediaType, digest, size: 1 });

function expectDecodeError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof OciDecodeError, String(err));
    assert.equal(err.code, 'E_OCI_DECODE');
    assert.match(err.message, pattern);
    return true;
  });
}

describe('parseManifestOrIndex: kind detection', () => {
  test('by the document mediaType', () => {
    const m = parseManifestOrIndex(read('examples/manifest-1.json'));
    assert.equal(m.kind, 'manifest');
    assert.equal(m.mediaType, MediaType.OciManifest);
    if (m.kind === 'manifest') assert.equal(m.manifest.layers.length, 3);
    const i = parseManifestOrIndex(read('examples/image-index-1.json'));
    assert.equal(i.kind, 'index');
    if (i.kind === 'index')
      assert.deepEqual(i.index.manifests[0]?.platform, { architecture: 'ppc64le', os: 'linux' });
  });

  test('Docker schema 2 documents keep their media type; digest is over the exact bytes', () => {
    for (const [file, kind, mediaType] of [
      ['validation-cases/backwards_compatibility/manifest-00.json', 'manifest', MediaType.DockerManifest],
      ['validation-cases/backwards_compatibility/imageIndex-00.json', 'index', MediaType.DockerManifestList],
    ] as const) {
      const bytes = read(file);
      const parsed = parseManifestOrIndex(bytes);
      assert.equal(parsed.kind, kind);
      assert.equal(parsed.mediaType, mediaType);
      assert.equal(parsed.digest, sha256Digest(bytes));
      assert.equal(parsed.size, bytes.length);
      assert.ok(parsed.bytes.equals(bytes));
    }
  });

  test('by Content-Type when the document has no mediaType', () => {
    const body = JSON.stringify({ schemaVersion: 2, manifests: [] });
    const parsed = parseManifestOrIndex(body, `${MediaType.DockerManifestList}; charset=utf-8`);
    assert.equal(parsed.kind, 'index');
    assert.equal(parsed.mediaType, MediaType.DockerManifestList);
  });

  test('by shape when neither names it (generic Content-Type ignored)', () => {
    const idx = parseManifestOrIndex(JSON.stringify({ schemaVersion: 2, manifests: [] }), 'application/json');
    assert.equal(idx.kind, 'index');
    assert.equal(idx.mediaType, MediaType.OciIndex);
    const man = parseManifestOrIndex(
      JSON.stringify({
        schemaVersion: 2,
        config: desc(MediaType.OciConfig, CFG),
        layers: [desc(MediaType.OciLayerGzip)],
      }),
    );
    assert.equal(man.kind, 'manifest');
    assert.equal(man.mediaType, MediaType.OciManifest);
  });
});

describe('parseManifestOrIndex: rejections', () => {
  test('unknown and non-manifest media types', () => {
    for (const mediaType of ['application/vnd.example+json', MediaType.OciConfig, MediaType.OciLayerGzip]) {
      const body = JSON.stringify({ schemaVersion: 2, mediaType, manifests: [] });
      assert.throws(
        () => parseManifestOrIndex(body),
        (err: unknown) =>
          err instanceof UnsupportedMediaTypeError &&
          err.code === 'E_MEDIA_TYPE_UNSUPPORTED' &&
          err.message.includes(JSON.stringify(mediaType)),
      );
    }
  });

  test('Docker schema 1', () => {
    assert.throws(
      () => parseManifestOrIndex(JSON.stringify({ schemaVersion: 1, name: 'x', fsLayers: [] })),
      /schema 1 is not supported/,
    );
    assert.throws(
      () => parseManifestOrIndex('{}', MediaType.DockerSchema1SignedManifest),
      /schema 1 is not supported/,
    );
  });

  test('contradictions, bad JSON and wrong types', () => {
    expectDecodeError(() => parseManifestOrIndex('not json'), /not valid JSON/);
    expectDecodeError(() => parseManifestOrIndex('[]'), /expected a JSON object/);
    expectDecodeError(() => parseManifestOrIndex('{"schemaVersion":2}'), /no mediaType/);
    expectDecodeError(
      () =>
        parseManifestOrIndex(
          JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [], layers: [] }),
        ),
      /must not have a "layers" member/,
    );
    expectDecodeError(
      () =>
        parseManifestOrIndex(
          JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] }),
          MediaType.OciManifest,
        ),
      /differs from the Content-Type/,
    );
    expectDecodeError(
      () =>
        parseManifestOrIndex(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: MediaType.OciManifest,
            config: desc(MediaType.OciConfig, CFG),
            layers: [{ ...desc(MediaType.OciLayer), size: '1' }],
          }),
        ),
      /at layers\[0\]\.size: expected an integer, got string "1"/,
    );
    expectDecodeError(
      () => parseManifestOrIndex(JSON.stringify({ schemaVersion: 3, manifests: [] })),
      /at schemaVersion: expected 2, got 3/,
    );
    expectDecodeError(
      () =>
        parseManifestOrIndex(
          JSON.stringify({ schemaVersion: 2, manifests: [desc(MediaType.OciManifest, 'sha256:abc')] }),
        ),
      /manifests\[0\]\.digest: .*exactly 64 hex digits/,
    );
  });
});

describe('typed decoding', () => {
  test('drops unknown members, treats null as absent, keeps known ones', () => {
    const d = decodeDescriptor({ ...desc(MediaType.OciLayer), urls: null, foo: 1, annotations: { a: 'b' } });
    assert.deepEqual(d, { mediaType: MediaType.OciLayer, digest: LAYER, size: 1, annotations: { a: 'b' } });
  });

  test('negative sizes, bad base64 and missing members fail', () => {
    expectDecodeError(
      () => decodeDescriptor({ ...desc(MediaType.OciLayer), size: -1 }),
      /must not be negative/,
    );
    expectDecodeError(() => decodeDescriptor({ ...desc(MediaType.OciLayer), data: 'e30' }), /base64/);
    expectDecodeError(() => decodeDescriptor({ digest: LAYER, size: 1 }), /"mediaType" is missing/);
    expectDecodeError(
      () => decodeManifest({ schemaVersion: 2, config: desc(MediaType.OciConfig, CFG) }),
      /"layers" is missing/,
    );
  });

  test('grammar mode accepts digests Manifold cannot compute', () => {
    const odd = {
      mediaType: MediaType.OciConfig,
      size: 1,
      digest: 'sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564',
    };
    assert.equal(decodeDescriptor(odd, { digests: 'grammar' }).digest, odd.digest);
    expectDecodeError(() => decodeDescriptor(odd), /unsupported algorithm/);
  });
});

describe('parseImageConfig', () => {
  test('reads Docker Hub configs, dropping members outside the OCI/Docker layout', () => {
    const cfg = parseImageConfig(read('validation-cases/backwards_compatibility/config-01.json'));
    assert.equal(cfg.os, 'linux');
    assert.equal(cfg.rootfs.type, 'layers');
    assert.ok(cfg.rootfs.diff_ids.length > 0);
    assert.equal((cfg as unknown as Record<string, unknown>).container_config, undefined);
  });

  test('rejects a bad rootfs type and a bad time', () => {
    const base = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } };
    expectDecodeError(
      () => parseImageConfig(JSON.stringify({ ...base, rootfs: { type: 'tar', diff_ids: [] } })),
      /rootfs\.type: expected one of "layers"/,
    );
    expectDecodeError(
      () => parseImageConfig(JSON.stringify({ ...base, created: 'yesterday' })),
      /not an RFC 3339 date-time/,
    );
  });
});

/** The canonical encoding (src/oci/canonical-json.ts, src/gofmt/json.ts): Go json.Marshal bytes. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  type Descriptor,
  decodeImageConfig,
  decodeIndex,
  decodeManifest,
  EMPTY_DESCRIPTOR,
  EMPTY_JSON_BYTES,
  encodeConfig,
  encodeDescriptor,
  encodeImageLayout,
  encodeIndex,
  encodeManifest,
  goMarshalValue,
  goQuote,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  MediaType,
  OciEncodeError,
  parseDigest,
  sha256Digest,
  validateImageConfig,
  validateImageIndex,
  validateImageManifest,
} from '../../../src/oci/index.js';
import { conformancePath } from '../../helpers/paths.js';

const C = parseDigest('sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7');
const L1 = parseDigest('sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0');
const M1 = parseDigest('sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f');
const D1 = parseDigest('sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef');

describe('Go string escaping', () => {
  test('escapes as encoding/json does', (t) => {
    const table: [string, string][] = [
      ['plain', '"plain"'],
      ['<a href="x">&</a>', '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"'],
      ['back\\slash', '"back\\\\slash"'],
      ['\b\f\n\r\t', '"\\b\\f\\n\\r\\t"'],
      ['\u0000\u0001\u001f', '"\\u0000\\u0001\\u001f"'],
      ['\u007f', '"\u007f"'],
      ['line\u2028para\u2029', '"line\\u2028para\\u2029"'],
      ['é ü 日本 😀', '"é ü 日本 😀"'],
      ['lone \ud800 high', '"lone \\ufffd high"'],
      ['lone \udc00 low', '"lone \\ufffd low"'],
      ['/slash/', '"/slash/"'],
    ];
    for (const [input, want] of table) assert.equal(goQuote(input), want, JSON.stringify(input));
    t.diagnostic(`escaping cases: ${table.length}`);
  });

  test('map keys sort by UTF-8 bytes, not UTF-16 units', () => {
    // U+FF21 is EF BC A1 in UTF-8, U+1F600 is F0 9F 98 80: Go puts U+FF21 first; a UTF-16 sort would not.
    assert.equal(goMarshalValue({ '😀': 1, Ａ: 2, b: 3, a: 4, B: 5 }), '{"B":5,"a":4,"b":3,"Ａ":2,"😀":1}');
    assert.equal(
      goMarshalValue([null, true, false, 0, -12, 'x', { k: [] }]),
      '[null,true,false,0,-12,"x",{"k":[]}]',
    );
  });
});

describe('canonical documents', () => {
  const manifest = {
    extra: 'dropped: not a manifest member',
    annotations: { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
    layers: [
      { size: 32654, annotations: { z: '1', a: '<b>' }, digest: L1, mediaType: MediaType.OciLayerGzip },
    ],
    config: { size: 7023, digest: C, mediaType: MediaType.OciConfig },
    mediaType: MediaType.OciManifest,
    schemaVersion: 2,
  } as ImageManifest;
  const manifestJson =
    '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",' +
    '"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7","size":7023},' +
    '"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0","size":32654,"annotations":{"a":"\\u003cb\\u003e","z":"1"}}],' +
    '"annotations":{"org.opencontainers.image.created":"2024-01-01T00:00:00Z"}}';

  test('manifest: Go member order, sorted maps, unknown members dropped; pinned digest', () => {
    const bytes = encodeManifest(manifest);
    assert.equal(bytes.toString('utf8'), manifestJson);
    assert.equal(
      sha256Digest(bytes),
      'sha256:eeb5edca5c4694169ce94e143b15ad7979bb6ef6a0ab53727fdd01d890113a54',
    );
    assert.deepEqual(validateImageManifest(bytes), []);
  });

  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [
      {
        mediaType: MediaType.OciManifest,
        digest: M1,
        size: 7143,
        platform: {
          variant: 'v7',
          'os.features': ['b', 'a'],
          architecture: 'arm',
          os: 'linux',
          'os.version': '',
        },
      },
      {
        mediaType: MediaType.OciManifest,
        digest: C,
        size: 566,
        annotations: {
          'vnd.docker.reference.type': 'attestation-manifest',
          'vnd.docker.reference.digest': M1,
        },
        platform: { architecture: 'unknown', os: 'unknown' },
      },
    ],
  };
  const indexJson =
    '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[' +
    '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f","size":7143,"platform":{"architecture":"arm","os":"linux","os.features":["b","a"],"variant":"v7"}},' +
    '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7","size":566,"annotations":{"vnd.docker.reference.digest":"sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f","vnd.docker.reference.type":"attestation-manifest"},"platform":{"architecture":"unknown","os":"unknown"}}]}';

  test('index: platform members in Go order, empty os.version omitted; pinned digest', () => {
    const bytes = encodeIndex(index);
    assert.equal(bytes.toString('utf8'), indexJson);
    assert.equal(
      sha256Digest(bytes),
      'sha256:8332b736593b7dc298322a666a28329eb3fea00b588e7f1929d8b736e08cddb2',
    );
    assert.deepEqual(validateImageIndex(bytes), []);
  });

  const config: ImageConfig = {
    rootfs: { diff_ids: [D1], type: 'layers' },
    os: 'linux',
    architecture: 'amd64',
    created: '2024-01-01T00:00:00Z',
    config: {
      Shell: ['/bin/sh', '-c'],
      Healthcheck: {
        Retries: 3,
        Test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
        Interval: 30_000_000_000,
      },
      Labels: { 'org.example.b': 'x', 'org.example.a': 'y & z' },
      Entrypoint: [],
      Cmd: ['sh'],
      Env: ['PATH=/usr/bin:/bin'],
      ExposedPorts: { '80/tcp': {}, '443/tcp': {} },
      WorkingDir: '/app',
      User: '1000:1000',
      ArgsEscaped: false,
    },
    history: [
      {
        empty_layer: true,
        created_by: 'CMD ["sh"]',
        created: '2024-01-01T00:00:00Z',
        comment: 'buildkit.dockerfile.v0',
      },
    ],
  };
  const configJson =
    '{"created":"2024-01-01T00:00:00Z","architecture":"amd64","os":"linux",' +
    '"config":{"User":"1000:1000","ExposedPorts":{"443/tcp":{},"80/tcp":{}},"Env":["PATH=/usr/bin:/bin"],"Cmd":["sh"],"WorkingDir":"/app",' +
    '"Labels":{"org.example.a":"y \\u0026 z","org.example.b":"x"},' +
    '"Healthcheck":{"Test":["CMD-SHELL","curl -f http://localhost/ || exit 1"],"Interval":30000000000,"Retries":3},"Shell":["/bin/sh","-c"]},' +
    '"rootfs":{"type":"layers","diff_ids":["sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"]},' +
    '"history":[{"created":"2024-01-01T00:00:00Z","created_by":"CMD [\\"sh\\"]","comment":"buildkit.dockerfile.v0","empty_layer":true}]}';

  test('config: Docker extensions after the OCI members, omitempty as Go; pinned digest', () => {
    const bytes = encodeConfig(config);
    assert.equal(bytes.toString('utf8'), configJson);
    assert.equal(
      sha256Digest(bytes),
      'sha256:9ae3b80efabfb9e8fad43e474f653d8f68c28d8d4b99bf8c385271c2d65a9785',
    );
    assert.deepEqual(validateImageConfig(bytes), []);
  });

  test('config: absent config is written as {} and absent diff_ids as [] (as Go does)', () => {
    const minimal = {
      architecture: 'arm64',
      os: 'linux',
      rootfs: { type: 'layers' },
    } as unknown as ImageConfig;
    assert.equal(
      encodeConfig(minimal).toString(),
      '{"architecture":"arm64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}',
    );
  });

  test('descriptor, empty descriptor and oci-layout', () => {
    assert.equal(
      encodeDescriptor(EMPTY_DESCRIPTOR).toString(),
      '{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"data":"e30="}',
    );
    assert.equal(sha256Digest(EMPTY_JSON_BYTES), EMPTY_DESCRIPTOR.digest);
    assert.equal(
      encodeImageLayout({ imageLayoutVersion: '1.0.0' }).toString(),
      '{"imageLayoutVersion":"1.0.0"}',
    );
    const zero: Descriptor = {
      mediaType: MediaType.OciLayer,
      digest: D1,
      size: 0,
      urls: [],
      annotations: {},
    };
    assert.equal(
      encodeDescriptor(zero).toString(),
      `{"mediaType":"${MediaType.OciLayer}","digest":"${D1}","size":0}`,
    );
  });

  test('encoding errors name the member', () => {
    const noConfig = { schemaVersion: 2, layers: [] } as unknown as ImageManifest;
    assert.throws(
      () => encodeManifest(noConfig),
      (e: unknown) => e instanceof OciEncodeError && e.code === 'E_OCI_ENCODE' && /config/.test(e.message),
    );
    const badSize = { ...manifest, config: { ...manifest.config, size: 1.5 } };
    assert.throws(() => encodeManifest(badSize), /config\.size: expected an integer, got 1\.5/);
    const badLabel = { ...config, config: { Labels: { a: 1 } } } as unknown as ImageConfig;
    assert.throws(() => encodeConfig(badLabel), /config\.Labels\.a: expected a string/);
  });
});

/** A copy without members whose value is "", false, null, [] or {} (after the same removal inside). */
function withoutEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutEmpty);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, inner] of Object.entries(v)) {
    const w = withoutEmpty(inner);
    const empty =
      w === '' ||
      w === false ||
      w === null ||
      (Array.isArray(w) && w.length === 0) ||
      (typeof w === 'object' && w !== null && Object.keys(w).length === 0);
    if (!empty) out[k] = w;
  }
  return out;
}

describe('round trips over the conformance documents', () => {
  const root = conformancePath('oci-image-spec');
  const docs: [string, 'manifest' | 'index' | 'config'][] = [
    ['examples/manifest-1.json', 'manifest'],
    ['examples/manifest-3.json', 'manifest'],
    ['examples/manifest-4.json', 'manifest'],
    ['examples/manifest-5.json', 'manifest'],
    ['examples/image-index-1.json', 'index'],
    ['examples/image-index-2.json', 'index'],
    ['examples/image-layout-2.json', 'index'],
    ['examples/config-1.json', 'config'],
    ['validation-cases/config/07.json', 'config'],
    ['validation-cases/manifest/03.json', 'manifest'],
    ['validation-cases/imageindex/06.json', 'index'],
    ['validation-cases/backwards_compatibility/config-00.json', 'config'],
    ['validation-cases/backwards_compatibility/config-01.json', 'config'],
    ['validation-cases/backwards_compatibility/manifest-00.json', 'manifest'],
    ['validation-cases/backwards_compatibility/imageIndex-00.json', 'index'],
  ];
  const codecs = {
    manifest: { decode: decodeManifest, encode: (v: unknown) => encodeManifest(v as ImageManifest) },
    index: { decode: decodeIndex, encode: (v: unknown) => encodeIndex(v as ImageIndex) },
    config: { decode: decodeImageConfig, encode: (v: unknown) => encodeConfig(v as ImageConfig) },
  };

  test('decode → encode → decode → encode is stable and keeps every known member', (t) => {
    for (const [file, kind] of docs) {
      const raw: unknown = JSON.parse(readFileSync(path.join(root, file), 'utf8'));
      const { decode, encode } = codecs[kind];
      const value = decode(raw);
      const once = encode(value);
      const again = encode(decode(JSON.parse(once.toString('utf8'))));
      assert.deepEqual(again, once, file);
      assert.ok(!once.includes('\n') && !once.includes(': '), `${file}: compact`);
      // Go's omitempty drops "", [], {} and false: compare with those removed on both sides.
      assert.deepEqual(withoutEmpty(JSON.parse(once.toString('utf8'))), withoutEmpty(value), file);
    }
    t.diagnostic(`round-tripped documents: ${docs.length}`);
  });
});

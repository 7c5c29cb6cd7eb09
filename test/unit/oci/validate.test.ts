/** The rules beyond the schemas and the throwing variants (src/oci/validate.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertValidDescriptor,
  assertValidImageConfig,
  assertValidImageIndex,
  assertValidImageLayout,
  assertValidImageManifest,
  EMPTY_DESCRIPTOR,
  MediaType,
  OciValidationError,
  validateDescriptor,
  validateImageConfig,
  validateImageIndex,
  validateImageLayout,
  validateImageManifest,
} from '../../../src/oci/index.js';

const DIG = 'sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0';
const layer = { mediaType: MediaType.OciLayerGzip, digest: DIG, size: 10 };
const configDesc = { mediaType: MediaType.OciConfig, digest: DIG, size: 10 };
const manifest = { schemaVersion: 2, mediaType: MediaType.OciManifest, config: configDesc, layers: [layer] };
const index = {
  schemaVersion: 2,
  mediaType: MediaType.OciIndex,
  manifests: [{ ...layer, mediaType: MediaType.OciManifest }],
};
const config = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [DIG] } };

const paths = (problems: { path: string }[]): string[] => problems.map((p) => p.path);

describe('rules beyond the schema', () => {
  test('valid documents give no problem, as values, text or bytes', () => {
    assert.deepEqual(validateImageManifest(manifest), []);
    assert.deepEqual(validateImageManifest(JSON.stringify(manifest)), []);
    assert.deepEqual(validateImageManifest(Buffer.from(JSON.stringify(manifest))), []);
    assert.deepEqual(validateImageIndex(index), []);
    assert.deepEqual(validateImageConfig(config), []);
    assert.deepEqual(validateDescriptor(EMPTY_DESCRIPTOR), []);
    assert.deepEqual(validateImageLayout({ imageLayoutVersion: '1.0.0' }), []);
  });

  test('known algorithms need their exact length of lower-case hex, everywhere', () => {
    const short = 'sha512:abcdef';
    assert.deepEqual(paths(validateImageManifest({ ...manifest, layers: [{ ...layer, digest: short }] })), [
      '/layers/0/digest',
    ]);
    assert.deepEqual(paths(validateImageIndex({ ...index, subject: { ...layer, digest: short } })), [
      '/subject/digest',
    ]);
    assert.deepEqual(
      paths(
        validateImageConfig({
          ...config,
          rootfs: { type: 'layers', diff_ids: [DIG.toUpperCase().replace('SHA', 'sha')] },
        }),
      ),
      ['/rootfs/diff_ids/0'],
    );
  });

  test('embedded data must match size and digest', () => {
    assert.deepEqual(paths(validateDescriptor({ ...EMPTY_DESCRIPTOR, size: 3 })), ['/data']);
    const wrong = validateDescriptor({ ...EMPTY_DESCRIPTOR, data: 'W10=' });
    assert.equal(wrong.length, 1);
    assert.match(wrong[0]?.message ?? '', /has digest sha256:4f53cda1/);
  });

  test('own mediaType must name the kind of document', () => {
    assert.deepEqual(paths(validateImageManifest({ ...manifest, mediaType: MediaType.OciIndex })), [
      '/mediaType',
    ]);
    assert.deepEqual(paths(validateImageIndex({ ...index, mediaType: MediaType.OciManifest })), [
      '/mediaType',
    ]);
    assert.deepEqual(validateImageManifest({ ...manifest, mediaType: MediaType.DockerManifest }), []);
    assert.deepEqual(validateImageIndex({ ...index, mediaType: MediaType.DockerManifestList }), []);
  });

  test('the empty config requires artifactType', () => {
    const artifact = { ...manifest, config: EMPTY_DESCRIPTOR };
    assert.deepEqual(paths(validateImageManifest(artifact)), ['/artifactType']);
    assert.deepEqual(
      validateImageManifest({ ...artifact, artifactType: 'application/vnd.example+type' }),
      [],
    );
  });

  test("Env entries must be NAME=value, as Go's ^[^=]+=.*$ decides", () => {
    const withEnv = (Env: string[]): unknown => ({ ...config, config: { Env } });
    assert.deepEqual(validateImageConfig(withEnv(['A=', 'B=c=d', 'C=x y'])), []);
    assert.deepEqual(paths(validateImageConfig(withEnv(['=x', 'NOEQ', 'A=line\nbreak']))), [
      '/config/Env/0',
      '/config/Env/1',
      '/config/Env/2',
    ]);
  });

  test('typed decoding catches what the schema lets through', () => {
    const problems = validateImageConfig({ ...config, config: { Healthcheck: { Test: 'CMD true' } } });
    assert.deepEqual(paths(problems), ['/config/Healthcheck/Test']);
    assert.match(problems[0]?.message ?? '', /expected a list/);
  });

  test('invalid JSON is one problem at the document', () => {
    assert.deepEqual(paths(validateImageLayout('1.0.0}')), ['']);
  });
});

describe('assertValid… variants', () => {
  test('pass silently on valid documents', () => {
    assertValidImageManifest(manifest);
    assertValidImageIndex(index);
    assertValidImageConfig(config);
    assertValidDescriptor(layer);
    assertValidImageLayout({ imageLayoutVersion: '1.0.0' });
  });

  test('throw E_OCI_INVALID listing every problem', () => {
    const bad = { ...manifest, config: { ...configDesc, size: 'x' }, layers: [] };
    assert.throws(
      () => assertValidImageManifest(bad),
      (err: unknown) => {
        assert.ok(err instanceof OciValidationError);
        assert.equal(err.code, 'E_OCI_INVALID');
        assert.deepEqual(paths([...err.problems]).sort(), ['/config/size', '/layers']);
        assert.match(err.message, /invalid image manifest: 2 problem\(s\)/);
        assert.match(err.message, /\/config\/size: must be integer \(got "x"\)/);
        return true;
      },
    );
    assert.throws(
      () => assertValidImageLayout({ imageLayoutVersion: '2.0.0' }),
      /must be equal to one of the allowed values \["1\.0\.0"\]/,
    );
    assert.throws(() => assertValidDescriptor({}), OciValidationError);
    assert.throws(() => assertValidImageIndex({ schemaVersion: 1, manifests: [] }), OciValidationError);
    assert.throws(() => assertValidImageConfig({ os: 'linux' }), OciValidationError);
  });
});

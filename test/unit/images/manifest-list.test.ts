/**
 * Docker's manifest list bytes, the local list files (order, round trip, corruption) and the
 * buildx human view of `imagetools inspect`.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  dockerImageManifestJson,
  dockerListBytes,
  goIndent,
  isValidOsArch,
  ManifestListCorruptError,
  ManifestListStore,
  type RemoteImage,
  renderInspectView,
} from '../../../src/images/index.js';
import {
  type Digest,
  encodeIndex,
  MediaType,
  parseManifestOrIndex,
  sha256Digest,
} from '../../../src/oci/index.js';
import { parseReference } from '../../../src/registry/index.js';

let checks = 0;
after(() => console.log(`manifest-list: ${checks} checks`));

const raw = Buffer.from(
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:' +
    'a'.repeat(64) +
    '","size":2},"layers":[]}',
);
const digest = sha256Digest(raw);

describe('dockerListBytes', () => {
  it('is docker list type unless the first entry is an OCI manifest; three-space indent, no newline', () => {
    const oci = dockerListBytes([
      {
        mediaType: MediaType.OciManifest,
        digest,
        size: raw.length,
        platform: { architecture: 'arm', os: 'linux', variant: 'v7' },
      },
    ]);
    assert.equal(oci.mediaType, MediaType.OciIndex);
    assert.match(
      oci.bytes.toString(),
      /^\{\n {3}"schemaVersion": 2,\n {3}"mediaType": "application\/vnd\.oci\.image\.index\.v1\+json",/,
    );
    assert.ok(!oci.bytes.toString().endsWith('\n'));
    assert.ok(oci.bytes.toString().includes('"size": ' + raw.length + ',\n         "digest"'));
    const docker = dockerListBytes([
      {
        mediaType: MediaType.DockerManifest,
        digest,
        size: 5,
        platform: { architecture: 'amd64', os: 'linux' },
      },
    ]);
    assert.equal(docker.mediaType, MediaType.DockerManifestList);
    checks += 5;
  });
  it('prints inspect -v entries with Ref, Descriptor, Raw and the manifest', () => {
    const text = goIndent(
      dockerImageManifestJson('r/a:1', { mediaType: MediaType.OciManifest, digest, size: raw.length }, raw),
      '',
      '\t',
    );
    const v = JSON.parse(text);
    assert.deepEqual(Object.keys(v), ['Ref', 'Descriptor', 'Raw', 'OCIManifest']);
    assert.equal(Buffer.from(v.Raw, 'base64').toString(), raw.toString());
    assert.match(text, /^\{\n\t"Ref": "r\/a:1",\n\t"Descriptor": \{\n\t\t"mediaType"/);
    checks += 3;
  });
  it('knows docker annotate os/arch pairs', () => {
    assert.equal(isValidOsArch('linux', 'arm64'), true);
    assert.equal(isValidOsArch('linux', 'aarch64'), false);
    checks += 2;
  });
});

describe('ManifestListStore', () => {
  it('round-trips lists in docker order, lists and removes them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'manifold-lists-'));
    try {
      const store = new ManifestListStore(path.join(dir, 'manifests'));
      assert.deepEqual(await store.names(), []);
      const entry = (ref: string) => ({
        ref,
        descriptor: { mediaType: MediaType.OciManifest, digest, size: raw.length },
        raw,
      });
      const name = '127.0.0.1:5000/app:v1';
      await store.save({
        name,
        entries: [
          entry('127.0.0.1:5000/img:arm64'),
          entry('127.0.0.1:5000/img:amd64'),
          entry('127.0.0.1:5000/img:arm-v7'),
        ],
      });
      const back = await store.get(name);
      assert.deepEqual(
        back?.entries.map((e) => e.ref),
        ['127.0.0.1:5000/img:amd64', '127.0.0.1:5000/img:arm-v7', '127.0.0.1:5000/img:arm64'],
      );
      assert.equal(back?.entries[0]?.raw.toString(), raw.toString());
      assert.deepEqual(await store.names(), [name]);
      assert.equal(await store.remove(name), true);
      assert.equal(await store.remove(name), false);
      assert.equal(await store.get(name), undefined);
      await writeFile(
        path.join(dir, 'manifests', `${encodeURIComponent('x/y:z')}.json`),
        '{"name":"x/y:z","manifests":[{"Ref":"a","Descriptor":{"mediaType":"m","digest":"' +
          digest +
          '","size":1},"Raw":"e30="}]}',
      );
      await assert.rejects(store.get('x/y:z'), ManifestListCorruptError);
      checks += 8;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('renderInspectView', () => {
  it('lays out an index as buildx does, annotations included', () => {
    const child = (d: string, arch: string, extra = {}) => ({
      mediaType: MediaType.OciManifest,
      digest: `sha256:${d.repeat(64)}` as Digest,
      size: 10,
      platform: { architecture: arch, os: 'linux', ...extra },
    });
    const bytes = encodeIndex({
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: [
        child('1', 'amd64'),
        {
          ...child('2', 'arm', { variant: 'v7', 'os.features': ['f1', 'f2'] }),
          annotations: { 'org.opencontainers.image.title': 'x', a: 'b' },
        },
        { mediaType: MediaType.OciManifest, digest: `sha256:${'3'.repeat(64)}` as Digest, size: 5 },
      ],
    });
    const document = parseManifestOrIndex(bytes);
    const image: RemoteImage = {
      input: 'r.example/app:v1',
      reference: parseReference('r.example/app:v1'),
      name: 'r.example/app:v1',
      raw: bytes,
      descriptor: { mediaType: MediaType.OciIndex, digest: document.digest, size: bytes.length },
      document,
      images: undefined,
    };
    const d = (c: string) => `sha256:${c.repeat(64)}`;
    const want = [
      'Name:      r.example/app:v1',
      'MediaType: application/vnd.oci.image.index.v1+json',
      `Digest:    ${document.digest}`,
      '           ',
      'Manifests: ',
      `  Name:        r.example/app:v1@${d('1')}`,
      '  MediaType:   application/vnd.oci.image.manifest.v1+json',
      '  Platform:    linux/amd64',
      '               ',
      `  Name:        r.example/app:v1@${d('2')}`,
      '  MediaType:   application/vnd.oci.image.manifest.v1+json',
      '  Platform:    linux/arm/v7',
      '  OSFeatures:  f1, f2',
      '  Annotations: ',
      '    a:                              b',
      '    org.opencontainers.image.title: x',
      '             ',
      `  Name:      r.example/app:v1@${d('3')}`,
      '  MediaType: application/vnd.oci.image.manifest.v1+json',
      '',
    ].join('\n');
    assert.equal(renderInspectView(image), want);
    checks++;
  });
});

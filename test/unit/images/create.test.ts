/**
 * `imagetools create` inputs and index building: source and annotation parsing, and the index
 * rules (carbon copy, dedupe and merge, Docker list vs OCI index, annotations), with bytes that
 * are Go's MarshalIndent of the index (as buildx pushes).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  combineSources,
  ImagetoolsInputError,
  parseCreateAnnotations,
  parseCreateSource,
  type ResolvedSource,
} from '../../../src/images/index.js';
import {
  type Descriptor,
  type Digest,
  encodeIndex,
  MediaType,
  sha256Digest,
} from '../../../src/oci/index.js';

let checks = 0;
after(() => console.log(`create: ${checks} checks`));

const D1 = `sha256:${'1'.repeat(64)}` as Digest;
const D2 = `sha256:${'2'.repeat(64)}` as Digest;
const D3 = `sha256:${'3'.repeat(64)}` as Digest;
const repoA = { registry: 'r.example', repository: 'a' };
const repoB = { registry: 'r.example', repository: 'b' };

describe('sources', () => {
  it('parses digests, references and descriptor JSON', () => {
    assert.deepEqual(parseCreateSource(D1), { text: D1, given: { digest: D1 } });
    assert.equal(parseCreateSource('alpine:3').reference?.repository, 'library/alpine');
    const json = `{"digest":"${D2}","platform":{"os":"linux","architecture":"arm64"},"annotations":{"k":"v"}}`;
    assert.deepEqual(parseCreateSource(json).given, {
      digest: D2,
      platform: { architecture: 'arm64', os: 'linux' },
      annotations: { k: 'v' },
    });
    checks += 3;
  });
  it('refuses bad sources with the rule', () => {
    for (const bad of ['sha256:xyz', 'UPPER/Case:tag:x', '{"digest":"nope"}', '{not json']) {
      assert.throws(() => parseCreateSource(bad), ImagetoolsInputError, bad);
      checks++;
    }
  });
  it('parses annotations by type and platform', () => {
    assert.deepEqual(
      parseCreateAnnotations([
        'a=b',
        'index:c=d',
        'manifest-descriptor[linux/arm64]:e=f=g',
        'index,manifest-descriptor:h=',
      ]),
      [
        { type: 'index', key: 'a', value: 'b' },
        { type: 'index', key: 'c', value: 'd' },
        {
          type: 'manifest-descriptor',
          key: 'e',
          value: 'f=g',
          platform: { os: 'linux', architecture: 'arm64' },
        },
        { type: 'index', key: 'h', value: '' },
        { type: 'manifest-descriptor', key: 'h', value: '' },
      ],
    );
    checks++;
    for (const bad of [
      'novalue',
      'manifest:k=v',
      'index-descriptor:k=v',
      'bogus:k=v',
      'index[linux/amd64]:k=v',
      'Index:k=v',
    ]) {
      assert.throws(() => parseCreateAnnotations([bad]), ImagetoolsInputError, bad);
      checks++;
    }
  });
});

function manifestSource(
  digest: Digest,
  from: typeof repoA,
  mediaType: string = MediaType.OciManifest,
  arch = 'amd64',
): ResolvedSource {
  return {
    from,
    descriptor: { mediaType, digest, size: 100, platform: { architecture: arch, os: 'linux' } },
    bytes: Buffer.from('{}'),
  };
}

function indexSource(entries: Descriptor[], from: typeof repoA): ResolvedSource {
  const bytes = encodeIndex({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: entries });
  return {
    from,
    descriptor: { mediaType: MediaType.OciIndex, digest: sha256Digest(bytes), size: bytes.length },
    bytes,
  };
}

describe('combineSources', () => {
  it('joins manifests of two repositories into an OCI index, in buildx bytes', () => {
    const out = combineSources(
      [manifestSource(D1, repoA), manifestSource(D2, repoB, MediaType.OciManifest, 'arm64')],
      [],
    );
    const text = out.bytes.toString();
    assert.equal(
      text,
      `{
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "manifests": [
    {
      "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "digest": "${D1}",
      "size": 100,
      "platform": {
        "architecture": "amd64",
        "os": "linux"
      }
    },
    {
      "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "digest": "${D2}",
      "size": 100,
      "platform": {
        "architecture": "arm64",
        "os": "linux"
      }
    }
  ]
}`,
    );
    assert.equal(out.descriptor.digest, sha256Digest(out.bytes));
    assert.deepEqual(
      out.parts.map((p) => p.from.repository),
      ['a', 'b'],
    );
    checks += 3;
  });
  it('uses a Docker manifest list when every entry is a Docker type, an OCI index with annotations', () => {
    const docker = [
      manifestSource(D1, repoA, MediaType.DockerManifest),
      manifestSource(D2, repoA, MediaType.DockerManifest, 'arm64'),
    ];
    assert.equal(combineSources(docker, []).descriptor.mediaType, MediaType.DockerManifestList);
    const annotated = combineSources(
      docker,
      parseCreateAnnotations(['index:org.opencontainers.image.title=t']),
    );
    assert.equal(annotated.descriptor.mediaType, MediaType.OciIndex);
    assert.deepEqual(JSON.parse(annotated.bytes.toString()).annotations, {
      'org.opencontainers.image.title': 't',
    });
    checks += 3;
  });
  it('copies one index as is, dedupes entries and merges what later sources say', () => {
    const idx = indexSource(
      [
        manifestSource(D1, repoA).descriptor,
        manifestSource(D2, repoA, MediaType.OciManifest, 'arm64').descriptor,
      ],
      repoA,
    );
    const copy = combineSources([idx], []);
    assert.equal(copy.bytes, idx.bytes);
    assert.equal(copy.descriptor.digest, idx.descriptor.digest);
    const extra = manifestSource(D1, repoB);
    const withAnn: ResolvedSource = {
      ...extra,
      descriptor: { ...extra.descriptor, annotations: { x: 'y' } },
    };
    const merged = combineSources(
      [idx, withAnn, manifestSource(D3, repoB, MediaType.OciManifest, 'arm')],
      [],
    );
    const doc = JSON.parse(merged.bytes.toString());
    assert.deepEqual(
      doc.manifests.map((m: Descriptor) => m.digest),
      [D1, D2, D3],
    );
    assert.deepEqual(doc.manifests[0].annotations, { x: 'y' });
    checks += 4;
  });
  it('puts manifest-descriptor annotations on the matching platforms only', () => {
    const out = combineSources(
      [manifestSource(D1, repoA), manifestSource(D2, repoA, MediaType.OciManifest, 'arm64')],
      parseCreateAnnotations(['manifest-descriptor[linux/arm64]:k=v', 'manifest-descriptor:all=1']),
    );
    const doc = JSON.parse(out.bytes.toString());
    assert.deepEqual(doc.manifests[0].annotations, { all: '1' });
    assert.deepEqual(doc.manifests[1].annotations, { all: '1', k: 'v' });
    checks += 2;
  });
  it('wraps a single manifest in an index unless preferIndex is false', () => {
    const one = manifestSource(D1, repoA);
    assert.equal(combineSources([one], []).descriptor.mediaType, MediaType.OciIndex);
    assert.equal(combineSources([one], [], { preferIndex: false }).descriptor.digest, D1);
    checks += 2;
  });
});

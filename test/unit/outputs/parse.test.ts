/** parseOutput: buildx's `-o` entries to typed outputs, with BuildKit's defaults and refusals. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import {
  OutputAttributeError,
  OutputDestinationError,
  type OutputSpec,
  parseOutput,
} from '../../../src/export/outputs/index.js';
import { formatReference } from '../../../src/registry/reference/index.js';

let checks = 0;
after(() => console.log(`parse: ${checks} cases checked`));

function parse(
  type: string,
  attrs: Record<string, string> = {},
  destination?: string,
  tags?: string[],
): OutputSpec {
  checks++;
  return parseOutput(
    destination === undefined ? { type, attrs } : { type, attrs, destination },
    tags ? { tags } : {},
  );
}

describe('image outputs', () => {
  it('defaults: OCI media types, stored, not pushed, names from -t', () => {
    const o = parse('image', {}, undefined, ['app:1', 'registry.example/x/y']);
    assert.equal(o.type, 'image');
    if (o.type !== 'image') return;
    assert.deepEqual(o.names.map(formatReference), [
      'docker.io/library/app:1',
      'registry.example/x/y:latest',
    ]);
    assert.equal(o.push, false);
    assert.equal(o.store, true);
    assert.equal(o.unpack, false);
    assert.equal(o.image.ociMediaTypes, true);
    assert.equal(o.image.compression, undefined);
    assert.equal(o.image.rewriteTimestamp, false);
  });

  it('name= wins over -t; registry is image with push=true; empty booleans are true', () => {
    const o = parse(
      'registry',
      { name: 'a:1,b:2', 'push-by-digest': '', 'name-canonical': 'true', store: 'false' },
      undefined,
      ['ignored'],
    );
    if (o.type !== 'image') throw new Error('not an image output');
    assert.deepEqual(o.names.map(formatReference), ['docker.io/library/a:1', 'docker.io/library/b:2']);
    assert.equal(o.push, true);
    assert.equal(o.pushByDigest, true);
    assert.equal(o.nameCanonical, true);
    assert.equal(o.store, false);
  });

  it('reads compression, level, force, rewrite-timestamp, source-date-epoch', () => {
    const o = parse('image', {
      compression: 'gzip',
      'compression-level': '9',
      'force-compression': 'true',
      'rewrite-timestamp': 'true',
      'source-date-epoch': '1700000000',
      'oci-mediatypes': 'false',
    });
    if (o.type !== 'image') throw new Error('not an image output');
    assert.deepEqual(
      [
        o.image.compression,
        o.image.compressionLevel,
        o.image.forceCompression,
        o.image.rewriteTimestamp,
        o.image.sourceDateEpoch,
        o.image.ociMediaTypes,
      ],
      ['gzip', 9, true, true, 1700000000, false],
    );
    const zstd = parse('image', { compression: 'zstd', 'compression-level': '19' });
    if (zstd.type === 'image') assert.equal(zstd.image.compressionLevel, 19);
    const none = parse('image', { compression: 'uncompressed', 'compression-level': '3' });
    if (none.type === 'image') assert.equal(none.image.compressionLevel, undefined);
  });

  it('reads annotations by type and platform', () => {
    const o = parse('image', {
      'annotation.org.opencontainers.image.title': 'T',
      'annotation-index.org.opencontainers.image.description': 'D',
      'annotation-manifest[linux/arm64].com.example.arch': 'arm64',
      'annotation-manifest-descriptor.com.example.d': 'x',
      'annotation-index-descriptor.com.example.i': 'y',
    });
    if (o.type !== 'image') throw new Error('not an image output');
    const a = o.image.annotations;
    assert.deepEqual(a.manifest, { 'org.opencontainers.image.title': 'T' });
    assert.deepEqual(a.index, { 'org.opencontainers.image.description': 'D' });
    assert.deepEqual(a.platformManifest, { 'linux/arm64': { 'com.example.arch': 'arm64' } });
    assert.deepEqual(a.manifestDescriptor, { 'com.example.d': 'x' });
    assert.deepEqual(a.indexDescriptor, { 'com.example.i': 'y' });
  });

  it('refuses what BuildKit refuses, and typos', () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['image', { push: 'yes' }, /push=yes is not a boolean/],
      ['image', { compression: 'brotli' }, /unsupported layer compression "brotli"/],
      ['image', { 'compression-level': '12' }, /compression-level=12/],
      ['image', { 'compression-level': 'high' }, /compression-level=high/],
      [
        'image',
        { 'rewrite-timestmap': 'true' },
        /unknown attribute "rewrite-timestmap" for the image output/,
      ],
      ['image', { push: 'true' }, /pushing needs an image name/],
      ['image', { 'annotation-layer.k': 'v' }, /unknown annotation type "layer"/],
      ['image', { 'annotation-index[linux/amd64].k': 'v' }, /names a platform, but an index has none/],
      ['image', { 'source-date-epoch': '-5' }, /source-date-epoch=-5 is not a whole number/],
      ['local', { compression: 'gzip' }, /unknown attribute "compression" for the local output/],
    ];
    for (const [type, attrs, message] of cases) {
      assert.throws(
        () => parse(type, attrs, 'out'),
        (err: Error) => {
          assert.ok(err instanceof OutputAttributeError, `${type} ${JSON.stringify(attrs)}: ${err.name}`);
          assert.match(err.message, message);
          return true;
        },
      );
    }
    assert.throws(() => parse('s3', {}), /unknown output type "s3"/);
  });

  it('accepts attributes BuildKit takes that change nothing here', () => {
    const o = parse('image', { buildinfo: 'false', 'registry.insecure': 'true', 'oci-artifact': 'true' });
    assert.equal(o.type, 'image');
  });
});

describe('oci and docker outputs', () => {
  it('oci: a tar by default, a directory with tar=false; OCI media types', () => {
    const o = parse('oci', {}, 'out.tar', ['app']);
    assert.deepEqual(o.type === 'oci' && [o.tar, o.dest, o.image.ociMediaTypes, o.names.length], [
      true,
      'out.tar',
      true,
      1,
    ]);
    const d = parse('oci', { tar: 'false' }, 'layout');
    assert.deepEqual(d.type === 'oci' && [d.tar, d.dest], [false, 'layout']);
  });

  it('docker: Docker media types unless oci-mediatypes or index annotations ask for OCI', () => {
    const o = parse('docker', {}, 'img.tar');
    assert.equal(o.type === 'docker' && o.image.ociMediaTypes, false);
    const forced = parse('docker', { 'annotation-index.k': 'v' }, 'img.tar');
    assert.equal(forced.type === 'docker' && forced.image.ociMediaTypes, true);
    const manifestOnly = parse('docker', { 'annotation.k': 'v' }, 'img.tar');
    assert.equal(manifestOnly.type === 'docker' && manifestOnly.image.ociMediaTypes, false);
    const load = parse('docker', {});
    assert.equal(load.type === 'docker' && load.dest, undefined);
    assert.throws(() => parse('docker', { tar: 'false' }, 'x'), /always a tar/);
  });
});

describe('destinations', () => {
  it('local, tar and oci need one', () => {
    for (const type of ['local', 'tar', 'oci']) {
      assert.throws(
        () => parse(type, {}),
        (err: Error) => err instanceof OutputDestinationError && /needs a destination/.test(err.message),
      );
    }
  });

  it('dest=- is the caller stream for tars, never for directories', () => {
    const stdout = new PassThrough();
    checks++;
    const t = parseOutput({ type: 'tar', attrs: {}, destination: '-' }, { stdout });
    assert.equal(t.type === 'tar' && t.dest, stdout);
    checks++;
    const o = parseOutput({ type: 'oci', attrs: {}, destination: '-' }, { stdout });
    assert.equal(o.type === 'oci' && o.dest, stdout);
    assert.throws(() => parse('tar', {}, '-'), /cannot write to standard output here/);
    assert.throws(
      () => parseOutput({ type: 'local', attrs: {}, destination: '-' }, { stdout }),
      /writes a directory, not a stream/,
    );
    assert.throws(
      () => parseOutput({ type: 'oci', attrs: { tar: 'false' }, destination: '-' }, { stdout }),
      /writes a directory, not a stream/,
    );
  });

  it('local and tar: platform-split and source-date-epoch', () => {
    const o = parse('local', { 'platform-split': 'false', 'source-date-epoch': '10' }, 'out');
    assert.deepEqual(o.type === 'local' && [o.platformSplit, o.sourceDateEpoch, o.dest], [false, 10, 'out']);
    const t = parse('tar', {}, 'out.tar');
    assert.deepEqual(t.type === 'tar' && [t.platformSplit, t.sourceDateEpoch], [undefined, undefined]);
  });

  it('cacheonly takes nothing', () => {
    assert.deepEqual(parse('cacheonly'), { type: 'cacheonly' });
  });
});

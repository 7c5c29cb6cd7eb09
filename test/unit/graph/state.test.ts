import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, image, local, marshal, State, vertexDigest } from '../../../src/graph/index.js';

const run = (platform: string, env: string[] = []) => ({
  args: ['/bin/sh', '-c', 'make'],
  env,
  cwd: '/src',
  user: '',
  platform,
});

describe('canonical JSON', () => {
  it('sorts keys and drops undefined', () => {
    assert.equal(
      canonicalJson({ b: 1, a: [1, 'x', null], c: undefined, d: { z: true, y: false } }),
      '{"a":[1,"x",null],"b":1,"d":{"y":false,"z":true}}',
    );
  });
  it('rejects values JSON cannot hold', () => {
    assert.throws(() => canonicalJson(Number.NaN), /cannot encode NaN/);
  });
});

describe('build graph states', () => {
  it('gives equal digests to equal subgraphs and pins the key', () => {
    const a = image('docker.io/library/alpine:latest', 'linux/amd64').run(run('linux/amd64', ['B=2', 'A=1']));
    const b = image('docker.io/library/alpine:latest', 'linux/amd64').run(run('linux/amd64', ['A=1', 'B=2']));
    assert.equal(a.digest, b.digest);
    const src = vertexDigest(
      { kind: 'image', ref: 'docker.io/library/alpine:latest', platform: 'linux/amd64' },
      [],
    );
    // sha256 of {"inputs":[],"op":{"kind":"image","platform":"linux/amd64","ref":"docker.io/library/alpine:latest"}}
    assert.equal(src, 'sha256:72c3b5b40aa6c21d3a3f5935404d399a9b708e71202bf09f7502b5ddd31811a0');
  });
  it('keeps the platform where it matters', () => {
    const amd = image('alpine', 'linux/amd64').run(run('linux/amd64'));
    const arm = image('alpine', 'linux/arm64').run(run('linux/arm64'));
    assert.notEqual(amd.digest, arm.digest);
    // A local source has one identity for every target.
    assert.equal(local('context').digest, local('context').digest);
  });
  it('leaves names out of the key', () => {
    const a = image('alpine', 'linux/amd64', { name: 'one' });
    const b = image('alpine', 'linux/amd64', { name: 'two' });
    assert.equal(a.digest, b.digest);
  });
  it('marshals inputs before their users and dedupes', () => {
    const ctx = local('context', { exclude: ['*.md'] });
    const base = image('alpine', 'linux/arm64');
    const built = base.run(run('linux/arm64'), { name: 'RUN make' }).file([
      {
        action: 'copy',
        from: ctx,
        sources: ['/app'],
        dest: '/app',
        link: false,
        parents: false,
        exclude: [],
        extractArchives: false,
        followSymlinks: true,
        allowWildcard: true,
        allowEmptyWildcard: false,
        createDestPath: true,
        dirCopyContents: true,
      },
    ]);
    const def = marshal(built);
    const order = [...def.vertices.values()].map((v) => v.op.kind);
    assert.deepEqual(order, ['image', 'exec', 'local', 'file']);
    assert.equal(def.head, built.digest);
    const file = def.vertices.get(built.digest!)!;
    assert.equal(file.inputs.length, 2);
    assert.equal(def.meta.get(file.inputs[0]!)?.name, 'RUN make');
  });
  it('marshals scratch as an empty definition', () => {
    const def = marshal(State.scratch());
    assert.equal(def.head, undefined);
    assert.equal(def.vertices.size, 0);
  });
});

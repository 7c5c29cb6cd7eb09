/**
 * A COPY that every platform makes the same way (the same source to a top-level path no base
 * has) is written once, cloned for the other platforms (hard links, no second copy) and exported
 * as one layer; a COPY of the whole context is keyed by the context's checksum. Checked on the
 * image store the build wrote: the layers' bytes (through `tar`), their digests, the snapshots'
 * records, and what reruns after a touch, an edit and a new hard link.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdtemp, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { freshHome, makeContext, manifold, publishBaseImages, runCommand, testRegistry } from './helpers.js';

const registry = testRegistry();
const skip = registry ? false : 'the test registry is not running (bash scripts/testworld/registry.sh start)';
const PLATFORMS = 'linux/amd64,linux/arm64,linux/arm/v7';

interface Descriptor {
  readonly digest: string;
  readonly annotations?: Record<string, string>;
}

async function blob(home: string, digest: string): Promise<Buffer> {
  return readFile(path.join(home, 'images', 'blobs', 'sha256', digest.slice('sha256:'.length)));
}

/** The layer digests of each platform of the image named `name` in the store of `home`. */
async function layersOf(home: string, name: string): Promise<string[][]> {
  const index = JSON.parse(await readFile(path.join(home, 'images', 'index.json'), 'utf8')) as {
    manifests: Descriptor[];
  };
  const entry = index.manifests.find((m) => m.annotations?.['io.containerd.image.name'] === name);
  assert.ok(entry, `no ${name} in the store`);
  const top = JSON.parse((await blob(home, entry.digest)).toString()) as { manifests: Descriptor[] };
  const out: string[][] = [];
  for (const m of top.manifests) {
    const manifest = JSON.parse((await blob(home, m.digest)).toString()) as { layers: Descriptor[] };
    out.push(manifest.layers.map((l) => l.digest));
  }
  return out;
}

/** `tar -tvzf` of a layer blob: one line per entry (mode, owner, size, name). */
async function listing(home: string, digest: string): Promise<string[]> {
  const file = path.join(home, 'images', 'blobs', 'sha256', digest.slice('sha256:'.length));
  const r = await runCommand('tar', ['--numeric-owner', '-tvzf', file]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => {
      const f = l.split(/\s+/);
      return `${f[0]} ${f[1]} ${f[2]} ${f.slice(5).join(' ')}`;
    });
}

/** The snapshot records of the default builder. */
async function snapshotMetas(
  home: string,
): Promise<Array<{ id: string; cloneOf?: string; cloneOrigin?: boolean }>> {
  const dir = path.join(home, 'builders', 'default', 'snapshots');
  const metas = [];
  for (const id of await readdir(dir)) {
    const text = await readFile(path.join(dir, id, 'meta.json'), 'utf8').catch(() => undefined);
    if (text) metas.push(JSON.parse(text) as { id: string; cloneOf?: string; cloneOrigin?: boolean });
  }
  return metas;
}

/** Names of the steps a `--progress rawjson` build ran (not cached). */
function ran(stderr: string): string[] {
  const names = new Set<string>();
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line) as {
      vertexes?: Array<{ name: string; started?: string; cached?: boolean }>;
    };
    for (const v of event.vertexes ?? [])
      if (v.started && !v.cached && /COPY/.test(v.name)) names.add(v.name);
  }
  return [...names].sort();
}

describe('a COPY shared by every platform', { skip }, () => {
  const reg = registry ?? '';
  before(async () => {
    await publishBaseImages(reg);
  });

  it('is copied once, cloned for the other platforms and exported as one layer', async () => {
    const home = await freshHome(reg);
    const ctx = await makeContext({
      Dockerfile: 'FROM alpine\nCOPY --chown=1000:1001 . /src\nCOPY b.txt /etc/b.txt\n',
      'a.txt': 'alpha\n',
      'b.txt': 'bravo\n',
    });
    await writeFile(path.join(ctx, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    const built = await manifold(
      ['build', '--progress', 'quiet', '--platform', PLATFORMS, '-t', 'share', ctx],
      {
        MANIFOLD_HOME: home,
      },
    );
    assert.equal(built.code, 0, built.stderr);
    const layers = await layersOf(home, 'docker.io/library/share:latest');
    assert.equal(layers.length, 3);
    // Base layers differ per platform; the COPY of the context is one blob for all three.
    assert.equal(new Set(layers.map((l) => l[0])).size, 3);
    assert.equal(new Set(layers.map((l) => l[1])).size, 1);
    assert.deepEqual(await listing(home, layers[0]?.[1] as string), [
      'drwxr-xr-x 1000/1001 0 src/',
      `-rw-r--r-- 1000/1001 ${(await stat(path.join(ctx, 'Dockerfile'))).size} src/Dockerfile`,
      '-rw-r--r-- 1000/1001 6 src/a.txt',
      '-rw-r--r-- 1000/1001 6 src/b.txt',
      '-rwxr-xr-x 1000/1001 18 src/run.sh',
    ]);
    // Into /etc, which every base has: copied on each platform as before (same bytes here).
    assert.deepEqual(await listing(home, layers[2]?.[2] as string), [
      'drwxr-xr-x 0/0 0 etc/',
      '-rw-r--r-- 0/0 6 etc/b.txt',
    ]);
    const metas = await snapshotMetas(home);
    const clones = metas.filter((m) => m.cloneOf !== undefined);
    assert.equal(clones.length, 2, 'two platforms cloned the first one’s copy');
    const origin = metas.find((m) => m.id === clones[0]?.cloneOf);
    assert.equal(origin?.cloneOrigin, true);
    // The clones hold the origin's files themselves (hard links), not copies.
    const dir = path.join(home, 'builders', 'default', 'snapshots');
    const inode = async (id: string) => (await stat(path.join(dir, id, 'fs', 'src', 'a.txt'))).ino;
    for (const c of clones) assert.equal(await inode(c.id), await inode(origin?.id as string));
  });

  it('shares the layer of equal copies from different sources (a stage built per platform)', async () => {
    const home = await freshHome(reg);
    const ctx = await makeContext({
      Dockerfile: [
        'FROM alpine AS one',
        'RUN echo same > /one',
        'FROM alpine AS two',
        'RUN echo same > /two',
        'FROM alpine',
        'COPY --from=one /one /one',
        'COPY --from=two /two /two',
        '',
      ].join('\n'),
    });
    const built = await manifold(
      ['build', '--progress', 'quiet', '--platform', PLATFORMS, '-t', 'stages', ctx],
      {
        MANIFOLD_HOME: home,
      },
    );
    assert.equal(built.code, 0, built.stderr);
    const layers = await layersOf(home, 'docker.io/library/stages:latest');
    // Each platform copied from its own stage: no clones, yet one blob per equal layer.
    assert.equal(new Set(layers.map((l) => l[1])).size, 1);
    assert.equal(new Set(layers.map((l) => l[2])).size, 1);
    assert.deepEqual(await listing(home, layers[0]?.[2] as string), ['-rw-r--r-- 0/0 5 two']);
    assert.equal((await snapshotMetas(home)).filter((m) => m.cloneOf !== undefined).length, 0);
  });

  it('writes a layer of several MiB as gzip members that skopeo and umoci (Go) read back', async () => {
    const home = await freshHome(reg);
    const data = randomBytes(3 * 1024 * 1024 + 4321);
    const ctx = await makeContext({ Dockerfile: 'FROM scratch\nCOPY big.bin /big.bin\n' });
    await writeFile(path.join(ctx, 'big.bin'), data);
    const ref = `${reg}/e2e/members:1`;
    const built = await manifold(
      ['build', '--progress', 'quiet', '--platform', 'linux/amd64', '-t', ref, '--push', ctx],
      {
        MANIFOLD_HOME: home,
      },
    );
    assert.equal(built.code, 0, built.stderr);
    const layout = await mkdtemp(path.join(os.tmpdir(), 'manifold-oci-'));
    const copy = await runCommand('skopeo', [
      'copy',
      '--src-tls-verify=false',
      `docker://${ref}`,
      `oci:${layout}:x`,
    ]);
    assert.equal(copy.code, 0, copy.stderr);
    const bundle = path.join(layout, 'bundle');
    const unpack = await runCommand('umoci', ['unpack', '--rootless', '--image', `${layout}:x`, bundle]);
    assert.equal(unpack.code, 0, unpack.stderr);
    const back = await readFile(path.join(bundle, 'rootfs', 'big.bin'));
    assert.equal(
      createHash('sha256').update(back).digest('hex'),
      createHash('sha256').update(data).digest('hex'),
    );
  });

  it('keys a COPY of the whole context by the context: a touch reruns nothing, an edit or a new hard link does', async () => {
    const home = await freshHome(reg);
    const ctx = await makeContext({ Dockerfile: 'FROM alpine\nCOPY . /app\n', 'a.txt': 'one\n' });
    const args = ['build', '--progress', 'rawjson', '--platform', 'linux/amd64,linux/arm64', ctx];
    const first = await manifold(args, { MANIFOLD_HOME: home });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(ran(first.stderr).length, 2);

    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(ctx, 'a.txt'), later, later);
    const touched = await manifold(args, { MANIFOLD_HOME: home });
    assert.equal(touched.code, 0, touched.stderr);
    assert.deepEqual(ran(touched.stderr), []);

    await writeFile(path.join(ctx, 'a.txt'), 'two\n');
    const edited = await manifold(args, { MANIFOLD_HOME: home });
    assert.deepEqual(ran(edited.stderr), ['[linux/amd64 2/2] COPY . /app', '[linux/arm64 2/2] COPY . /app']);

    // Same names and bytes, but two of them are now one file: the copy keeps hard links.
    await writeFile(path.join(ctx, 'b.txt'), 'two\n');
    const separate = await manifold(args, { MANIFOLD_HOME: home });
    assert.equal(ran(separate.stderr).length, 2);
    await import('node:fs/promises').then((fs) => fs.rm(path.join(ctx, 'b.txt')));
    await link(path.join(ctx, 'a.txt'), path.join(ctx, 'b.txt'));
    const linked = await manifold(args, { MANIFOLD_HOME: home });
    assert.equal(ran(linked.stderr).length, 2, linked.stderr.slice(-2000));
  });
});

/**
 * `pull`, `push`, `images`, `tag` and `rmi` against the test world's real registries: round trips
 * of single- and multi-platform images (plain HTTP, and TLS with basic auth from a temp
 * DOCKER_CONFIG plus the CA from buildkitd.toml), read back by skopeo byte for byte, copied by
 * `skopeo copy --all` with the same digests, parsed by `docker manifest inspect`, unpacked from
 * Manifold's store by umoci; and the errors users meet. Skipped with a message when the
 * registries (`bash scripts/testworld/registry.sh start`) or the peer tools are missing.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openImagesSession, pullImage, pushStoredImage } from '../../../src/images/index.js';
import { imageStoreDir } from '../../../src/state/index.js';
import {
  bare,
  has,
  makeTestImage,
  makeTestIndex,
  needPlain,
  needTls,
  runCli,
  type TestHome,
  type TestImage,
  testHome,
  testWorld,
  tool,
  uniqueRepo,
} from './fixtures.js';

const world = testWorld();
const counts = { roundTrips: 0, byteChecks: 0, errors: 0, peers: 0 };
after(() => console.log(`pull-push: ${JSON.stringify(counts)}`));

const skopeo = has('skopeo');
const umoci = has('umoci');
const docker = has('docker');

/** skopeo inspect --raw of a plain-registry reference. */
function skopeoRaw(ref: string, extra: readonly string[] = ['--tls-verify=false']): Buffer {
  return tool('skopeo', ['inspect', '--raw', ...extra, `docker://${ref}`]);
}

describe('pull and push round trips: plain registry', { skip: needPlain(world) }, () => {
  let a: TestHome;
  let b: TestHome;
  let c: TestHome;
  const repo = uniqueRepo('roundtrip');
  const single = `${world.plain}/${repo}:single`;
  const multi = `${world.plain}/${repo}:multi`;
  let image: TestImage;
  let platforms: TestImage[];
  let indexDigest: string;

  before(async () => {
    [a, b, c] = await Promise.all([testHome(world), testHome(world), testHome(world)]);
    const session = await openImagesSession({ env: a.env });
    try {
      const store = await session.imageStore();
      image = await makeTestImage(store, {
        platform: 'linux/amd64',
        seed: 'single',
        files: { 'hello.txt': 'hello from manifold\n' },
      });
      await store.putImage(single, bare(image.descriptor));
      platforms = [];
      for (const p of ['linux/amd64', 'linux/arm64', 'linux/arm/v7']) {
        platforms.push(
          await makeTestImage(store, { platform: p, seed: `multi-${p}`, files: { 'which.txt': p } }),
        );
      }
      const index = await makeTestIndex(store, platforms);
      indexDigest = index.digest;
      await store.putImage(multi, index);
    } finally {
      await session.close();
    }
  });
  after(async () => {
    await Promise.all([a?.cleanup(), b?.cleanup(), c?.cleanup()]);
  });

  it('single-platform: CLI push, CLI pull into another store, same digest and files', async () => {
    const push = runCli(['push', single], a.env);
    assert.equal(push.status, 0, push.stderr);
    assert.equal(
      push.stdout,
      `The push refers to repository [${world.plain}/${repo}]\nsingle: digest: ${image.descriptor.digest} size: ${image.descriptor.size}\n`,
    );
    const pull = runCli(['pull', single], b.env);
    assert.equal(pull.status, 0, pull.stderr);
    assert.equal(
      pull.stdout,
      [
        `single: Pulling from ${repo}`,
        `${image.layerDigest.slice(7, 19)}: Pull complete`,
        `Digest: ${image.descriptor.digest}`,
        `Status: Downloaded newer image for ${single}`,
        single,
        '',
      ].join('\n'),
    );
    const again = runCli(['pull', single], b.env);
    assert.match(again.stdout, /: Already exists\n/);
    assert.match(
      again.stdout,
      new RegExp(`Status: Image is up to date for ${single.replace(/[.]/g, '\\.')}`),
    );
    const images = runCli(['images', '--format', 'json'], b.env);
    const rows = images.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      rows.map((r) => [r.Repository, r.Tag, r.ID, r.Platforms]),
      [[`${world.plain}/${repo}`, 'single', image.descriptor.digest.slice(7, 19), ['linux/amd64']]],
    );
    counts.roundTrips++;
    if (skopeo) {
      const store = await openImagesSession({ env: a.env }).then(async (s) => {
        const bytes = (await s.imageStore()).content.readBlobBytes(image.descriptor.digest);
        const out = await bytes;
        await s.close();
        return out;
      });
      assert.deepEqual(skopeoRaw(single), store);
      counts.byteChecks++;
    }
  });

  it('umoci unpacks an image from Manifold’s store', {
    skip: umoci ? false : 'umoci is not installed',
  }, async () => {
    const storeDir = imageStoreDir({
      config: b.env.MANIFOLD_HOME as string,
      data: b.env.MANIFOLD_HOME as string,
    });
    const bundle = path.join(b.dir, 'bundle');
    tool('umoci', ['unpack', '--rootless', '--image', `${storeDir}:${single}`, bundle]);
    assert.equal(await readFile(path.join(bundle, 'rootfs', 'hello.txt'), 'utf8'), 'hello from manifold\n');
    assert.equal(await readFile(path.join(bundle, 'rootfs', 'etc', 'seed'), 'utf8'), 'single\n');
    counts.peers++;
  });

  it('multi-platform: push of a local index, pull of every platform, pull of one', async () => {
    const s = await openImagesSession({ env: a.env });
    try {
      const pushed = await pushStoredImage(multi, { store: await s.imageStore(), client: s.client });
      assert.equal(pushed.descriptor.digest, indexDigest);
    } finally {
      await s.close();
    }
    const all = runCli(['pull', '--all-platforms', multi], b.env);
    assert.equal(all.status, 0, all.stderr);
    const sb = await openImagesSession({ env: b.env });
    try {
      const store = await sb.imageStore();
      assert.equal((await store.resolve(multi)).digest, indexDigest);
      for (const p of platforms) assert.equal(await store.content.hasBlob(p.layerDigest), true);
      const rows = await store.images();
      assert.deepEqual(rows.find((r) => r.name === multi)?.platforms.length, 3);
    } finally {
      await sb.close();
    }
    // One platform only: a partial index, which cannot be pushed whole.
    const one = runCli(['pull', '--platform', 'linux/arm64', multi], c.env);
    assert.equal(one.status, 0, one.stderr);
    const sc = await openImagesSession({ env: c.env });
    try {
      const store = await sc.imageStore();
      assert.equal(await store.content.hasBlob(platforms[1]?.layerDigest as never), true);
      assert.equal(await store.content.hasBlob(platforms[0]?.layerDigest as never), false);
    } finally {
      await sc.close();
    }
    const partial = runCli(['push', multi], c.env);
    assert.equal(partial.status, 1);
    assert.match(
      partial.stderr,
      /only linux\/arm64 is in the image store \(missing: linux\/amd64, linux\/arm\/v7\)/,
    );
    assert.match(
      partial.stderr,
      /hint: pull it with --all-platforms first, or push one platform with --platform linux\/arm64/,
    );
    const tagged = runCli(['tag', multi, `${world.plain}/${repo}:arm64-only`], c.env);
    assert.equal(tagged.status, 0, tagged.stderr);
    const onePush = runCli(['push', '--platform', 'linux/arm64', `${world.plain}/${repo}:arm64-only`], c.env);
    assert.equal(onePush.status, 0, onePush.stderr);
    assert.match(onePush.stdout, new RegExp(`arm64-only: digest: ${platforms[1]?.descriptor.digest}`));
    counts.roundTrips += 3;
    counts.errors++;
  });

  it('skopeo reads the pushed bytes exactly and copies them with the same digests', {
    skip: skopeo ? false : 'skopeo is not installed',
  }, async () => {
    const s = await openImagesSession({ env: a.env });
    let indexBytes: Buffer;
    try {
      indexBytes = await (await s.imageStore()).content.readBlobBytes(indexDigest as never);
    } finally {
      await s.close();
    }
    assert.deepEqual(skopeoRaw(multi), indexBytes);
    for (const p of platforms)
      assert.equal(skopeoRaw(`${world.plain}/${repo}@${p.descriptor.digest}`).length, p.descriptor.size);
    const oci = path.join(a.dir, 'oci-copy');
    tool('skopeo', ['copy', '--all', '--src-tls-verify=false', `docker://${multi}`, `oci:${oci}:copy`]);
    const index = JSON.parse(await readFile(path.join(oci, 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].digest, indexDigest);
    for (const p of platforms) {
      for (const d of [p.descriptor.digest, p.configDigest, p.layerDigest]) {
        const blob = await readFile(path.join(oci, 'blobs', 'sha256', d.slice(7)));
        assert.ok(blob.length > 0);
      }
    }
    counts.byteChecks += 4;
    counts.peers++;
  });

  it('docker manifest inspect --insecure parses what was pushed', {
    skip: docker ? false : 'the docker client is not installed',
  }, () => {
    const out = tool('docker', ['manifest', 'inspect', '--insecure', multi], { ...a.env }).toString();
    const doc = JSON.parse(out);
    assert.deepEqual(
      doc.manifests.map((m: { digest: string }) => m.digest),
      platforms.map((p) => p.descriptor.digest),
    );
    const ours = runCli(['manifest', 'inspect', '--insecure', multi], a.env);
    assert.equal(ours.stdout, out);
    const oursV = runCli(['manifest', 'inspect', '-v', multi], a.env);
    assert.equal(
      oursV.stdout,
      tool('docker', ['manifest', 'inspect', '--insecure', '-v', multi], { ...a.env }).toString(),
    );
    const single1 = runCli(['manifest', 'inspect', '-v', single], a.env);
    assert.equal(
      single1.stdout,
      tool('docker', ['manifest', 'inspect', '--insecure', '-v', single], { ...a.env }).toString(),
    );
    counts.peers += 3;
  });

  it('pull of a Docker Hub name is served by the configured mirror', async () => {
    const mirrored = await testHome(world, { dockerHubMirror: world.plain as string });
    try {
      const short = `manifold-mirror-${process.pid}-${Date.now().toString(36)}`;
      const s = await openImagesSession({ env: a.env });
      try {
        await pushStoredImage(single, { store: await s.imageStore(), client: s.client });
        const store = await s.imageStore();
        await store.tag(single, `${world.plain}/library/${short}:latest`);
        await pushStoredImage(`${world.plain}/library/${short}:latest`, { store, client: s.client });
      } finally {
        await s.close();
      }
      const r = runCli(['pull', short], mirrored.env);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.split('\n')[0], 'Using default tag: latest');
      assert.match(
        r.stdout,
        new RegExp(
          `Status: Downloaded newer image for ${short}:latest\ndocker\\.io/library/${short}:latest\n$`,
        ),
      );
      counts.roundTrips++;
    } finally {
      await mirrored.cleanup();
    }
  });

  it('errors say what is missing and what to do', () => {
    const missing = runCli(['pull', `${world.plain}/${repo}:nope`], c.env);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, new RegExp(`${repo}:nope`));
    const platform = runCli(['pull', '--platform', 'linux/s390x', multi], c.env);
    assert.equal(platform.status, 1);
    assert.match(
      platform.stderr,
      /has no image for linux\/s390x; it has linux\/amd64, linux\/arm64, linux\/arm\/v7/,
    );
    const notLocal = runCli(['push', `${world.plain}/${repo}:never-built`], c.env);
    assert.equal(notLocal.status, 1);
    assert.match(notLocal.stderr, /no image named ".*:never-built" in the image store/);
    const badRef = runCli(['pull', 'Alpine'], c.env);
    assert.equal(badRef.status, 1);
    assert.match(badRef.stderr, /invalid image reference "Alpine"/);
    counts.errors += 4;
    for (const r of [missing, platform, notLocal, badRef]) assert.doesNotMatch(r.stderr, /This is a bug/);
  });

  it('tag, images and rmi', async () => {
    const copy = `${world.plain}/${repo}:copy`;
    assert.equal(runCli(['tag', multi, copy], b.env).status, 0);
    const table = runCli(['images'], b.env).stdout.split('\n');
    assert.match(table[0] ?? '', /^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE +PLATFORMS$/);
    assert.equal(table.filter((l) => l.includes(indexDigest.slice(7, 19))).length, 2);
    const rm1 = runCli(['rmi', copy], b.env);
    assert.equal(rm1.stdout, `Untagged: ${copy}\n`);
    const rm2 = runCli(['rmi', multi, `${world.plain}/${repo}:absent`], b.env);
    assert.equal(rm2.status, 1);
    assert.equal(rm2.stdout, `Untagged: ${multi}\nDeleted: ${indexDigest}\n`);
    assert.match(rm2.stderr, /no image named ".*:absent"/);
    const s = await openImagesSession({ env: b.env });
    try {
      const store = await s.imageStore();
      for (const p of platforms) assert.equal(await store.content.hasBlob(p.layerDigest), false);
      assert.equal(await store.content.hasBlob(image.layerDigest), true);
    } finally {
      await s.close();
    }
    counts.roundTrips++;
  });
});

describe('pull and push round trips: TLS registry with basic auth', { skip: needTls(world) }, () => {
  let d: TestHome;
  let e: TestHome;
  const repo = uniqueRepo('tls');
  const single = `${world.tls}/${repo}:single`;
  const multi = `${world.tls}/${repo}:multi`;
  let image: TestImage;
  let indexDigest: string;

  before(async () => {
    [d, e] = await Promise.all([testHome(world, { auth: true }), testHome(world, { auth: true })]);
    const session = await openImagesSession({ env: d.env });
    try {
      const store = await session.imageStore();
      image = await makeTestImage(store, { platform: 'linux/arm64', seed: 'tls-single' });
      await store.putImage(single, bare(image.descriptor));
      const imgs = [
        await makeTestImage(store, { platform: 'linux/amd64', seed: 'tls-a' }),
        await makeTestImage(store, { platform: 'linux/arm/v7', seed: 'tls-b', mediaTypes: 'oci' }),
      ];
      const index = await makeTestIndex(store, imgs);
      indexDigest = index.digest;
      await store.putImage(multi, index);
    } finally {
      await session.close();
    }
  });
  after(async () => {
    await Promise.all([d?.cleanup(), e?.cleanup()]);
  });

  it('push and pull with config.json credentials and the CA from buildkitd.toml', async () => {
    for (const name of [single, multi]) {
      const push = runCli(['push', name], d.env);
      assert.equal(push.status, 0, push.stderr);
    }
    const pulled = runCli(['pull', '--all-platforms', multi], e.env);
    assert.equal(pulled.status, 0, pulled.stderr);
    const s = await openImagesSession({ env: e.env });
    try {
      const store = await s.imageStore();
      assert.equal((await store.resolve(multi)).digest, indexDigest);
      const r = await pullImage(single, {
        store,
        client: s.client,
        platforms: [{ os: 'linux', architecture: 'arm64' }],
      });
      assert.equal(r.descriptor.digest, image.descriptor.digest);
    } finally {
      await s.close();
    }
    if (skopeo) {
      const creds = ['--tls-verify=false', '--creds', `${world.user}:${world.pass}`];
      const raw = skopeoRaw(single, creds);
      assert.equal(raw.length, image.descriptor.size);
      counts.byteChecks++;
    }
    counts.roundTrips += 3;
  });

  it('without credentials: unauthorized, naming the registry and what was tried', async () => {
    const anon = await testHome(world);
    try {
      const r = runCli(['pull', single], anon.env);
      assert.equal(r.status, 1);
      assert.ok(r.stderr.includes(world.tls as string), r.stderr);
      assert.match(r.stderr, /unauthori[sz]ed|credentials|authentication/i);
      assert.match(r.stderr, /config\.json/);
      counts.errors++;
    } finally {
      await anon.cleanup();
    }
  });

  it('without the CA: an untrusted certificate, said so', async () => {
    const noCa = await testHome(world, { auth: true, ca: false });
    try {
      const r = runCli(['pull', single], noCa.env);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /certificate/i);
      assert.doesNotMatch(r.stderr, /plain HTTP|This is a bug/);
      counts.errors++;
    } finally {
      await noCa.cleanup();
    }
  });
});

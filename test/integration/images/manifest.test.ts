/**
 * `manifest create|annotate|inspect|push|rm` against the real plain registry: a list of three
 * single-platform images, compared byte for byte with what the docker CLI itself makes of the
 * same images (when /usr/local/bin/docker or another `docker` is on PATH), read back by skopeo;
 * images from another repository mounted into the list's; and the errors. Skipped with a message
 * when the registry is absent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openImagesSession } from '../../../src/images/index.js';
import {
  has,
  makeTestImage,
  makeTestIndex,
  needPlain,
  pushTestImage,
  runCli,
  type TestHome,
  type TestImage,
  testHome,
  testWorld,
  tool,
  uniqueRepo,
} from './fixtures.js';

const world = testWorld();
const counts = { lists: 0, dockerParity: 0, errors: 0, peers: 0 };
after(() => console.log(`manifest: ${JSON.stringify(counts)}`));
const docker = has('docker');
const skopeo = has('skopeo');

describe('manifest lists on the plain registry', { skip: needPlain(world) }, () => {
  let home: TestHome;
  const images = uniqueRepo('mimg');
  const other = uniqueRepo('mimg-docker');
  const lists = uniqueRepo('mlist');
  const refs: string[] = [];
  const dockerRefs: string[] = [];
  let built: TestImage[] = [];
  let multiRef = '';

  before(async () => {
    home = await testHome(world);
    const session = await openImagesSession({ env: home.env });
    try {
      const store = await session.imageStore();
      built = [];
      for (const [p, tag] of [
        ['linux/amd64', 'amd64'],
        ['linux/arm64', 'arm64'],
        ['linux/arm/v7', 'arm-v7'],
      ] as const) {
        const img = await makeTestImage(store, { platform: p, seed: `manifest-${p}` });
        built.push(img);
        refs.push(`${world.plain}/${images}:${tag}`);
        await pushTestImage(session, img.descriptor, `${world.plain}/${images}:${tag}`);
        const d = await makeTestImage(store, {
          platform: p,
          seed: `manifest-docker-${p}`,
          mediaTypes: 'docker',
        });
        dockerRefs.push(`${world.plain}/${other}:${tag}`);
        await pushTestImage(session, d.descriptor, `${world.plain}/${other}:${tag}`);
      }
      const index = await makeTestIndex(store, built);
      multiRef = `${world.plain}/${images}:multi`;
      await pushTestImage(session, index, multiRef);
    } finally {
      await session.close();
    }
  });
  after(async () => {
    await home?.cleanup();
  });

  it('create, annotate, inspect and push a list of three images, as docker does', (t) => {
    const list = `${world.plain}/${images}:list`;
    const created = runCli(['manifest', 'create', list, ...refs], home.env);
    assert.equal(created.status, 0, created.stderr);
    assert.equal(created.stdout, `Created manifest list ${list}\n`);
    const again = runCli(['manifest', 'create', list, refs[0] as string], home.env);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /refusing to amend the existing manifest list .* without --amend/);
    const annotate = runCli(
      ['manifest', 'annotate', '--os-features', 'f1,f2', '--os-version', '1.0', list, refs[1] as string],
      home.env,
    );
    assert.equal(annotate.status, 0, annotate.stderr);
    const bad = runCli(['manifest', 'annotate', '--arch', 'aarch64', list, refs[1] as string], home.env);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /unsupported os\/arch combination: linux\/aarch64/);
    const absent = runCli(
      ['manifest', 'annotate', '--os', 'linux', list, `${world.plain}/${images}:nope`],
      home.env,
    );
    assert.match(absent.stderr, /does not exist in/);
    counts.errors += 3;

    const inspected = runCli(['manifest', 'inspect', list], home.env);
    assert.equal(inspected.status, 0, inspected.stderr);
    const doc = JSON.parse(inspected.stdout);
    assert.equal(doc.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(
      doc.manifests.map(
        (m: { platform: { architecture: string; variant?: string } }) =>
          m.platform.architecture + (m.platform.variant ?? ''),
      ),
      ['amd64', 'armv7', 'arm64'],
    );
    assert.deepEqual(doc.manifests[2].platform['os.features'], ['f1', 'f2']);
    const entry = runCli(['manifest', 'inspect', list, refs[1] as string], home.env);
    assert.equal(JSON.parse(entry.stdout).config.digest, built[1]?.configDigest);
    const verbose = runCli(['manifest', 'inspect', '-v', list], home.env);
    assert.deepEqual(
      JSON.parse(verbose.stdout).map((e: { Ref: string }) => e.Ref),
      [refs[0], refs[2], refs[1]],
    );

    const pushed = runCli(['manifest', 'push', list], home.env);
    assert.equal(pushed.status, 0, pushed.stderr);
    const digest = pushed.stdout.trim();
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    counts.lists++;
    if (skopeo) {
      const raw = tool('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${list}`]);
      assert.equal(`${raw.toString()}\n`, inspected.stdout);
      counts.peers++;
    }
    if (docker) {
      // The docker CLI, given the same images and annotations, pushes the very same bytes.
      const dlist = `${world.plain}/${images}:docker-list`;
      const env = { ...home.env };
      tool('docker', ['manifest', 'create', '--insecure', dlist, ...refs], env);
      tool(
        'docker',
        ['manifest', 'annotate', '--os-features', 'f1,f2', '--os-version', '1.0', dlist, refs[1] as string],
        env,
      );
      assert.equal(tool('docker', ['manifest', 'inspect', dlist], env).toString(), inspected.stdout);
      assert.equal(tool('docker', ['manifest', 'inspect', '-v', dlist], env).toString(), verbose.stdout);
      const entryV = runCli(['manifest', 'inspect', '-v', list, refs[1] as string], home.env).stdout;
      assert.equal(
        tool('docker', ['manifest', 'inspect', '-v', dlist, refs[1] as string], env).toString(),
        entryV,
      );
      assert.equal(
        tool('docker', ['manifest', 'inspect', dlist, refs[1] as string], env).toString(),
        entry.stdout,
      );
      const dockerOut = tool('docker', ['manifest', 'push', '--insecure', '--purge', dlist], env).toString();
      assert.equal(dockerOut.trim().split('\n').pop(), digest);
      assert.equal(
        tool('docker', ['manifest', 'inspect', '--insecure', list], env).toString(),
        inspected.stdout,
      );
      counts.dockerParity += 6;
    } else {
      t.diagnostic(
        'docker client not installed: skipped the byte-for-byte comparison with docker manifest push',
      );
    }
    // With --purge the local list goes, and inspect reads the registry (docker's output again).
    const purge = runCli(['manifest', 'push', '--purge', list], home.env);
    assert.equal(purge.stdout.trim(), digest);
    const remote = runCli(['manifest', 'inspect', '--insecure', list], home.env);
    assert.equal(remote.stdout, inspected.stdout);
    const gone = runCli(['manifest', 'rm', list], home.env);
    assert.equal(gone.status, 1);
    assert.match(gone.stderr, /No such manifest: /);
    counts.lists++;
  });

  it('mounts images of another repository into the list repository (Docker media types)', () => {
    const list = `${world.plain}/${lists}:v1`;
    assert.equal(runCli(['manifest', 'create', '--insecure', list, ...dockerRefs], home.env).status, 0);
    const out = runCli(['manifest', 'push', list], home.env);
    assert.equal(out.status, 0, out.stderr);
    const lines = out.stdout.trim().split('\n');
    assert.equal(lines.length, 4);
    for (const line of lines.slice(0, 3))
      assert.match(
        line,
        new RegExp(
          `^Pushed ref ${world.plain}/${lists}@sha256:[0-9a-f]{64} with digest: sha256:[0-9a-f]{64}$`,
        ),
      );
    const inspected = JSON.parse(runCli(['manifest', 'inspect', list], home.env).stdout);
    assert.equal(inspected.mediaType, 'application/vnd.docker.distribution.manifest.list.v2+json');
    if (skopeo) {
      // The copies are complete images in the list's repository: skopeo reads their configs.
      for (const line of lines.slice(0, 3)) {
        const ref = line.split(' ')[2] as string;
        const info = JSON.parse(
          tool('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`]).toString(),
        );
        assert.equal(info.Os, 'linux');
      }
      counts.peers++;
    }
    if (docker) {
      const d = JSON.parse(
        tool('docker', ['manifest', 'inspect', '--insecure', list], { ...home.env }).toString(),
      );
      assert.equal(d.manifests.length, 3);
      counts.dockerParity++;
    }
    // Amend: the same images again change nothing; the digest stays.
    assert.equal(
      runCli(['manifest', 'create', '--amend', list, dockerRefs[0] as string], home.env).status,
      0,
    );
    const again = runCli(['manifest', 'push', '--purge', list], home.env);
    assert.equal(again.stdout.trim().split('\n').pop(), lines[3]);
    counts.lists++;
  });

  it('refuses an index and another registry; rm reports what is missing', async () => {
    const list = `${world.plain}/${lists}:bad`;
    const index = runCli(['manifest', 'create', list, multiRef], home.env);
    assert.equal(index.status, 1);
    assert.match(index.stderr, /is a manifest list, not a single-platform image manifest/);
    assert.match(index.stderr, /linux\/amd64, linux\/arm64, linux\/arm\/v7/);
    const cross = runCli(['manifest', 'create', list, 'other.example:5000/x:y'], home.env);
    assert.equal(cross.status, 1);
    assert.match(cross.stderr, /different registry than the target list: other\.example:5000 != /);
    const pushMissing = runCli(['manifest', 'push', `${world.plain}/${lists}:never`], home.env);
    assert.match(pushMissing.stderr, /no local manifest list named/);
    assert.equal(runCli(['manifest', 'create', list, refs[0] as string], home.env).status, 0);
    const rm = runCli(['manifest', 'rm', list, `${world.plain}/${lists}:nothere`], home.env);
    assert.equal(rm.status, 1);
    assert.match(rm.stderr, /No such manifest: .*:nothere/);
    assert.match(runCli(['manifest', 'inspect', list], home.env).stderr, /not found/);
    counts.errors += 5;
  });
});

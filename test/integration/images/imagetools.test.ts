/**
 * `imagetools inspect|create` against the real registries: an index joined from per-platform
 * digests of two repositories into a third (blobs mounted across repositories), read back by
 * skopeo byte for byte and copied by `skopeo copy --all` with the same digests, parsed by
 * `docker manifest inspect`; buildx's human view, `--raw` and `--format` outputs; `--append`,
 * `--annotation`, `--dry-run`, carbon copies and digest-only sources; the same over TLS with
 * basic auth. Skipped with a message when the registries are absent.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CreateEvent, createImage, openImagesSession } from '../../../src/images/index.js';
import {
  has,
  makeTestImage,
  makeTestIndex,
  needPlain,
  needTls,
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
const counts = { created: 0, inspected: 0, byteChecks: 0, peers: 0, errors: 0 };
after(() => console.log(`imagetools: ${JSON.stringify(counts)}`));
const skopeo = has('skopeo');
const docker = has('docker');

describe('imagetools on the plain registry', { skip: needPlain(world) }, () => {
  let home: TestHome;
  const repoA = `${world.plain}/${uniqueRepo('ita')}`;
  const repoB = `${world.plain}/${uniqueRepo('itb')}`;
  const repoC = `${world.plain}/${uniqueRepo('itc')}`;
  let amd: TestImage;
  let arm: TestImage;
  let armv7: TestImage;
  let multiDigest = '';

  before(async () => {
    home = await testHome(world);
    const s = await openImagesSession({ env: home.env });
    try {
      const store = await s.imageStore();
      amd = await makeTestImage(store, { platform: 'linux/amd64', seed: 'it-amd64' });
      arm = await makeTestImage(store, { platform: 'linux/arm64', seed: 'it-arm64' });
      armv7 = await makeTestImage(store, { platform: 'linux/arm/v7', seed: 'it-armv7' });
      await pushTestImage(s, amd.descriptor, `${repoA}:amd64`);
      await pushTestImage(s, arm.descriptor, `${repoB}:arm64`);
      await pushTestImage(s, armv7.descriptor, `${repoA}:armv7`);
      const index = await makeTestIndex(store, [amd, armv7]);
      multiDigest = index.digest;
      await pushTestImage(s, index, `${repoA}:multi`);
    } finally {
      await s.close();
    }
  });
  after(async () => {
    await home?.cleanup();
  });

  it('create joins per-platform digests from two repositories into one index', async (t) => {
    const target = `${repoC}:joined`;
    const sources = [`${repoA}@${amd.descriptor.digest}`, `${repoB}@${arm.descriptor.digest}`];
    const dry = runCli(['imagetools', 'create', '--dry-run', '-t', target, ...sources], home.env);
    assert.equal(dry.status, 0, dry.stderr);
    const planned = dry.stdoutBytes.subarray(0, dry.stdoutBytes.length - 1);
    const doc = JSON.parse(planned.toString());
    assert.equal(doc.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(
      doc.manifests.map((m: { digest: string; platform: { architecture: string } }) => [
        m.digest,
        m.platform.architecture,
      ]),
      [
        [amd.descriptor.digest, 'amd64'],
        [arm.descriptor.digest, 'arm64'],
      ],
    );
    const notPushed = runCli(['imagetools', 'inspect', target], home.env);
    assert.equal(notPushed.status, 1);
    assert.match(notPushed.stderr, /not found: manifest .*:joined does not exist/);

    const made = runCli(['imagetools', 'create', '-t', target, ...sources], home.env);
    assert.equal(made.status, 0, made.stderr);
    assert.match(
      made.stderr,
      new RegExp(`copying ${amd.descriptor.digest} from ${repoA}@${amd.descriptor.digest} to ${repoC}`),
    );
    assert.match(made.stderr, /pushing sha256:[0-9a-f]{64} to /);
    counts.created++;
    const raw = runCli(['imagetools', 'inspect', '--raw', target], home.env);
    assert.deepEqual(raw.stdoutBytes, planned);
    if (!skopeo) t.diagnostic('skopeo not installed: skipped the skopeo checks');
    if (skopeo) {
      assert.deepEqual(
        tool('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${target}`]),
        planned,
      );
      // The copied manifests are complete in the new repository.
      for (const img of [amd, arm]) {
        const info = JSON.parse(
          tool('skopeo', [
            'inspect',
            '--tls-verify=false',
            `docker://${repoC}@${img.descriptor.digest}`,
          ]).toString(),
        );
        assert.equal(info.Digest, img.descriptor.digest);
      }
      const oci = path.join(home.dir, 'oci-joined');
      tool('skopeo', ['copy', '--all', '--src-tls-verify=false', `docker://${target}`, `oci:${oci}:joined`]);
      const index = JSON.parse(await readFile(path.join(oci, 'index.json'), 'utf8'));
      assert.equal(
        index.manifests[0].digest,
        JSON.parse(
          runCli(['imagetools', 'inspect', '--format', '{{json .Manifest}}', target], home.env).stdout,
        ).digest,
      );
      for (const img of [amd, arm]) {
        for (const d of [img.descriptor.digest, img.configDigest, img.layerDigest]) {
          assert.ok((await readFile(path.join(oci, 'blobs', 'sha256', d.slice(7)))).length > 0);
        }
      }
      counts.byteChecks += 2;
      counts.peers += 2;
    }
    if (docker) {
      const d = JSON.parse(
        tool('docker', ['manifest', 'inspect', '--insecure', target], { ...home.env }).toString(),
      );
      assert.deepEqual(
        d.manifests.map((m: { digest: string }) => m.digest),
        [amd.descriptor.digest, arm.descriptor.digest],
      );
      counts.peers++;
    } else {
      t.diagnostic('docker client not installed: skipped the docker manifest inspect check');
    }
  });

  it('inspect: buildx human view, raw bytes and templates', () => {
    const name = `${repoA}:multi`;
    const human = runCli(['imagetools', 'inspect', name], home.env);
    assert.equal(human.status, 0, human.stderr);
    assert.equal(
      human.stdout,
      [
        `Name:      ${name}`,
        'MediaType: application/vnd.oci.image.index.v1+json',
        `Digest:    ${multiDigest}`,
        '           ',
        'Manifests: ',
        `  Name:      ${name}@${amd.descriptor.digest}`,
        '  MediaType: application/vnd.oci.image.manifest.v1+json',
        '  Platform:  linux/amd64',
        '             ',
        `  Name:      ${name}@${armv7.descriptor.digest}`,
        '  MediaType: application/vnd.oci.image.manifest.v1+json',
        '  Platform:  linux/arm/v7',
        '',
      ].join('\n'),
    );
    assert.equal(
      runCli(['imagetools', 'inspect', '--format', '{{ .Manifest }}', name], home.env).stdout,
      human.stdout,
    );
    const single = runCli(['imagetools', 'inspect', `${repoB}:arm64`], home.env).stdout;
    assert.equal(
      single,
      `Name:      ${repoB}:arm64\nMediaType: application/vnd.oci.image.manifest.v1+json\nDigest:    ${arm.descriptor.digest}\n`,
    );

    const manifest = JSON.parse(
      runCli(['imagetools', 'inspect', '--format', '{{json .Manifest}}', name], home.env).stdout,
    );
    assert.deepEqual(Object.keys(manifest), ['schemaVersion', 'mediaType', 'digest', 'size', 'manifests']);
    assert.equal(manifest.digest, multiDigest);
    const all = runCli(['imagetools', 'inspect', '--format', '{{json .}}', name], home.env);
    const data = JSON.parse(all.stdout);
    assert.equal(data.name, name);
    assert.deepEqual(Object.keys(data.image), ['linux/amd64', 'linux/arm/v7']);
    assert.deepEqual(data.image['linux/arm/v7'].config.Env, ['PATH=/usr/bin:/bin', 'SEED=it-armv7']);
    assert.ok(!all.stdout.endsWith('\n'));
    const one = JSON.parse(
      runCli(['imagetools', 'inspect', '--format', '{{json .Image}}', `${repoB}:arm64`], home.env).stdout,
    );
    assert.equal(one.architecture, 'arm64');
    const descr = JSON.parse(
      runCli(['imagetools', 'inspect', '--format', '{{json .Manifest}}', `${repoB}:arm64`], home.env).stdout,
    );
    assert.deepEqual(descr, {
      mediaType: arm.descriptor.mediaType,
      digest: arm.descriptor.digest,
      size: arm.descriptor.size,
    });
    const tmpl = runCli(
      ['imagetools', 'inspect', '--format', '{{.Name}} {{.Manifest.Digest}}{{println}}', name],
      home.env,
    );
    assert.equal(tmpl.stdout, `${name} ${multiDigest}\n`);
    const both = runCli(['imagetools', 'inspect', '--raw', '--format', '{{json .}}', name], home.env);
    assert.equal(both.status, 1);
    assert.match(both.stderr, /format and raw cannot be used together/);
    const badTemplate = runCli(['imagetools', 'inspect', '--format', '{{nosuch .}}', name], home.env);
    assert.match(badTemplate.stderr, /function "nosuch" not defined/);
    counts.inspected += 9;
    counts.errors += 2;
  });

  it('--append, --annotation, carbon copies and digest-only sources', () => {
    const app = `${repoC}:app`;
    assert.equal(
      runCli(['imagetools', 'create', '-t', app, `${repoA}@${amd.descriptor.digest}`], home.env).status,
      0,
    );
    const appended = runCli(
      [
        'imagetools',
        'create',
        '--append',
        '-t',
        app,
        '--annotation',
        'index:org.opencontainers.image.title=Joined',
        `${repoB}@${arm.descriptor.digest}`,
      ],
      home.env,
    );
    assert.equal(appended.status, 0, appended.stderr);
    const doc = JSON.parse(runCli(['imagetools', 'inspect', '--raw', app], home.env).stdout);
    assert.deepEqual(
      doc.manifests.map((m: { digest: string }) => m.digest),
      [amd.descriptor.digest, arm.descriptor.digest],
    );
    assert.deepEqual(doc.annotations, { 'org.opencontainers.image.title': 'Joined' });

    // One index source and nothing else: the same bytes under a new name.
    const copy = runCli(['imagetools', 'create', '-t', `${repoC}:multi-copy`, `${repoA}:multi`], home.env);
    assert.equal(copy.status, 0, copy.stderr);
    assert.deepEqual(
      runCli(['imagetools', 'inspect', '--raw', `${repoC}:multi-copy`], home.env).stdoutBytes,
      runCli(['imagetools', 'inspect', '--raw', `${repoA}:multi`], home.env).stdoutBytes,
    );
    // A bare digest belongs to the one repository named.
    const bare = runCli(
      ['imagetools', 'create', '-t', `${repoA}:from-digests`, amd.descriptor.digest, armv7.descriptor.digest],
      home.env,
    );
    assert.equal(bare.status, 0, bare.stderr);
    assert.equal(bare.stderr.includes('copying'), false);
    const ambiguous = runCli(
      ['imagetools', 'create', '-t', `${repoC}:x`, `${repoA}:amd64`, arm.descriptor.digest],
      home.env,
    );
    assert.equal(ambiguous.status, 1);
    assert.match(ambiguous.stderr, /cannot tell which one holds/);
    const noTag = runCli(['imagetools', 'create', `${repoA}:amd64`], home.env);
    assert.match(noTag.stderr, /can't push with no tags specified/);
    counts.created += 4;
    counts.errors += 2;
  });
});

describe('imagetools on the TLS registry with basic auth', { skip: needTls(world) }, () => {
  let home: TestHome;
  const repoA = `${world.tls}/${uniqueRepo('tla')}`;
  const repoB = `${world.tls}/${uniqueRepo('tlb')}`;
  let amd: TestImage;
  let arm: TestImage;

  before(async () => {
    home = await testHome(world, { auth: true });
    const s = await openImagesSession({ env: home.env });
    try {
      const store = await s.imageStore();
      amd = await makeTestImage(store, { platform: 'linux/amd64', seed: 'tls-it-amd64' });
      arm = await makeTestImage(store, {
        platform: 'linux/arm64',
        seed: 'tls-it-arm64',
        mediaTypes: 'docker',
      });
      await pushTestImage(s, amd.descriptor, `${repoA}:amd64`);
      await pushTestImage(s, arm.descriptor, `${repoB}:arm64`);
    } finally {
      await s.close();
    }
  });
  after(async () => {
    await home?.cleanup();
  });

  it('joins two repositories with mounts under credentials', () => {
    const target = `${repoB}:joined`;
    const made = runCli(['imagetools', 'create', '-t', target, `${repoA}:amd64`, `${repoB}:arm64`], home.env);
    assert.equal(made.status, 0, made.stderr);
    const human = runCli(['imagetools', 'inspect', target], home.env).stdout;
    assert.match(human, /MediaType: application\/vnd\.oci\.image\.index\.v1\+json/);
    assert.match(human, /Platform: {2}linux\/amd64\n[\s\S]*Platform: {2}linux\/arm64\n$/);
    if (skopeo) {
      const creds = ['--tls-verify=false', '--creds', `${world.user}:${world.pass}`];
      const info = JSON.parse(
        tool('skopeo', ['inspect', ...creds, `docker://${repoB}@${amd.descriptor.digest}`]).toString(),
      );
      assert.equal(info.Architecture, 'amd64');
      counts.peers++;
    }
    counts.created++;
  });

  it('mounts blobs across repositories rather than uploading them again', async () => {
    const events: CreateEvent[] = [];
    const s = await openImagesSession({ env: home.env });
    try {
      const result = await createImage({
        client: s.client,
        tags: [`${repoA}:joined-lib`],
        sources: [`${repoA}@${amd.descriptor.digest}`, `${repoB}@${arm.descriptor.digest}`],
        onEvent: (e) => events.push(e),
      });
      assert.deepEqual(result.pushed, [`${repoA}:joined-lib`]);
    } finally {
      await s.close();
    }
    const blobs = events.flatMap((e) => (e.kind === 'blob' ? [`${e.descriptor.digest}:${e.status}`] : []));
    assert.deepEqual(blobs.sort(), [`${arm.configDigest}:mounted`, `${arm.layerDigest}:mounted`].sort());
    assert.equal(events.filter((e) => e.kind === 'manifest').length, 1);
    counts.created++;
  });
});

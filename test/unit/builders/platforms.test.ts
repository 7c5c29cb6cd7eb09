/**
 * What a builder builds and the check a build makes before any work: a builder created with
 * --platform (or with [worker.oci] platforms) refuses other platforms with a message listing what
 * it builds and how to add an emulator; an unrestricted builder builds what the host runs.
 * Also what a build takes from its builder (openBuilderForBuild).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  BuilderConfigError,
  BuilderNotFoundError,
  BuilderPlatformError,
  builderPlatforms,
  createBuilder,
  emptyBuilderConfig,
  getBuilder,
  openBuilderForBuild,
  parseBuilderConfig,
} from '../../../src/builder/instances/index.js';
import { formatPlatform, parsePlatform, parsePlatformList } from '../../../src/platform/index.js';
import type { StatePaths } from '../../../src/state/index.js';
import { DEBIAN_CONF, fakeBinfmt, writeEntry } from './fake-binfmt.js';

let checks = 0;
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  console.log(`platforms: ${checks} checks`);
});
async function home(): Promise<StatePaths> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'manifold-home-'));
  dirs.push(d);
  return { config: d, data: d };
}
const AMD64 = parsePlatform('linux/amd64');

describe('builderPlatforms', () => {
  it('comes from --platform, else [worker.oci] platforms, else the host and its emulators', async () => {
    const paths = await home();
    const f = fakeBinfmt();
    dirs.push(path.dirname(f.dir));
    writeEntry(f.dir, DEBIAN_CONF.aarch64!);
    const lookup = { hostPlatform: AMD64, binfmtDir: f.dir };
    const created = (await createBuilder({ name: 'arm', platforms: ['linux/arm64,linux/arm/v7'], paths }))
      .builder;
    const config = parseBuilderConfig('[worker.oci]\nplatforms = ["linux/riscv64"]\n', 'c.toml');
    const fromCreate = builderPlatforms(created, config, lookup);
    assert.equal(fromCreate.source, 'create');
    assert.deepEqual(fromCreate.platforms.map(formatPlatform), ['linux/arm64', 'linux/arm/v7']);
    const plain = await getBuilder('default', { paths });
    const fromConfig = builderPlatforms(plain, config, lookup);
    assert.deepEqual(
      [fromConfig.source, fromConfig.platforms.map(formatPlatform)],
      ['config', ['linux/riscv64']],
    );
    const fromHost = builderPlatforms(plain, emptyBuilderConfig(), lookup);
    assert.deepEqual(
      [fromHost.source, fromHost.platforms.map(formatPlatform)],
      ['host', ['linux/amd64', 'linux/arm64', 'linux/386']],
    );
    checks += 5;
  });
});

describe('openBuilderForBuild', () => {
  it('refuses linux/amd64,linux/arm64 on a builder created with --platform linux/arm64, naming what it builds', async () => {
    const paths = await home();
    await createBuilder({ name: 'armonly', platforms: ['linux/arm64'], paths });
    const b = await openBuilderForBuild({ builder: 'armonly', paths }, { hostPlatform: AMD64, env: {} });
    assert.throws(
      () => b.checkPlatforms(parsePlatformList(['linux/amd64,linux/arm64'])),
      (e: unknown) => {
        assert.ok(e instanceof BuilderPlatformError);
        assert.equal(e.code, 'E_BUILDER_PLATFORM');
        assert.equal(e.message, 'builder "armonly" cannot build linux/amd64: it builds only linux/arm64');
        assert.equal(
          e.hint,
          'it was created with --platform linux/arm64; build for those only, or create a builder that includes ' +
            'linux/amd64 ("manifold create --name NAME --platform linux/arm64,linux/amd64") and build with --builder NAME; ' +
            'for a platform this host cannot run, add an emulator with "manifold binfmt --install ARCH"',
        );
        return true;
      },
    );
    b.checkPlatforms([parsePlatform('linux/arm64')]);
    checks += 5;
  });

  it('names the emulators to install for refused platforms the host cannot run', async () => {
    const paths = await home();
    const f = fakeBinfmt();
    dirs.push(path.dirname(f.dir));
    await createBuilder({ name: 'armonly', platforms: ['linux/arm64'], paths });
    const lookup = { hostPlatform: AMD64, binfmtDir: f.dir, qemuSearchPath: [], env: {} };
    const b = await openBuilderForBuild({ builder: 'armonly', paths }, lookup);
    assert.throws(
      () => b.checkPlatforms(parsePlatformList(['linux/riscv64,linux/s390x,linux/amd64'])),
      (e: unknown) =>
        e instanceof BuilderPlatformError &&
        e.message ===
          'builder "armonly" cannot build linux/riscv64, linux/s390x, linux/amd64: it builds only linux/arm64' &&
        (e.hint ?? '').endsWith(
          'this host needs an emulator for riscv64, s390x: run "manifold binfmt --install riscv64,s390x"',
        ),
    );
    checks++;
  });

  it('a listed platform covers what it runs natively (arm/v7 covers v6, amd64 covers 386)', async () => {
    const paths = await home();
    await createBuilder({ name: 'b', platforms: ['linux/arm/v7', 'linux/amd64'], paths });
    const b = await openBuilderForBuild({ builder: 'b', paths }, { hostPlatform: AMD64, env: {} });
    b.checkPlatforms(parsePlatformList(['linux/arm/v6', 'linux/386', 'linux/arm/v7']));
    assert.throws(
      () => b.checkPlatforms([parsePlatform('linux/arm64')]),
      /cannot build linux\/arm64: it builds only linux\/arm\/v7, linux\/amd64/,
    );
    checks += 2;
  });

  it('[worker.oci] platforms restricts the same way and says where the list comes from', async () => {
    const paths = await home();
    const src = path.join(paths.config, 'w.toml');
    await writeFile(src, '[worker.oci]\n  platforms = ["linux/arm64"]\n  max-parallelism = 2\n');
    await createBuilder({ name: 'w', configFile: src, paths });
    const b = await openBuilderForBuild({ builder: 'w', paths }, { hostPlatform: AMD64, env: {} });
    assert.equal(b.options.maxParallelism, 2);
    assert.throws(
      () => b.checkPlatforms([AMD64]),
      (e: unknown) =>
        e instanceof BuilderPlatformError &&
        /\[worker\.oci\] platforms in .*w\/buildkitd\.toml lists only those/.test(e.hint ?? ''),
    );
    checks += 2;
  });

  it('fills in the builder, its configuration file and state; bootstraps it; leaves explicit options alone', async () => {
    const paths = await home();
    const created = (await createBuilder({ name: 'fill', use: true, paths })).builder;
    const b = await openBuilderForBuild({ paths }, { hostPlatform: AMD64, env: {} });
    assert.equal(b.options.builder, 'fill');
    assert.equal(b.options.configFile, created.configFile);
    assert.ok(existsSync(created.stateDir), 'bootstrapped');
    assert.ok((await getBuilder('fill', { paths })).record?.lastActivity);
    const explicit = await openBuilderForBuild(
      { paths, configFile: '/x.toml', maxParallelism: 9 },
      { env: { MANIFOLD_BUILDER: 'default' } },
    );
    assert.deepEqual(
      [explicit.options.builder, explicit.options.configFile, explicit.options.maxParallelism],
      ['default', '/x.toml', 9],
    );
    const d = await openBuilderForBuild({ paths }, { env: { MANIFOLD_BUILDER: 'default' } });
    assert.equal(d.options.configFile, path.join(paths.config, 'buildkitd.toml'));
    d.checkPlatforms(parsePlatformList(['linux/riscv64']));
    checks += 7;
  });

  it('without --platform a restricted builder that does not build the host builds its first platform', async () => {
    const paths = await home();
    await createBuilder({ name: 'r', platforms: ['linux/arm64', 'linux/arm/v7'], paths });
    const b = await openBuilderForBuild({ builder: 'r', paths }, { hostPlatform: AMD64, env: {} });
    assert.deepEqual(
      b.options.platforms?.map((p) => (typeof p === 'string' ? p : formatPlatform(p))),
      ['linux/arm64'],
    );
    const asked = await openBuilderForBuild(
      { builder: 'r', paths, platforms: ['linux/arm/v7'] },
      { hostPlatform: AMD64, env: {} },
    );
    assert.deepEqual(asked.options.platforms, ['linux/arm/v7']);
    checks += 2;
  });

  it('fails at once for an unknown builder or a broken configuration', async () => {
    const paths = await home();
    await assert.rejects(openBuilderForBuild({ builder: 'ghost', paths }, { env: {} }), BuilderNotFoundError);
    await writeFile(path.join(paths.config, 'buildkitd.toml'), 'x = [\n');
    await assert.rejects(
      openBuilderForBuild({ paths }, { env: {} }),
      (e: unknown) =>
        e instanceof BuilderConfigError && /buildkitd\.toml:2:1: TOML syntax error/.test(e.message),
    );
    checks += 2;
  });
});

/**
 * Builder instances: create (the tutorial's docker-container line), use, list, inspect, stop, rm
 * (state kept or not, --all-inactive), names, drivers, configuration copies, the choice of
 * builder (--builder, MANIFOLD_BUILDER, current, default) and the ls/inspect output.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  BuilderDriverError,
  BuilderExistsError,
  BuilderNameError,
  BuilderNotFoundError,
  bootstrapBuilder,
  builderStatus,
  chooseDriver,
  createBuilder,
  currentBuilderName,
  describeBuilders,
  formatBuilderInspect,
  formatBuilderJson,
  formatBuilderTable,
  getBuilder,
  inspectBuilder,
  listBuilders,
  removeBuilder,
  removeInactiveBuilders,
  resolveBuilderName,
  stopBuilder,
  useBuilder,
} from '../../../src/builder/instances/index.js';
import { parsePlatform } from '../../../src/platform/index.js';
import type { StatePaths } from '../../../src/state/index.js';
import { DEBIAN_CONF, fakeBinfmt, writeEntry } from './fake-binfmt.js';

let checks = 0;
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  console.log(`store: ${checks} checks`);
});
async function home(): Promise<StatePaths> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'manifold-home-'));
  dirs.push(d);
  return { config: d, data: d };
}
const AMD64 = parsePlatform('linux/amd64');

describe('drivers', () => {
  it("the tutorial's docker-container builder becomes local, with one line naming the ignored options", () => {
    const d = chooseDriver('docker-container', ['image=dockerpracticesig/buildkit:master'], 'mybuilder-cn');
    assert.equal(d.driver, 'local');
    assert.equal(
      d.note,
      'driver "docker-container": Manifold needs no container, builder "mybuilder-cn" builds in-process (local driver); ignored --driver-opt image=',
    );
    assert.ok(!d.note?.includes('\n'));
    assert.deepEqual(chooseDriver('docker', ['network=host,image=x'], 'b').driverOpts, {
      network: 'host',
      image: 'x',
    });
    assert.equal(chooseDriver(undefined, [], 'b').note, undefined);
    assert.throws(() => chooseDriver('kubernetes', [], 'b'), BuilderDriverError);
    assert.throws(() => chooseDriver('local', ['novalue'], 'b'), /expected KEY=VALUE/);
    checks += 7;
  });
});

describe('lifecycle', () => {
  it('create --use, use, ls marks the current one; rm deletes state unless --keep-state', async () => {
    const paths = await home();
    const created = await createBuilder({
      name: 'mybuilder-cn',
      driver: 'docker-container',
      driverOpts: ['image=dockerpracticesig/buildkit:master'],
      use: true,
      paths,
    });
    assert.equal(created.notes.length, 1);
    assert.equal(await currentBuilderName({ paths }), 'mybuilder-cn');
    await useBuilder('default', { paths });
    assert.equal(await currentBuilderName({ paths }), 'default');
    await useBuilder('mybuilder-cn', { paths });
    const infos = await describeBuilders({ paths, hostPlatform: AMD64, env: {} });
    assert.deepEqual(
      infos.map((i) => [i.name, i.current, i.status]),
      [
        ['mybuilder-cn', true, 'inactive'],
        ['default', false, 'running'],
      ],
    );
    const table = formatBuilderTable(infos);
    assert.match(table, /^NAME\/NODE\s+DRIVER\/ENDPOINT\s+STATUS\s+BUILDKIT\s+PLATFORMS\n/);
    assert.match(
      table,
      /\nmybuilder-cn\*\s+local\n \\_ mybuilder-cn0\s+\\_ in-process\s+inactive\s+linux\/amd64/,
    );
    assert.match(
      table,
      /\ndefault\s+local\n \\_ default\s+\\_ in-process\s+running\s+v\d+\.\d+\.\d+\s+linux\/amd64/,
    );
    const json = formatBuilderJson(infos)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(json[0].Name, 'mybuilder-cn');
    assert.equal(json[0].Current, true);
    assert.equal(json[0].RequestedDriver, 'docker-container');
    assert.deepEqual(json[0].Nodes[0].DriverOpts, { image: 'dockerpracticesig/buildkit:master' });

    const b = await getBuilder('mybuilder-cn', { paths });
    await bootstrapBuilder(b, { paths });
    assert.equal(builderStatus(await getBuilder('mybuilder-cn', { paths })), 'running');
    await stopBuilder('mybuilder-cn', { paths });
    assert.equal(builderStatus(await getBuilder('mybuilder-cn', { paths })), 'stopped');
    await bootstrapBuilder(await getBuilder('mybuilder-cn', { paths }), { paths });
    assert.equal(builderStatus(await getBuilder('mybuilder-cn', { paths })), 'running');

    await writeFile(path.join(b.stateDir, 'marker'), 'x');
    await removeBuilder('mybuilder-cn', { paths, keepState: true });
    assert.ok(existsSync(path.join(b.stateDir, 'marker')), 'state kept');
    assert.equal(await currentBuilderName({ paths }), 'default', 'current falls back to default');
    await createBuilder({ name: 'mybuilder-cn', paths });
    await removeBuilder('mybuilder-cn', { paths });
    assert.ok(!existsSync(b.stateDir), 'state removed');
    await assert.rejects(getBuilder('mybuilder-cn', { paths }), BuilderNotFoundError);
    checks += 19;
  });

  it('refuses bad names, duplicates, creating or removing default', async () => {
    const paths = await home();
    for (const bad of ['-x', 'a b', 'a/b', 'current', 'x.json', '']) {
      await assert.rejects(createBuilder({ name: bad, paths }), BuilderNameError, bad);
      checks++;
    }
    await createBuilder({ name: 'one', paths });
    await assert.rejects(createBuilder({ name: 'one', paths }), BuilderExistsError);
    await assert.rejects(createBuilder({ name: 'default', paths }), BuilderNameError);
    await assert.rejects(removeBuilder('default', { paths }), /default builder cannot be removed/);
    await assert.rejects(useBuilder('nope', { paths }), /no builder "nope" found/);
    checks += 4;
  });

  it('names builders builder-N when no name is given', async () => {
    const paths = await home();
    assert.equal((await createBuilder({ paths })).builder.name, 'builder-1');
    assert.equal((await createBuilder({ paths })).builder.name, 'builder-2');
    checks += 2;
  });

  it('rm --all-inactive removes builders that are not running', async () => {
    const paths = await home();
    await createBuilder({ name: 'idle', paths });
    await createBuilder({ name: 'busy', bootstrap: true, paths });
    await createBuilder({ name: 'halted', bootstrap: true, paths });
    await stopBuilder('halted', { paths });
    assert.deepEqual(await removeInactiveBuilders({ paths }), ['halted', 'idle']);
    assert.deepEqual(
      (await listBuilders({ paths })).map((b) => b.name),
      ['busy', 'default'],
    );
    checks += 2;
  });

  it('chooses the builder: explicit, then MANIFOLD_BUILDER, then current, then default', async () => {
    const paths = await home();
    assert.equal(await resolveBuilderName(undefined, { paths, env: {} }), 'default');
    await createBuilder({ name: 'cur', use: true, paths });
    assert.equal(await resolveBuilderName(undefined, { paths, env: {} }), 'cur');
    assert.equal(await resolveBuilderName(undefined, { paths, env: { MANIFOLD_BUILDER: 'env' } }), 'env');
    assert.equal(await resolveBuilderName('flag', { paths, env: { MANIFOLD_BUILDER: 'env' } }), 'flag');
    checks += 4;
  });
});

describe('configuration of a builder', () => {
  it('--config is copied; without it the default buildkitd.toml is copied; ignored sections reported once', async () => {
    const paths = await home();
    const src = path.join(paths.config, 'elsewhere.toml');
    await writeFile(
      src,
      'debug = true\n[grpc]\naddress = ["x"]\n[registry."docker.io"]\n  mirrors = ["127.0.0.1:5999"]\n',
    );
    const a = await createBuilder({ name: 'a', configFile: src, paths });
    assert.deepEqual(a.notes, [`${src}: Manifold does not use debug, grpc (ignored)`]);
    assert.equal(await readFile(a.builder.configFile, 'utf8'), await readFile(src, 'utf8'));
    const none = await createBuilder({ name: 'none', paths });
    assert.deepEqual(none.notes, []);
    assert.ok(!existsSync(none.builder.configFile));
    await writeFile(
      path.join(paths.config, 'buildkitd.toml'),
      '[registry."docker.io"]\n  mirrors = ["m:1"]\n',
    );
    const copied = await createBuilder({ name: 'copied', paths });
    assert.deepEqual(copied.notes, [`configuration: a copy of ${path.join(paths.config, 'buildkitd.toml')}`]);
    assert.match(await readFile(copied.builder.configFile, 'utf8'), /m:1/);
    await assert.rejects(
      createBuilder({ name: 'broken', configFile: path.join(paths.config, 'missing.toml'), paths }),
      /cannot read the configuration/,
    );
    assert.ok(!existsSync(path.join(paths.config, 'builders', 'broken.json')), 'nothing written');
    checks += 8;
  });

  it('inspect shows driver, status, native and emulated platforms and the configuration', async () => {
    const paths = await home();
    const f = fakeBinfmt();
    dirs.push(path.dirname(f.dir));
    writeEntry(f.dir, DEBIAN_CONF.aarch64!);
    writeEntry(f.dir, DEBIAN_CONF.arm!);
    const src = path.join(paths.config, 'b.toml');
    await writeFile(
      src,
      '[worker.oci]\nmax-parallelism = 3\ngckeepstorage = "2GB"\n[registry."docker.io"]\nmirrors = ["127.0.0.1:5501"]\n',
    );
    await createBuilder({ name: 'insp', driver: 'docker', driverOpts: ['image=x'], configFile: src, paths });
    const info = await inspectBuilder('insp', {
      paths,
      bootstrap: true,
      hostPlatform: AMD64,
      binfmtDir: f.dir,
      env: {},
    });
    const text = formatBuilderInspect(info, new Date());
    assert.match(text, /^Name:\s+insp\nDriver:\s+local \(asked for docker\)\n/);
    assert.match(text, /\nNodes:\nName:\s+insp0\n/);
    assert.match(text, /\nDriver Options:\s+image="x" \(ignored\)\n/);
    assert.match(text, /\nStatus:\s+running\n/);
    assert.match(
      text,
      /\nPlatforms:\s+linux\/amd64, linux\/arm64, linux\/386, linux\/arm\/v7, linux\/arm\/v6\n/,
    );
    assert.match(text, /\n {2}native:\s+linux\/amd64, linux\/386\n/);
    assert.match(
      text,
      /\n {2}emulated:\s+linux\/arm64 \(qemu-aarch64\), linux\/arm\/v7 \(qemu-arm\), linux\/arm\/v6 \(qemu-arm\)\n/,
    );
    assert.match(text, /\n {2}registry docker\.io:\s+mirrors 127\.0\.0\.1:5501\n/);
    assert.match(text, /\n {2}max-parallelism:\s+3\n/);
    assert.match(text, /\n {2}gc:\s+keep 2\.147GB\n/);
    checks += 10;
  });

  it('a builder whose file broke still lists, with the error', async () => {
    const paths = await home();
    await createBuilder({ name: 'b', paths });
    await mkdir(path.dirname((await getBuilder('b', { paths })).configFile), { recursive: true });
    await writeFile((await getBuilder('b', { paths })).configFile, '[worker.oci\n');
    const infos = await describeBuilders({ paths, hostPlatform: AMD64, env: {} });
    assert.match(infos[0]?.error ?? '', /buildkitd\.toml:1:\d+: TOML syntax error/);
    assert.match(formatBuilderTable(infos), /\n\nCannot load builder b: .*TOML syntax error/);
    checks += 2;
  });
});

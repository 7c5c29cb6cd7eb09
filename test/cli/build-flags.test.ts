/** `manifold build` flags → typed options, with buildx's rules. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  type BuildFlags,
  buildOptionsFromFlags,
  parseCallFunction,
  parseExport,
  parseSecret,
} from '../../src/cli/build-flags.js';
import { isManifoldError } from '../../src/errors/index.js';

const NONE: BuildFlags = {
  buildArg: [],
  platform: [],
  tag: [],
  call: 'build',
  progress: 'auto',
  cache: true,
  output: [],
  label: [],
  annotation: [],
  buildContext: [],
  secret: [],
  cacheFilter: [],
};
let assertions = 0;

function rejects(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => isManifoldError(err) && message.test(err.message));
  assertions++;
}

test('defaults: a build of PATH/Dockerfile for the default platform, exported nowhere', () => {
  const o = buildOptionsFromFlags('ctx', NONE);
  assert.equal(o.contextPath, 'ctx');
  assert.equal(o.dockerfile, undefined);
  assert.equal(o.dockerfileDisplayName, 'ctx/Dockerfile');
  assert.deepEqual(o.call, { name: 'build', format: 'text', ignoreStatus: false });
  assert.deepEqual(
    [o.platforms, o.exports, o.tags, o.noCache, o.push, o.load, o.progress],
    [[], [], [], false, false, false, 'auto'],
  );
  assertions += 6;
});

test('--build-arg NAME reads the environment; --label NAME is empty; empty keys fail', () => {
  const o = buildOptionsFromFlags(
    '.',
    { ...NONE, buildArg: ['A=1', 'B', 'C', 'D=x=y'], label: ['l', 'k=v'] },
    { B: 'from-env' },
  );
  assert.deepEqual(o.buildArgs, { A: '1', B: 'from-env', D: 'x=y' });
  assert.deepEqual(o.labels, { l: '', k: 'v' });
  rejects(
    () => buildOptionsFromFlags('.', { ...NONE, buildArg: ['=v'] }),
    /invalid key-value pair "=v": empty key/,
  );
  assertions += 2;
});

test('SOURCE_DATE_EPOCH and DOCKER_DEFAULT_PLATFORM come from the environment unless given', () => {
  const env = { SOURCE_DATE_EPOCH: '0', DOCKER_DEFAULT_PLATFORM: 'linux/arm64' };
  const o = buildOptionsFromFlags('.', NONE, env);
  assert.equal(o.buildArgs.SOURCE_DATE_EPOCH, '0');
  assert.deepEqual(o.platforms, [{ os: 'linux', architecture: 'arm64' }]);
  const p = buildOptionsFromFlags(
    '.',
    { ...NONE, platform: ['linux/amd64,linux/arm/v7', 'linux/amd64'] },
    env,
  );
  assert.deepEqual(p.platforms, [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm', variant: 'v7' },
  ]);
  assertions += 3;
});

test('--call and --check', () => {
  assert.deepEqual(parseCallFunction('check'), { name: 'check', format: 'text', ignoreStatus: false });
  assert.deepEqual(parseCallFunction('lint,format=json'), {
    name: 'check',
    format: 'json',
    ignoreStatus: false,
  });
  assert.deepEqual(parseCallFunction('outline,format=json,ignorestatus=true'), {
    name: 'outline',
    format: 'json',
    ignoreStatus: true,
  });
  assert.deepEqual(parseCallFunction('format=json'), { name: 'build', format: 'json', ignoreStatus: false });
  assert.equal(buildOptionsFromFlags('.', { ...NONE, call: 'targets', check: true }).call.name, 'check');
  rejects(() => parseCallFunction('check,outline'), /invalid print value: check,outline/);
  rejects(() => parseCallFunction('check,color=red'), /invalid print field: color=red/);
  rejects(() => parseCallFunction('describe'), /unsupported call function "describe"/);
  rejects(() => parseCallFunction('check,format=yaml'), /unsupported call format "yaml"/);
  assertions += 5;
});

test('-o: CSV specs, bare directories, "-", registry', () => {
  assert.deepEqual(parseExport('out'), { type: 'local', attrs: {}, destination: 'out' });
  assert.deepEqual(parseExport('-'), { type: 'tar', attrs: {}, destination: '-' });
  assert.deepEqual(parseExport('type=oci,dest=img.tar,Name=x'), {
    type: 'oci',
    attrs: { name: 'x' },
    destination: 'img.tar',
  });
  assert.deepEqual(parseExport('type=registry'), { type: 'image', attrs: { push: 'true' } });
  assert.deepEqual(parseExport('type=image,"name=a,b",push=false'), {
    type: 'image',
    attrs: { name: 'a,b', push: 'false' },
  });
  rejects(() => parseExport('dest=x,name=y'), /type is required for output/);
  rejects(() => parseExport('type=local,dest'), /invalid value dest/);
  assertions += 5;
});

test('--push and --load adjust the exports', () => {
  const pushed = buildOptionsFromFlags('.', {
    ...NONE,
    push: true,
    output: ['type=image,name=r/a', 'type=local,dest=d'],
  });
  assert.deepEqual(pushed.exports, [
    { type: 'image', attrs: { name: 'r/a', push: 'true' } },
    { type: 'local', attrs: {}, destination: 'd' },
  ]);
  const added = buildOptionsFromFlags('.', { ...NONE, push: true, load: true });
  assert.deepEqual(added.exports, [
    { type: 'image', attrs: { push: 'true' } },
    { type: 'docker', attrs: {} },
  ]);
  const loaded = buildOptionsFromFlags('.', { ...NONE, load: true, output: ['type=docker'] });
  assert.equal(loaded.exports.length, 1);
  rejects(
    () => buildOptionsFromFlags('.', { ...NONE, output: ['out'], iidfile: 'id' }),
    /incompatible with image ID file/,
  );
  assertions += 3;
});

test('--secret, --build-context, --progress and -q', () => {
  assert.deepEqual(parseSecret('id=npm,src=/home/me/.npmrc'), { id: 'npm', source: '/home/me/.npmrc' });
  assert.deepEqual(parseSecret('id=tok,type=env,src=GITHUB_TOKEN'), { id: 'tok', env: 'GITHUB_TOKEN' });
  assert.deepEqual(parseSecret('id=tok,env=TOKEN'), { id: 'tok', env: 'TOKEN' });
  rejects(() => parseSecret('id'), /invalid field 'id' must be a key=value pair/);
  rejects(() => parseSecret('type=ssh,id=x'), /unsupported secret type "ssh"/);
  const o = buildOptionsFromFlags('.', {
    ...NONE,
    buildContext: ['alpine=docker-image://alpine:3.20', 'src=../src'],
  });
  assert.deepEqual(o.buildContexts, { alpine: 'docker-image://alpine:3.20', src: '../src' });
  rejects(
    () => buildOptionsFromFlags('.', { ...NONE, buildContext: ['nokey'] }),
    /invalid context value: nokey/,
  );
  assert.equal(buildOptionsFromFlags('.', { ...NONE, quiet: true }).progress, 'quiet');
  rejects(
    () => buildOptionsFromFlags('.', { ...NONE, quiet: true, progress: 'plain' }),
    /progress=plain and quiet/,
  );
  rejects(() => buildOptionsFromFlags('.', { ...NONE, progress: 'fancy' }), /invalid progress mode "fancy"/);
  assertions += 5;
});

test('the rest carry over as given', () => {
  const o = buildOptionsFromFlags('.', {
    ...NONE,
    file: 'build/Dockerfile.prod',
    target: 'release',
    tag: ['a:1', 'b:2'],
    cache: false,
    cacheFilter: ['deps'],
    pull: true,
    annotation: ['index:org.opencontainers.image.title=x'],
    metadataFile: 'md.json',
    iidfile: 'iid',
  });
  assert.equal(o.dockerfile, 'build/Dockerfile.prod');
  assert.equal(o.dockerfileDisplayName, 'build/Dockerfile.prod');
  assert.deepEqual(
    [o.target, o.tags, o.noCache, o.noCacheFilter, o.pull, o.annotations, o.metadataFile, o.iidFile],
    [
      'release',
      ['a:1', 'b:2'],
      true,
      ['deps'],
      true,
      ['index:org.opencontainers.image.title=x'],
      'md.json',
      'iid',
    ],
  );
  assert.equal(buildOptionsFromFlags('.', { ...NONE, file: '-' }).dockerfileDisplayName, 'stdin');
  assertions += 3;
});

after(() => console.log(`build flag assertions: ${assertions}`));

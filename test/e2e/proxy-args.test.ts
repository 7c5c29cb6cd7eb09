// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile text uses ${VAR} literally.
/**
 * Docker's predefined proxy build args (HTTP_PROXY, https_proxy, NO_PROXY…): given with
 * `--build-arg`, a RUN sees them without an ARG, and they stay out of the step's cache key and
 * the image history (BuildKit's ProxyEnv); declared with ARG they are ordinary build args.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { freshHome, makeContext, manifold, publishBaseImages, testRegistry } from './helpers.js';

const registry = testRegistry();
const skip = registry ? false : 'the test registry is not running (bash scripts/testworld/registry.sh start)';

/** Names of the RUN steps a `--progress rawjson` build ran (not cached). */
function ranRuns(stderr: string): string[] {
  const names = new Set<string>();
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line) as {
      vertexes?: Array<{ name: string; started?: string; cached?: boolean }>;
    };
    for (const v of event.vertexes ?? [])
      if (v.started && !v.cached && / RUN /.test(v.name)) names.add(v.name);
  }
  return [...names];
}

/** The `created_by` lines of the image named `name` in the store of `home` (one platform). */
async function historyOf(home: string, name: string): Promise<string[]> {
  const blob = async (digest: string) =>
    JSON.parse(await readFile(path.join(home, 'images', 'blobs', 'sha256', digest.slice(7)), 'utf8')) as {
      manifests?: Array<{ digest: string }>;
      config?: { digest: string };
      history?: Array<{ created_by?: string }>;
    };
  const index = JSON.parse(await readFile(path.join(home, 'images', 'index.json'), 'utf8')) as {
    manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
  };
  const entry = index.manifests.find((m) => m.annotations?.['io.containerd.image.name'] === name);
  assert.ok(entry, `no ${name} in the store`);
  let doc = await blob(entry.digest);
  if (doc.manifests) doc = await blob(doc.manifests[0]?.digest as string);
  const config = await blob(doc.config?.digest as string);
  return (config.history ?? []).map((h) => h.created_by ?? '');
}

/** `build --progress rawjson` for linux/amd64 of `ctx` into `ctx/out` (a local output). */
function buildTo(home: string, ctx: string, out: string, buildArgs: readonly string[]) {
  return manifold(
    [
      'build',
      '--progress',
      'rawjson',
      '--platform',
      'linux/amd64',
      ...buildArgs.flatMap((a) => ['--build-arg', a]),
      '-o',
      `type=local,dest=${path.join(ctx, out)}`,
      ctx,
    ],
    { MANIFOLD_HOME: home },
  );
}

describe('proxy build args', { skip }, () => {
  const reg = registry ?? '';
  before(async () => {
    await publishBaseImages(reg);
  });

  it('reach RUN without an ARG, outside the cache key and the history', async () => {
    const home = await freshHome(reg);
    const ctx = await makeContext({
      Dockerfile: 'FROM alpine\nRUN echo "[$HTTP_PROXY] [$no_proxy] [$OTHER]" > /proxy.txt\n',
    });
    const build = (proxy: string, out: string) =>
      buildTo(home, ctx, out, [
        `HTTP_PROXY=${proxy}`,
        'no_proxy=localhost,.internal',
        'OTHER=not predefined',
      ]);
    const first = await build('http://proxy.example:3128', 'out1');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(
      await readFile(path.join(ctx, 'out1', 'proxy.txt'), 'utf8'),
      '[http://proxy.example:3128] [localhost,.internal] []\n',
    );
    // Another proxy: the step is not run again (its cache key has no proxy in it).
    const second = await build('http://other-proxy.example:8080', 'out2');
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(ranRuns(second.stderr), []);

    // Stored as an image: its history shows the command only.
    const stored = await manifold(
      [
        'build',
        '--progress',
        'quiet',
        '--platform',
        'linux/amd64',
        '--build-arg',
        'HTTP_PROXY=http://p:1',
        '--build-arg',
        'OTHER=x',
        '-t',
        'proxied',
        ctx,
      ],
      { MANIFOLD_HOME: home },
    );
    assert.equal(stored.code, 0, stored.stderr);
    const history = await historyOf(home, 'docker.io/library/proxied:latest');
    assert.deepEqual(history.slice(-1), [
      'RUN /bin/sh -c echo "[$HTTP_PROXY] [$no_proxy] [$OTHER]" > /proxy.txt # buildkit',
    ]);
  });

  it('are ordinary build args when declared with ARG', async () => {
    const home = await freshHome(reg);
    const ctx = await makeContext({
      Dockerfile: 'FROM alpine\nARG HTTP_PROXY\nRUN echo "[$HTTP_PROXY]" > /proxy.txt\n',
    });
    const build = (proxy: string, out: string) => buildTo(home, ctx, out, [`HTTP_PROXY=${proxy}`]);
    assert.equal((await build('http://a:1', 'out1')).code, 0);
    const second = await build('http://b:2', 'out2');
    assert.equal(second.code, 0, second.stderr);
    assert.equal(ranRuns(second.stderr).length, 1, 'a declared ARG is part of the cache key');
    assert.equal(await readFile(path.join(ctx, 'out2', 'proxy.txt'), 'utf8'), '[http://b:2]\n');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Definition, image, local, marshal, type Vertex } from '../../../src/graph/index.js';
import type { Digest } from '../../../src/oci/digest.js';
import type { ProgressEvent } from '../../../src/progress/index.js';
import { type ResultCache, solve, VertexFailedError, type Worker } from '../../../src/solver/index.js';

/** A fake worker: results are strings describing how they were made; counts every call. */
class FakeWorker implements Worker<string> {
  readonly execs: string[] = [];
  running = 0;
  maxRunning = 0;
  contextContent = 'v1';
  failOn: string | undefined;

  async sourceKey(vertex: Vertex): Promise<string> {
    return vertex.op.kind === 'local' ? this.contextContent : 'image-digest';
  }

  async exec(vertex: Vertex, inputs: readonly string[]): Promise<string> {
    const label = labelOf(vertex);
    this.execs.push(label);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    await new Promise((r) => setTimeout(r, 5));
    this.running--;
    if (this.failOn && label.includes(this.failOn)) throw new Error(`exit code 1`);
    return `${label}(${inputs.join(',')})`;
  }
}

function labelOf(v: Vertex): string {
  const op = v.op;
  if (op.kind === 'image') return `image:${op.platform}`;
  if (op.kind === 'local') return `local:${op.name}`;
  if (op.kind === 'exec') return `exec:${op.platform}:${op.args.join(' ')}`;
  return op.kind === 'file' ? `file:${op.actions.length}` : 'http';
}

class MemoryCache implements ResultCache<string> {
  readonly map = new Map<Digest, string>();
  async has(key: Digest) {
    return this.map.has(key);
  }
  async load(key: Digest) {
    return this.map.get(key);
  }
  async save(key: Digest, _v: Vertex, result: string) {
    this.map.set(key, result);
  }
}

const copyFrom = (from: ReturnType<typeof local>) => ({
  action: 'copy' as const,
  from,
  sources: ['/out'],
  dest: '/out',
  link: false,
  parents: false,
  exclude: [],
  extractArchives: false,
  followSymlinks: true,
  allowWildcard: true,
  allowEmptyWildcard: false,
  createDestPath: true,
  dirCopyContents: true,
});

/** The cross-compilation pattern: a build stage on the build platform, a final stage per target. */
function crossDefinitions(targets: string[]): Definition[] {
  const build = image('golang', 'linux/amd64')
    .file([copyFrom(local('context'))])
    .run(
      { args: ['go', 'build'], env: [], cwd: '/src', user: '', platform: 'linux/amd64' },
      { name: 'build' },
    );
  return targets.map((t) =>
    marshal(
      image('alpine', t)
        .run({ args: ['uname'], env: [], cwd: '/', user: '', platform: t })
        .file([copyFrom(build)]),
    ),
  );
}

describe('solver', () => {
  it('runs a stage shared by every target once', async () => {
    const worker = new FakeWorker();
    const res = await solve(crossDefinitions(['linux/amd64', 'linux/arm64', 'linux/arm/v7']), {
      worker,
      cache: new MemoryCache(),
      maxParallelism: 2,
    });
    assert.equal(worker.execs.filter((e) => e === 'exec:linux/amd64:go build').length, 1);
    assert.equal(worker.execs.filter((e) => e.startsWith('exec:') && e.endsWith(':uname')).length, 3);
    assert.equal(res.heads.length, 3);
    assert.match(String(res.heads[1]), /^file:1\(exec:linux\/arm64:uname/);
    assert.ok(worker.maxRunning <= 2);
    assert.ok(worker.maxRunning >= 2, 'independent platforms run in parallel');
  });

  it('runs nothing on a rebuild with nothing changed, and reports every step cached', async () => {
    const worker = new FakeWorker();
    const cache = new MemoryCache();
    const defs = crossDefinitions(['linux/amd64', 'linux/arm64']);
    await solve(defs, { worker, cache });
    const first = worker.execs.length;
    const events: ProgressEvent[] = [];
    const again = await solve(defs, { worker, cache, progress: (e) => events.push(e) });
    assert.equal(worker.execs.length, first);
    assert.equal(again.executed.size, 0);
    const cachedNames = events.filter((e) => e.type === 'vertex' && e.status === 'cached').length;
    // The context (a local source) is loaded on every build, as BuildKit shows it: started and
    // done, never cached; every other vertex is reported cached.
    const locals = defs
      .flatMap((d) => [...d.vertices.values()])
      .filter((v, i, all) => v.op.kind === 'local' && all.findIndex((w) => w.digest === v.digest) === i);
    assert.ok(locals.length > 0);
    assert.equal(cachedNames, again.keys.size - locals.length);
    for (const local of locals) {
      const mine = events.filter((e) => e.type === 'vertex' && e.digest === local.digest);
      assert.deepEqual(
        mine.map((e) => (e.type === 'vertex' ? e.status : '')),
        ['started', 'done'],
      );
    }
  });

  it('re-runs only what follows a changed source', async () => {
    const worker = new FakeWorker();
    const cache = new MemoryCache();
    const defs = crossDefinitions(['linux/amd64', 'linux/arm64']);
    await solve(defs, { worker, cache });
    worker.execs.length = 0;
    worker.contextContent = 'v2';
    await solve(defs, { worker, cache });
    // The context, the copy into the build stage, the build, and each target's final copy.
    assert.deepEqual(
      [...worker.execs].sort(),
      ['exec:linux/amd64:go build', 'file:1', 'file:1', 'file:1', 'local:context'].sort(),
    );
  });

  it('ignores the cache with noCache, and per vertex with ignoreCache', async () => {
    const worker = new FakeWorker();
    const cache = new MemoryCache();
    const defs = crossDefinitions(['linux/amd64']);
    await solve(defs, { worker, cache });
    const n = worker.execs.length;
    await solve(defs, { worker, cache, noCache: true });
    assert.equal(worker.execs.length, 2 * n);
  });

  it('reports the failing step by name and aborts', async () => {
    const worker = new FakeWorker();
    worker.failOn = 'go build';
    await assert.rejects(
      solve(crossDefinitions(['linux/amd64', 'linux/arm64']), { worker, cache: new MemoryCache() }),
      (err: unknown) => {
        assert.ok(err instanceof VertexFailedError);
        assert.equal(err.message, 'build: exit code 1');
        return true;
      },
    );
  });
});

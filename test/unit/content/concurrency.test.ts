import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ImageStore, openContentStore } from '../../../src/content/index.js';
import { parseDigest } from '../../../src/oci/index.js';
import { repoRoot } from '../../helpers/paths.js';
import { tempDir } from './fixtures.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child-writer.ts');
const counts: string[] = [];
after(() => console.log(`content concurrency: ${counts.join('; ')}`));

interface Child {
  readonly proc: ChildProcess;
  readonly lines: string[];
  /** Resolves with the first stdout line equal to `line`. */
  waitFor(line: string): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnChild(...args: string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.filter((x) => x.line === line)) w.resolve();
  });
  const exited = once(proc, 'exit').then(([code, signal]) => {
    if (code !== 0 && signal === null) throw new Error(`child ${args.join(' ')} failed (${code}): ${stderr}`);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  exited.catch(() => {});
  return {
    proc,
    lines,
    exited,
    waitFor: (line) =>
      lines.includes(line)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ line, resolve })),
            exited.then(() => {
              throw new Error(`child exited before printing ${line}: ${stderr}`);
            }),
          ]),
  };
}

async function ingest(root: string): Promise<string[]> {
  return readdir(path.join(root, 'ingest'));
}

describe('content store: concurrent processes', { timeout: 180_000 }, () => {
  it('several processes writing shared and distinct blobs and names at once, while gc runs, lose nothing', async () => {
    const dir = await tempDir();
    const root = path.join(dir, 'store');
    const children = 5;
    const perChild = 6;
    try {
      const content = await openContentStore(root);
      const procs = Array.from({ length: children }, (_, i) =>
        spawnChild('images', root, String(i), String(perChild)),
      );
      let done = false;
      const all = Promise.all(procs.map((p) => p.exited)).finally(() => (done = true));
      let gcRuns = 0;
      let freed = 0;
      while (!done) {
        const r = await content.gc();
        gcRuns += 1;
        freed += r.blobsRemoved;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const exits = await all;
      assert.ok(exits.every((e) => e.code === 0));

      // index.json is valid JSON with every name; every named image is complete and verified.
      const index = JSON.parse(await readFile(path.join(root, 'index.json'), 'utf8'));
      assert.equal(index.manifests.length, children * perChild);
      const names = (await content.listNames()).map((n) => n.name).sort();
      const want = procs.flatMap((_, i) =>
        Array.from({ length: perChild }, (_, j) => `example.com/child-${i}:${j}`),
      );
      assert.deepEqual(names, want.sort());
      const images = new ImageStore(content);
      for (const name of names) {
        const desc = await images.resolve(name);
        await content.setName(name, desc, { check: 'complete' });
      }
      const blobs = await readdir(path.join(root, 'blobs', 'sha256'));
      for (const hex of blobs) assert.equal(await content.verifyBlob(parseDigest(`sha256:${hex}`)), true);
      // 1 shared layer + per image: layer, config, manifest.
      assert.equal(blobs.length, 1 + children * perChild * 3);
      await assert.rejects(stat(path.join(root, 'index.json.lock')), { code: 'ENOENT' });
      assert.deepEqual(await ingest(root), []);
      assert.deepEqual(await readdir(path.join(root, 'leases')), []);
      counts.push(
        `${children} writers × ${perChild} images, ${gcRuns} concurrent gc runs freed ${freed} blobs`,
      );
      assert.equal(freed, 0, 'gc freed blobs of a writer that had not named them yet');
      await content.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('kill -9 in the middle of a 50 MiB blob write leaves the store consistent; gc cleans the temp', async () => {
    const dir = await tempDir();
    const root = path.join(dir, 'store');
    try {
      const content = await openContentStore(root);
      const child = spawnChild('slow', root, '50', '40');
      await child.waitFor('writing');
      let temp: string | undefined;
      for (let i = 0; i < 200 && temp === undefined; i++) {
        for (const name of await ingest(root)) {
          if (
            name.startsWith('blob.') &&
            (await stat(path.join(root, 'ingest', name))).size >= 2 * 1024 * 1024
          ) {
            temp = name;
          }
        }
        if (temp === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok(temp !== undefined, 'the child never got 2 MiB into its temp file');
      // While the writer lives, gc leaves its temp file alone.
      const live = await content.gc();
      assert.equal(live.tempsRemoved, 0);
      assert.ok((await ingest(root)).includes(temp));

      child.proc.kill('SIGKILL');
      assert.equal((await child.exited).signal, 'SIGKILL');
      assert.ok(!child.lines.includes('done'));

      // Consistent: valid index, no partial blob under blobs/, the temp still in ingest/.
      assert.deepEqual(await content.listNames(), []);
      assert.deepEqual(await readdir(path.join(root, 'blobs', 'sha256')), []);
      const size = (await stat(path.join(root, 'ingest', temp))).size;
      const result = await content.gc();
      assert.equal(result.tempsRemoved, 1);
      assert.equal(result.tempBytesFreed, size);
      assert.deepEqual(await ingest(root), []);
      counts.push(`killed writer left ${size} bytes in ingest/, gc freed them`);
      await content.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a lock held by a live process makes writers wait; once it is killed the stale lock is broken', async () => {
    const dir = await tempDir();
    const root = path.join(dir, 'store');
    try {
      const child = spawnChild('hold-lock', root);
      await child.waitFor('locked');
      const content = await openContentStore(root, { lock: { timeoutMs: 300 } });
      const blob = await content.writeBlob(Buffer.from('{}'));
      const desc = { mediaType: 'application/vnd.oci.empty.v1+json', ...blob };
      await assert.rejects(content.setName('example.com/x:1', desc), {
        code: 'E_STORE_LOCKED',
        message: new RegExp(`process ${child.proc.pid}`),
      });
      child.proc.kill('SIGKILL');
      await child.exited;
      await content.setName('example.com/x:1', desc);
      assert.equal((await content.getName('example.com/x:1'))?.digest, blob.digest);
      await assert.rejects(stat(path.join(root, 'index.json.lock')), { code: 'ENOENT' });
      await content.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

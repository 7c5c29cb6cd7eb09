/**
 * A separate process that writes to a content store, for the concurrency and crash tests.
 * Run with `node --import tsx child-writer.ts MODE ROOT ARGS…`:
 * - `images ROOT ID COUNT`: writes COUNT small images (each with one layer shared by every
 *   child) and names them `example.com/child-ID:N`; prints a JSON summary.
 * - `slow ROOT MIB DELAY_MS`: streams a MIB MiB blob, 1 MiB every DELAY_MS; prints `writing`
 *   after the first chunk (the parent kills it with SIGKILL).
 * - `hold-lock ROOT`: takes the index lock, prints `locked` and waits (to be killed).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ImageStore, openContentStore } from '../../../src/content/index.js';
import { Layout } from '../../../src/content/layout.js';
import { withIndexLock } from '../../../src/content/lock.js';
import { buildImage, seededBytes, storeImage } from './fixtures.js';

/** The layer every `images` child shares. */
export const SHARED_LAYER = Buffer.alloc(64 * 1024, 42);

async function images(root: string, id: string, count: number): Promise<void> {
  const content = await openContentStore(root);
  const store = new ImageStore(content);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const image = buildImage(`child-${id}-${i}`, { layerSize: 20_000, shared: SHARED_LAYER });
    await storeImage(content, image);
    const name = `example.com/child-${id}:${i}`;
    await store.putImage(name, image.manifest);
    names.push(name);
  }
  await content.close();
  process.stdout.write(`${JSON.stringify({ id, names })}\n`);
}

async function slow(root: string, mib: number, delayMs: number): Promise<void> {
  const content = await openContentStore(root);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < mib; i++) {
      yield seededBytes(`slow-${i}`, 1024 * 1024);
      if (i === 0) process.stdout.write('writing\n');
      await sleep(delayMs);
    }
  }
  await content.writeBlob(chunks());
  process.stdout.write('done\n');
}

async function holdLock(root: string): Promise<void> {
  const layout = new Layout(root);
  await layout.init();
  await withIndexLock(layout, async () => {
    process.stdout.write('locked\n');
    await sleep(600_000);
  });
}

const [mode, root, a, b] = process.argv.slice(2);
if (root === undefined) throw new Error('usage: child-writer.ts MODE ROOT ARGS…');
if (mode === 'images') await images(root, a ?? '0', Number(b ?? 1));
else if (mode === 'slow') await slow(root, Number(a ?? 50), Number(b ?? 50));
else if (mode === 'hold-lock') await holdLock(root);
else throw new Error(`unknown mode ${mode}`);

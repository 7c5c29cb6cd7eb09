import assert from 'node:assert/strict';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { openContentStore } from '../../../src/content/index.js';
import { type Digest, digestReadable, sha256Digest } from '../../../src/oci/index.js';
import { seededBytes, tempDir, withStore } from './fixtures.js';

const WRONG = `sha256:${'0'.repeat(64)}` as Digest;

async function ingestEntries(root: string): Promise<string[]> {
  return readdir(path.join(root, 'ingest'));
}

/** A Readable of `total` bytes in `chunk`-byte pieces that records whether it was read or destroyed. */
function trackedStream(bytes: Buffer, chunk = 64 * 1024): { stream: Readable; state: { reads: number } } {
  const state = { reads: 0 };
  let offset = 0;
  const stream = new Readable({
    read() {
      state.reads += 1;
      if (offset >= bytes.length) this.push(null);
      else {
        this.push(bytes.subarray(offset, offset + chunk));
        offset += chunk;
      }
    },
  });
  return { stream, state };
}

describe('content store: layout', () => {
  it('is created on first use with oci-layout and an empty index.json', async () => {
    const dir = await tempDir();
    const root = path.join(dir, 'a', 'b');
    const store = await openContentStore(root);
    assert.deepEqual(JSON.parse(await readFile(path.join(root, 'oci-layout'), 'utf8')), {
      imageLayoutVersion: '1.0.0',
    });
    const index = JSON.parse(await readFile(path.join(root, 'index.json'), 'utf8'));
    assert.deepEqual(index, {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [],
    });
    assert.ok((await stat(path.join(root, 'blobs', 'sha256'))).isDirectory());
    await store.close();
    // Opening again keeps what is there.
    const again = await openContentStore(root);
    assert.equal(again.root, root);
    await again.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a layout of another version', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
    await assert.rejects(openContentStore(dir), { code: 'E_STORE_CORRUPT', message: /2\.0\.0/ });
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an index.json that is not an index, naming the file', async () => {
    await withStore(async (store) => {
      await writeFile(path.join(store.root, 'index.json'), '{"schemaVersion":2,"manifests":"nope"}');
      await assert.rejects(store.listNames(), { code: 'E_STORE_CORRUPT', message: /index\.json/ });
    });
  });
});

describe('content store: blobs', () => {
  it('writes bytes, streams and reads them back, verified', async () => {
    await withStore(async (store) => {
      const bytes = seededBytes('a', 3 * 1024 * 1024 + 17);
      const digest = sha256Digest(bytes);
      const result = await store.writeBlob(Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]), {
        digest,
        size: bytes.length,
      });
      assert.deepEqual(result, { digest, size: bytes.length, written: true });
      assert.equal(await store.hasBlob(digest), true);
      assert.equal(await store.blobSize(digest), bytes.length);
      const hex = digest.slice('sha256:'.length);
      assert.deepEqual(await readFile(path.join(store.root, 'blobs', 'sha256', hex)), bytes);
      const streamed = await digestReadable(await store.openBlob(digest));
      assert.deepEqual(streamed, { digest, size: bytes.length });
      const ranged = await store.openBlob(digest, { start: 10, end: 19 });
      const parts: Buffer[] = [];
      for await (const c of ranged) parts.push(c as Buffer);
      assert.deepEqual(Buffer.concat(parts), bytes.subarray(10, 20));
      assert.equal(await store.verifyBlob(digest), true);
      assert.deepEqual(await ingestEntries(store.root), []);
    });
  });

  it('computes the digest when none is expected', async () => {
    await withStore(async (store) => {
      const bytes = Buffer.from('{"hello":"world"}');
      const result = await store.writeBlob(bytes);
      assert.equal(result.digest, sha256Digest(bytes));
      assert.deepEqual(await store.readBlobBytes(result.digest), bytes);
    });
  });

  it('a digest mismatch throws E_DIGEST_MISMATCH naming both digests and leaves nothing behind', async () => {
    await withStore(async (store) => {
      const bytes = seededBytes('b', 200_000);
      const actual = sha256Digest(bytes);
      await assert.rejects(
        store.writeBlob(Readable.from([bytes]), { digest: WRONG }),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, 'E_DIGEST_MISMATCH');
          assert.match(err.message, new RegExp(WRONG));
          assert.match(err.message, new RegExp(actual));
          return true;
        },
      );
      assert.equal(await store.hasBlob(WRONG), false);
      assert.equal(await store.hasBlob(actual), false);
      assert.deepEqual(await ingestEntries(store.root), []);
      assert.deepEqual(await readdir(path.join(store.root, 'blobs', 'sha256')), []);
    });
  });

  it('a size mismatch throws E_SIZE_MISMATCH, stops reading early, and leaves nothing behind', async () => {
    await withStore(async (store) => {
      const bytes = seededBytes('c', 1024 * 1024);
      const { stream, state } = trackedStream(bytes, 1024);
      await assert.rejects(store.writeBlob(stream, { digest: sha256Digest(bytes), size: 10_000 }), {
        code: 'E_SIZE_MISMATCH',
      });
      assert.ok(state.reads < 100, `read ${state.reads} chunks of an oversized input`);
      assert.equal(stream.destroyed, true);
      await assert.rejects(store.writeBlob(bytes.subarray(0, 10), { size: 11 }), { code: 'E_SIZE_MISMATCH' });
      assert.deepEqual(await ingestEntries(store.root), []);
    });
  });

  it('writing a blob that exists is a no-op that cancels the input without reading it', async () => {
    await withStore(async (store) => {
      const bytes = seededBytes('d', 500_000);
      const digest = sha256Digest(bytes);
      await store.writeBlob(bytes, { digest });
      const before = await stat(path.join(store.root, 'blobs', 'sha256', digest.slice(7)));
      const { stream, state } = trackedStream(bytes);
      const again = await store.writeBlob(stream, { digest, size: bytes.length });
      assert.deepEqual(again, { digest, size: bytes.length, written: false });
      assert.equal(state.reads, 0);
      assert.equal(stream.destroyed, true);
      // An async generator source is returned (its finally runs).
      let finalized = false;
      async function* gen(): AsyncGenerator<Uint8Array> {
        try {
          yield bytes;
        } finally {
          finalized = true;
        }
      }
      const iterable = gen();
      await iterable.next(); // started, suspended at the yield
      assert.equal((await store.writeBlob(iterable, { digest })).written, false);
      assert.equal(finalized, true);
      // Without an expected digest the content is read, found to exist, and the temp removed.
      assert.equal((await store.writeBlob(Readable.from([bytes]))).written, false);
      const after = await stat(path.join(store.root, 'blobs', 'sha256', digest.slice(7)));
      assert.equal(after.ino, before.ino);
      assert.deepEqual(await ingestEntries(store.root), []);
      // An existing blob with a different announced size is an error, not a silent success.
      await assert.rejects(store.writeBlob(Buffer.alloc(0), { digest, size: 5 }), {
        code: 'E_SIZE_MISMATCH',
      });
    });
  });

  it('missing blobs: E_BLOB_NOT_FOUND from blobSize, openBlob and readBlobBytes', async () => {
    await withStore(async (store) => {
      assert.equal(await store.hasBlob(WRONG), false);
      await assert.rejects(store.blobSize(WRONG), { code: 'E_BLOB_NOT_FOUND' });
      await assert.rejects(store.openBlob(WRONG), { code: 'E_BLOB_NOT_FOUND' });
      await assert.rejects(store.readBlobBytes(WRONG), { code: 'E_BLOB_NOT_FOUND' });
    });
  });

  it('readBlobBytes is capped and detects corruption on disk', async () => {
    await withStore(async (store) => {
      const bytes = seededBytes('e', 2048);
      const { digest } = await store.writeBlob(bytes);
      await assert.rejects(store.readBlobBytes(digest, 1024), { code: 'E_BLOB_TOO_LARGE' });
      const file = path.join(store.root, 'blobs', 'sha256', digest.slice(7));
      await writeFile(file, Buffer.concat([bytes.subarray(0, 2047), Buffer.from('!')]));
      await assert.rejects(store.readBlobBytes(digest), { code: 'E_DIGEST_MISMATCH' });
      assert.equal(await store.verifyBlob(digest), false);
    });
  });

  it('an aborted write leaves nothing behind', async () => {
    await withStore(async (store) => {
      const controller = new AbortController();
      async function* slow(): AsyncGenerator<Uint8Array> {
        yield Buffer.alloc(1000);
        controller.abort();
        yield Buffer.alloc(1000);
      }
      await assert.rejects(store.writeBlob(slow(), {}, { signal: controller.signal }), {
        name: 'AbortError',
      });
      assert.deepEqual(await ingestEntries(store.root), []);
    });
  });

  it('concurrent writers of the same blob in one process all succeed with one copy', async () => {
    await withStore(async (store) => {
      const bytes = seededBytes('f', 300_000);
      const digest = sha256Digest(bytes);
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.writeBlob(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)])),
        ),
      );
      assert.ok(results.every((r) => r.digest === digest));
      assert.ok(results.some((r) => r.written));
      assert.deepEqual(await readdir(path.join(store.root, 'blobs', 'sha256')), [digest.slice(7)]);
      assert.deepEqual(await ingestEntries(store.root), []);
    });
  });
});

/**
 * Which ignore file a build uses: `<Dockerfile>.dockerignore` beside the Dockerfile wins over the
 * context's `.dockerignore`; nothing found means no patterns.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findDockerignore, loadDockerignore } from '../../../src/dockerfile/ignore/index.js';

let base: string;
before(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'manifold-ignore-locate-'));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

async function layout(name: string, files: Record<string, string | null>): Promise<string> {
  const root = path.join(base, name);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    if (content === null) {
      await mkdir(abs, { recursive: true });
    } else {
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, content);
    }
  }
  return root;
}

describe('loadDockerignore', () => {
  it('prefers <Dockerfile>.dockerignore next to the Dockerfile', async () => {
    const root = await layout('specific', {
      'ctx/.dockerignore': 'from-context\n',
      'build/app.Dockerfile': 'FROM scratch\n',
      'build/app.Dockerfile.dockerignore': '# for app\n/dist\n!dist/keep\n',
    });
    const ctx = path.join(root, 'ctx');
    const dockerfile = path.join(root, 'build/app.Dockerfile');
    assert.deepEqual(await loadDockerignore(ctx, dockerfile), ['dist', '!dist/keep']);
    assert.equal((await findDockerignore(ctx, dockerfile))?.file, `${dockerfile}.dockerignore`);
  });

  it('uses the Dockerfile-specific file inside the context too, and even when it is empty', async () => {
    const root = await layout('empty-specific', {
      '.dockerignore': 'node_modules\n',
      Dockerfile: 'FROM scratch\n',
      'Dockerfile.dockerignore': '',
    });
    assert.deepEqual(await loadDockerignore(root, path.join(root, 'Dockerfile')), []);
    assert.equal(
      (await findDockerignore(root, path.join(root, 'Dockerfile')))?.file,
      path.join(root, 'Dockerfile.dockerignore'),
    );
  });

  it('falls back to the context .dockerignore', async () => {
    const root = await layout('fallback', {
      'ctx/.dockerignore': '\uFEFFnode_modules\r\n*.log\r\n',
      'other/Dockerfile': 'FROM scratch\n',
      'other/Containerfile.dockerignore': 'wrong-name\n',
    });
    const ctx = path.join(root, 'ctx');
    assert.deepEqual(await loadDockerignore(ctx, path.join(root, 'other/Dockerfile')), [
      'node_modules',
      '*.log',
    ]);
    assert.deepEqual(await loadDockerignore(ctx), ['node_modules', '*.log']);
    assert.deepEqual(await loadDockerignore(ctx, '-'), ['node_modules', '*.log']);
  });

  it('gives no patterns when there is no ignore file', async () => {
    const root = await layout('none', { Dockerfile: 'FROM scratch\n' });
    assert.deepEqual(await loadDockerignore(root, path.join(root, 'Dockerfile')), []);
    assert.equal(await findDockerignore(root), undefined);
    assert.deepEqual(await loadDockerignore(path.join(root, 'missing-context')), []);
  });

  it('reports an ignore file that exists but cannot be read', async () => {
    const root = await layout('unreadable', { '.dockerignore': null });
    await assert.rejects(loadDockerignore(root), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'E_DOCKERIGNORE_READ');
      assert.match(err.message, /\.dockerignore/);
      return true;
    });
  });
});

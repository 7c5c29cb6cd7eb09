/**
 * Build sources end to end: ADD of a URL (with --checksum), ADD of a local tar archive, named
 * contexts (`--build-context name=DIR` and `name=docker-image://REF`), .dockerignore.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshHome, makeContext, manifold, publishBaseImages, runCommand, testRegistry } from './helpers.js';

const registry = testRegistry();
const skip = registry ? false : 'the test registry is not running (bash scripts/testworld/registry.sh start)';
const PAYLOAD = 'downloaded over http\n';

describe('build sources', { skip }, () => {
  const reg = registry ?? '';
  let server: http.Server;
  let base = '';
  before(async () => {
    await publishBaseImages(reg);
    server = http.createServer((req, res) => {
      if (req.url === '/files/payload.txt') {
        res.writeHead(200, { 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' });
        res.end(PAYLOAD);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('ADDs a URL, checks its checksum, and refuses a wrong one', async () => {
    const home = await freshHome(reg);
    const sum = `sha256:${createHash('sha256').update(PAYLOAD).digest('hex')}`;
    const ctx = await makeContext({
      Dockerfile: `FROM alpine\nADD --checksum=${sum} ${base}/files/payload.txt /data/\nRUN stat -c '%a %Y' /data/payload.txt > /meta\n`,
    });
    const built = await manifold(['build', '--platform', 'linux/arm64', '-t', 'url', ctx], {
      MANIFOLD_HOME: home,
    });
    assert.equal(built.code, 0, built.stderr);
    const run = await manifold(
      ['run', '--platform', 'linux/arm64', 'url', 'sh', '-c', 'cat /data/payload.txt /meta'],
      { MANIFOLD_HOME: home },
    );
    assert.equal(run.stdout, `${PAYLOAD}600 1735689600\n`);

    const wrong = await makeContext({
      Dockerfile: `FROM alpine\nADD --checksum=sha256:${'0'.repeat(64)} ${base}/files/payload.txt /p\n`,
    });
    const failed = await manifold(['build', '--progress', 'quiet', '-t', 'url-bad', wrong], {
      MANIFOLD_HOME: home,
    });
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, new RegExp(`checksum mismatch: expected sha256:0{64}, got ${sum}`));
  });

  it('uses named contexts: a directory and an image', async () => {
    const home = await freshHome(reg);
    const ctx = await makeContext({
      Dockerfile: 'FROM base\nCOPY --from=docs readme.md /readme.md\nRUN cat /readme.md\n',
    });
    const docs = await makeContext({ 'readme.md': 'from the docs context\n' });
    const built = await manifold(
      [
        'build',
        '--platform',
        'linux/amd64',
        '--build-context',
        `docs=${docs}`,
        '--build-context',
        'base=docker-image://busybox',
        '-t',
        'named',
        ctx,
      ],
      { MANIFOLD_HOME: home },
    );
    assert.equal(built.code, 0, built.stderr);
    const run = await manifold(['run', 'named', 'cat', '/readme.md'], { MANIFOLD_HOME: home });
    assert.equal(run.stdout, 'from the docs context\n');
  });

  it('keeps cache mounts across builds, out of the image, and secrets out of everything', async () => {
    const home = await freshHome(reg);
    const secretFile = path.join(await makeContext({ tok: 'the-secret-value' }), 'tok');
    const ctx = await makeContext({
      Dockerfile: [
        'FROM alpine',
        'RUN --mount=type=cache,target=/cache,sharing=locked echo run >> /cache/log && cat /cache/log | wc -l > /runs',
        // The secret's value is not written here: only its length reaches the image.
        'RUN --mount=type=secret,id=tok wc -c < /run/secrets/tok > /secret-seen',
        '',
      ].join('\n'),
    });
    const args = [
      'build',
      '--no-cache',
      '--progress',
      'plain',
      '--secret',
      `id=tok,src=${secretFile}`,
      '-t',
      'mounts',
      ctx,
    ];
    for (const expected of ['1', '2']) {
      const built = await manifold(args, { MANIFOLD_HOME: home });
      assert.equal(built.code, 0, built.stderr);
      assert.doesNotMatch(built.stderr, /the-secret-value/);
      const run = await manifold(
        ['run', 'mounts', 'sh', '-c', 'cat /runs /secret-seen; ls /cache; ls /run/secrets 2>&1 | wc -l'],
        {
          MANIFOLD_HOME: home,
        },
      );
      assert.equal(run.stdout.trim().split(/\s+/).slice(0, 2).join(' '), `${expected} 16`);
      assert.doesNotMatch(run.stdout, /log/, 'the cache directory is not in the image');
    }
    const grep = await runCommand('grep', [
      '-r',
      '-l',
      'the-secret-value',
      path.join(home, 'images'),
      path.join(home, 'builders'),
    ]);
    assert.equal(grep.stdout, '', 'the secret is in no blob, snapshot or cache entry');
  });

  it('extracts a local tar with ADD and leaves .dockerignore-d files out of the context', async () => {
    const home = await freshHome(reg);
    const ctx = await makeContext({
      Dockerfile:
        'FROM alpine\nADD files.tar /unpacked/\nCOPY . /ctx/\nRUN find /unpacked /ctx -type f | sort\n',
      '.dockerignore': 'secret.txt\n*.log\n!keep.log\n',
      'secret.txt': 'no\n',
      'debug.log': 'no\n',
      'keep.log': 'yes\n',
    });
    await mkdir(path.join(ctx, 'src', 'sub'), { recursive: true });
    await writeFile(path.join(ctx, 'src', 'sub', 'a.txt'), 'a\n');
    const tar = await runCommand('tar', [
      '-C',
      path.join(ctx, 'src'),
      '-cf',
      path.join(ctx, 'files.tar'),
      'sub',
    ]);
    assert.equal(tar.code, 0, tar.stderr);
    const built = await manifold(['build', '--progress', 'plain', '-t', 'tarball', ctx], {
      MANIFOLD_HOME: home,
    });
    assert.equal(built.code, 0, built.stderr);
    const run = await manifold(['run', 'tarball', 'sh', '-c', 'find /unpacked /ctx -type f | sort'], {
      MANIFOLD_HOME: home,
    });
    assert.equal(
      run.stdout,
      [
        '/ctx/.dockerignore',
        '/ctx/Dockerfile',
        '/ctx/files.tar',
        '/ctx/keep.log',
        '/ctx/src/sub/a.txt',
        '/unpacked/sub/a.txt',
        '',
      ].join('\n'),
    );
  });
});

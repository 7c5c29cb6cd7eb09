/**
 * The local and tar outputs: a result's file system per platform, into a directory or a tar,
 * checked on disk and by `tar -tvf`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmod,
  link,
  lstat,
  mkdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import type { StageOutput } from '../../../src/dockerfile/convert/index.js';
import { walkTree } from '../../../src/export/outputs/fs-walk.js';
import type { OutputContext } from '../../../src/export/outputs/index.js';
import { exportLocal } from '../../../src/export/outputs/local.js';
import { exportTar } from '../../../src/export/outputs/tar.js';
import { parsePlatform } from '../../../src/platform/index.js';
import { SnapshotStore } from '../../../src/worker/snapshots/index.js';
import { tempDir } from './fixtures.js';

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const OLD = 1_500_000_000; // 2017-07-14
let checked = 0;
after(() => console.log(`files: ${checked} entries checked on disk or in tar listings`));

/** A snapshot per platform holding a small tree that names its platform. */
async function fixture(dir: string, platforms: readonly string[]): Promise<OutputContext> {
  const snapshots = new SnapshotStore(path.join(dir, 'snapshots'));
  const targets = [];
  for (const p of platforms) {
    const { id, fs } = await snapshots.create();
    await mkdir(path.join(fs, 'usr/bin'), { recursive: true });
    await writeFile(path.join(fs, 'usr/bin/app'), `app for ${p}\n`);
    await chmod(path.join(fs, 'usr/bin/app'), 0o750);
    await link(path.join(fs, 'usr/bin/app'), path.join(fs, 'usr/bin/app2'));
    await symlink('app', path.join(fs, 'usr/bin/app-link'));
    await writeFile(path.join(fs, 'platform.txt'), p);
    execFileSync('mkfifo', [path.join(fs, 'pipe')]);
    await utimes(path.join(fs, 'platform.txt'), OLD, OLD);
    await utimes(path.join(fs, 'usr/bin'), OLD, OLD);
    await snapshots.finish(id);
    targets.push({ platform: parsePlatform(p), output: {} as StageOutput, chain: [id] });
  }
  return {
    store: undefined as never,
    snapshots,
    targets,
    multiPlatform: platforms.length > 1,
    hostPlatform: parsePlatform('linux/amd64'),
    registry: () => Promise.reject(new Error('no registry here')),
    buildTime: 1_700_000_000_000,
  };
}

describe('walkTree', () => {
  it('walks parents first, siblings by name; second names are hardlinks; sockets and whiteouts left out', async () => {
    const dir = await tempDir();
    try {
      const ctx = await fixture(dir, ['linux/amd64']);
      const root = ctx.snapshots.upperDir(ctx.targets[0]!.chain[0]!);
      const entries = [];
      for await (const e of walkTree(root)) entries.push([e.rel, e.kind, e.link ?? '']);
      checked += entries.length;
      assert.deepEqual(entries, [
        ['pipe', 'fifo', ''],
        ['platform.txt', 'file', ''],
        ['usr', 'dir', ''],
        ['usr/bin', 'dir', ''],
        ['usr/bin/app', 'file', ''],
        ['usr/bin/app-link', 'symlink', 'app'],
        ['usr/bin/app2', 'hardlink', 'usr/bin/app'],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('local output', () => {
  it('writes one directory per platform, keeping modes, times, symlinks and hardlinks', async () => {
    const dir = await tempDir();
    try {
      const ctx = await fixture(dir, PLATFORMS);
      const dest = path.join(dir, 'out');
      // What is there already stays; a symlink in the way is replaced, never followed.
      await mkdir(path.join(dest, 'linux_arm64/usr'), { recursive: true });
      await writeFile(path.join(dest, 'keep.txt'), 'mine');
      await writeFile(path.join(dir, 'outside.txt'), 'outside');
      await symlink(path.join(dir, 'outside.txt'), path.join(dest, 'linux_arm64/platform.txt'));
      const result = await exportLocal({ type: 'local', dest }, ctx);
      assert.equal(result.written, dest);
      for (const p of PLATFORMS) {
        const root = path.join(dest, p.replaceAll('/', '_'));
        assert.equal(await readFile(path.join(root, 'platform.txt'), 'utf8'), p);
        assert.equal(await readFile(path.join(root, 'usr/bin/app'), 'utf8'), `app for ${p}\n`);
        assert.equal((await stat(path.join(root, 'usr/bin/app'))).mode & 0o7777, 0o750);
        assert.equal((await stat(path.join(root, 'platform.txt'))).mtimeMs, OLD * 1000);
        assert.equal((await stat(path.join(root, 'usr/bin'))).mtimeMs, OLD * 1000);
        assert.equal(await readlink(path.join(root, 'usr/bin/app-link')), 'app');
        assert.equal(
          (await stat(path.join(root, 'usr/bin/app2'))).ino,
          (await stat(path.join(root, 'usr/bin/app'))).ino,
        );
        assert.equal(
          await lstat(path.join(root, 'pipe')).catch(() => undefined),
          undefined,
          'fifos are not copied',
        );
        checked += 7;
      }
      assert.equal(await readFile(path.join(dir, 'outside.txt'), 'utf8'), 'outside');
      assert.equal(await readFile(path.join(dest, 'keep.txt'), 'utf8'), 'mine');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('one platform goes straight into dest; SOURCE_DATE_EPOCH dates every file', async () => {
    const dir = await tempDir();
    try {
      const ctx = { ...(await fixture(dir, ['linux/arm64'])), sourceDateEpoch: 1_000_000_000 };
      const dest = path.join(dir, 'out');
      await exportLocal({ type: 'local', dest }, ctx);
      assert.equal(await readFile(path.join(dest, 'platform.txt'), 'utf8'), 'linux/arm64');
      for (const f of ['platform.txt', 'usr', 'usr/bin', 'usr/bin/app']) {
        assert.equal((await stat(path.join(dest, f))).mtimeMs, 1_000_000_000_000, f);
        checked++;
      }
      const split = path.join(dir, 'split');
      await exportLocal({ type: 'local', dest: split, platformSplit: true }, ctx);
      assert.equal(await readFile(path.join(split, 'linux_arm64/platform.txt'), 'utf8'), 'linux/arm64');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('tar output', () => {
  it('writes every platform under its directory; tar lists types, owners and links', async () => {
    const dir = await tempDir();
    try {
      const ctx = await fixture(dir, PLATFORMS);
      const file = path.join(dir, 'fs.tar');
      await exportTar({ type: 'tar', dest: file }, ctx);
      const lines = execFileSync('tar', ['--numeric-owner', '-tvf', file], { encoding: 'utf8' })
        .trim()
        .split('\n');
      checked += lines.length;
      assert.equal(lines.length, 3 * 8);
      for (const p of PLATFORMS) {
        const d = p.replaceAll('/', '_');
        const of = (name: string) =>
          lines.find((l) => l.endsWith(` ${d}/${name}`) || l.includes(` ${d}/${name} `));
        assert.match(of('') ?? '', /^drwxr-xr-x 0\/0 /);
        assert.match(of('usr/bin/app') ?? '', /^-rwxr-x--- \d+\/\d+ /);
        assert.match(of('usr/bin/app-link') ?? '', /^lrwxrwxrwx .* -> app$/);
        assert.match(of('usr/bin/app2') ?? '', new RegExp(`^hrwxr-x--- .* link to ${d}/usr/bin/app$`));
        assert.match(of('pipe') ?? '', /^prw/);
        assert.match(of('platform.txt') ?? '', / 2017-07-1\d /);
      }
      const content = execFileSync('tar', ['-xOf', file, 'linux_arm_v7/usr/bin/app'], { encoding: 'utf8' });
      assert.equal(content, 'app for linux/arm/v7\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('streams to a caller stream without ending it; equal trees give equal bytes', async () => {
    const dir = await tempDir();
    try {
      const ctx = { ...(await fixture(dir, ['linux/amd64'])), sourceDateEpoch: 1_600_000_000 };
      const collect = async () => {
        const stream = new PassThrough();
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        const result = await exportTar({ type: 'tar', dest: stream }, ctx);
        assert.equal(result.written, '-');
        assert.equal(stream.writableEnded, false);
        return Buffer.concat(chunks);
      };
      const a = await collect();
      const b = await collect();
      assert.ok(a.equals(b));
      await writeFile(path.join(dir, 'stream.tar'), a);
      const names = execFileSync('tar', ['-tf', path.join(dir, 'stream.tar')], { encoding: 'utf8' })
        .trim()
        .split('\n');
      checked += names.length;
      assert.deepEqual(names, [
        'pipe',
        'platform.txt',
        'usr/',
        'usr/bin/',
        'usr/bin/app',
        'usr/bin/app-link',
        'usr/bin/app2',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

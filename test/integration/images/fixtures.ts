/**
 * Helpers of the image command tests: the test world's registries (skipped with a message when
 * absent), temp MANIFOLD_HOMEs, Docker config.json / buildkitd.toml files, and small seeded
 * images made with the library itself (a real gzip'd tar layer written with `TarWriter`, a
 * config and a manifest from the `src/oci` encoders) in an image store.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { ImageStore } from '../../../src/content/index.js';
import { pushImage } from '../../../src/export/index.js';
import type { ImagesSession } from '../../../src/images/index.js';
import { toOciPlatform } from '../../../src/images/platforms.js';
import { TarWriter } from '../../../src/layer/index.js';
import {
  type Descriptor,
  type Digest,
  encodeConfig,
  encodeIndex,
  encodeManifest,
  MediaType,
  sha256Digest,
} from '../../../src/oci/index.js';
import { parsePlatform } from '../../../src/platform/index.js';
import { parseReference } from '../../../src/registry/index.js';
import { repoRoot } from '../../helpers/paths.js';

/** The test world's registries, from /tmp/manifold-testworld/env.json or the environment. */
export interface TestWorld {
  readonly plain?: string;
  readonly tls?: string;
  readonly ca?: string;
  readonly user?: string;
  readonly pass?: string;
}

/** Reads the test world's registry addresses. */
export function testWorld(): TestWorld {
  const file = path.join(process.env.MANIFOLD_TESTWORLD_DIR ?? '/tmp/manifold-testworld', 'env.json');
  let env: Record<string, string> = {};
  if (existsSync(file)) env = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const get = (k: string): string | undefined => process.env[k] ?? env[k];
  const out: Record<string, string | undefined> = {
    plain: get('MANIFOLD_TEST_REGISTRY'),
    tls: get('MANIFOLD_TEST_TLS_REGISTRY'),
    ca: get('MANIFOLD_TEST_TLS_CA'),
    user: get('MANIFOLD_TEST_TLS_USER'),
    pass: get('MANIFOLD_TEST_TLS_PASS'),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined && v !== '')) as TestWorld;
}

/** Skip reason when the plain registry is absent (false when present). */
export function needPlain(world: TestWorld): string | false {
  return world.plain
    ? false
    : 'no test registry: run `bash scripts/testworld/registry.sh start` (sets MANIFOLD_TEST_REGISTRY)';
}

/** Skip reason when the TLS registry is absent (false when present). */
export function needTls(world: TestWorld): string | false {
  return world.tls && world.ca && world.user && world.pass
    ? false
    : 'no TLS test registry: run `bash scripts/testworld/registry.sh start` (sets MANIFOLD_TEST_TLS_*)';
}

/** True when a command is on PATH. */
export function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** A temp dir holding MANIFOLD_HOME and a DOCKER_CONFIG dir; remove with `cleanup`. */
export interface TestHome {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/** A fresh MANIFOLD_HOME (and empty DOCKER_CONFIG) in a temp dir. */
export async function testHome(
  world: TestWorld,
  options: { auth?: boolean; ca?: boolean; dockerHubMirror?: string } = {},
): Promise<TestHome> {
  const dir = await mkdtemp(path.join(tmpdir(), 'manifold-images-'));
  const home = path.join(dir, 'home');
  const docker = path.join(dir, 'docker');
  await mkdir(home, { recursive: true });
  await mkdir(docker, { recursive: true });
  const auths: Record<string, { auth: string }> = {};
  if (options.auth && world.tls && world.user && world.pass) {
    auths[world.tls] = { auth: Buffer.from(`${world.user}:${world.pass}`).toString('base64') };
  }
  await writeFile(path.join(docker, 'config.json'), JSON.stringify({ auths }));
  if (world.tls && world.ca) {
    // A loopback registry gets plain HTTP unless told otherwise: say HTTPS, and trust the CA.
    const ca = options.ca === false ? '' : `  ca = [${JSON.stringify(world.ca)}]\n`;
    await writeFile(path.join(home, 'buildkitd.toml'), `[registry."${world.tls}"]\n  http = false\n${ca}`);
  }
  if (options.dockerHubMirror) {
    const toml = path.join(home, 'buildkitd.toml');
    const before = existsSync(toml) ? readFileSync(toml, 'utf8') : '';
    await writeFile(
      toml,
      `${before}[registry."docker.io"]\n  mirrors = [${JSON.stringify(options.dockerHubMirror)}]\n`,
    );
  }
  return {
    dir,
    env: { ...process.env, MANIFOLD_HOME: home, DOCKER_CONFIG: docker },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** One test image as stored. */
export interface TestImage {
  /** The manifest's descriptor, with its platform. */
  readonly descriptor: Descriptor;
  readonly configDigest: Digest;
  readonly layerDigest: Digest;
  readonly diffId: Digest;
  /** Files in the layer (path → content). */
  readonly files: Readonly<Record<string, string>>;
}

/** Options of {@link makeTestImage}. */
export interface TestImageSpec {
  readonly platform: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly seed: string;
  readonly mediaTypes?: 'oci' | 'docker';
}

/** Builds a one-layer image and writes its blobs into `store` (not named). */
export async function makeTestImage(store: ImageStore, spec: TestImageSpec): Promise<TestImage> {
  const platform = parsePlatform(spec.platform);
  const files = {
    'etc/seed': `${spec.seed}\n`,
    [`etc/platform-${spec.platform.replaceAll('/', '-')}`]: spec.platform,
    ...spec.files,
  };
  const tar = await tarOf(files);
  const layer = gzipSync(tar);
  const docker = spec.mediaTypes === 'docker';
  const diffId = sha256Digest(tar);
  const config = encodeConfig({
    created: '2024-01-02T03:04:05Z',
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: { Env: ['PATH=/usr/bin:/bin', `SEED=${spec.seed}`], Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: '2024-01-02T03:04:05Z', created_by: `manifold test image ${spec.seed}` }],
  });
  const configDesc = {
    mediaType: docker ? MediaType.DockerConfig : MediaType.OciConfig,
    digest: sha256Digest(config),
    size: config.length,
  };
  const layerDesc = {
    mediaType: docker ? MediaType.DockerLayerGzip : MediaType.OciLayerGzip,
    digest: sha256Digest(layer),
    size: layer.length,
  };
  const manifestMediaType = docker ? MediaType.DockerManifest : MediaType.OciManifest;
  const manifest = encodeManifest({
    schemaVersion: 2,
    mediaType: manifestMediaType,
    config: configDesc,
    layers: [layerDesc],
  });
  for (const [bytes, digest] of [
    [layer, layerDesc.digest],
    [config, configDesc.digest],
    [manifest, sha256Digest(manifest)],
  ] as const) {
    await store.content.writeBlob(bytes, { digest, size: bytes.length });
  }
  return {
    descriptor: {
      mediaType: manifestMediaType,
      digest: sha256Digest(manifest),
      size: manifest.length,
      platform: toOciPlatform(platform),
    },
    configDigest: configDesc.digest,
    layerDigest: layerDesc.digest,
    diffId,
    files,
  };
}

/** Writes an index of `images` into `store` (not named). */
export async function makeTestIndex(
  store: ImageStore,
  images: readonly TestImage[],
  docker = false,
): Promise<Descriptor> {
  const mediaType = docker ? MediaType.DockerManifestList : MediaType.OciIndex;
  const bytes = encodeIndex({ schemaVersion: 2, mediaType, manifests: images.map((i) => i.descriptor) });
  const digest = sha256Digest(bytes);
  await store.content.writeBlob(bytes, { digest, size: bytes.length });
  return { mediaType, digest, size: bytes.length };
}

async function tarOf(files: Readonly<Record<string, string>>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const w = new TarWriter(out);
  const dirs = new Set<string>();
  for (const name of Object.keys(files).sort()) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = `${parts.slice(0, i).join('/')}/`;
      if (!dirs.has(dir)) {
        dirs.add(dir);
        await w.add({ name: dir, type: 'dir' });
      }
    }
    const body = Buffer.from(files[name] as string);
    await w.add({ name, type: 'file', size: body.length }, body);
  }
  await w.finish();
  return Buffer.concat(chunks);
}

/** A unique repository name for one test run. */
export function uniqueRepo(prefix: string): string {
  return `manifold-test/${prefix}-${process.pid}-${createHash('sha256').update(`${Date.now()}-${Math.random()}`).digest('hex').slice(0, 8)}`;
}

/** Runs the image commands' CLI (the commands of this task, wired by run-cli.ts) in a child process. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): { status: number; stdout: string; stderr: string; stdoutBytes: Buffer } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'test/integration/images/run-cli.ts'), ...args],
    {
      env,
      cwd: repoRoot,
      maxBuffer: 64 << 20,
    },
  );
  return {
    status: r.status ?? -1,
    stdout: r.stdout.toString('utf8'),
    stderr: r.stderr.toString('utf8'),
    stdoutBytes: r.stdout,
  };
}

/** Runs a tool and returns its stdout; throws with its stderr on failure. */
export function tool(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): Buffer {
  return execFileSync(cmd, args, {
    env: env ?? process.env,
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A descriptor without platform and annotations (what a store name or a tag points to). */
export function bare(d: Descriptor): Descriptor {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}

/** Pushes stored content (a manifest or an index) to `ref` with the library. */
export async function pushTestImage(session: ImagesSession, d: Descriptor, ref: string): Promise<void> {
  const store = await session.imageStore();
  await pushImage(bare(d), parseReference(ref), { store: store.content, client: session.client });
}

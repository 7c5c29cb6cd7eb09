/**
 * What enters an op's key, seen from the Dockerfile: "Impact on build caching" (an ARG changes
 * the keys of the RUNs after it, and only when it has a value), secrets (named by id, never by
 * value), and determinism (the same Dockerfile gives the same digests).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConvertOptions, convertDockerfile } from '../../../src/dockerfile/convert/index.js';
import { canonicalJson } from '../../../src/graph/index.js';
import { BUILD_PLATFORM, fakeResolver, TARGETS } from './fake-images.js';

async function runDigests(dockerfile: string, options: Partial<ConvertOptions> = {}): Promise<string[]> {
  const result = await convertDockerfile(dockerfile, {
    platforms: TARGETS.slice(0, 1),
    buildPlatform: BUILD_PLATFORM,
    resolveImage: fakeResolver(),
    ...options,
  });
  const def = result.targets[0]?.definition;
  assert.ok(def);
  return [...def.vertices.values()].filter((v) => v.op.kind === 'exec').map((v) => v.digest);
}

test('docs "Impact on build caching": a RUN after an ARG changes key when the value changes', async () => {
  const df = 'FROM alpine:3.19\nRUN echo before\nARG CONT_IMG_VER\nRUN echo hello\n';
  const [beforeV1, afterV1] = await runDigests(df, { buildArgs: { CONT_IMG_VER: 'v1' } });
  const [beforeV2, afterV2] = await runDigests(df, { buildArgs: { CONT_IMG_VER: 'v2' } });
  const [, afterV1Again] = await runDigests(df, { buildArgs: { CONT_IMG_VER: 'v1' } });
  assert.equal(beforeV1, beforeV2, 'the RUN before the ARG line is not affected');
  assert.notEqual(afterV1, afterV2, 'the RUN after it is');
  assert.equal(afterV1, afterV1Again, 'the same value gives the same key');
});

test('an ARG without a value, or a --build-arg nothing declares, changes no key', async () => {
  const plain = await runDigests('FROM alpine:3.19\nRUN echo hello\n');
  const declared = await runDigests('FROM alpine:3.19\nARG UNSET\nRUN echo hello\n');
  const undeclared = await runDigests('FROM alpine:3.19\nRUN echo hello\n', {
    buildArgs: { NOT_DECLARED: 'x' },
  });
  assert.deepEqual(declared, plain);
  assert.deepEqual(undeclared, plain);
});

test('an ENV after an ARG of the same name hides the --build-arg from the keys', async () => {
  const df = 'FROM alpine:3.19\nARG CONT_IMG_VER\nENV CONT_IMG_VER=v1.0.0\nRUN echo $CONT_IMG_VER\n';
  assert.deepEqual(
    await runDigests(df, { buildArgs: { CONT_IMG_VER: 'a' } }),
    await runDigests(df, { buildArgs: { CONT_IMG_VER: 'b' } }),
  );
});

test('a secret mount names its secret by id only: no value, whatever the build args hold', async () => {
  const df =
    'FROM alpine:3.19\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN --mount=type=secret,id=key npm publish\n';
  const result = await convertDockerfile(df, {
    platforms: TARGETS,
    buildPlatform: BUILD_PLATFORM,
    resolveImage: fakeResolver(),
    buildArgs: { NPM_TOKEN: 's3cr3t-value' },
  });
  for (const t of result.targets) {
    const ops = [...t.definition.vertices.values()].map((v) => v.op);
    assert.ok(!canonicalJson(ops).includes('s3cr3t'), 'the value appears nowhere in the graph');
    const exec = ops.find((op) => op.kind === 'exec');
    assert.ok(exec?.kind === 'exec');
    assert.deepEqual(exec.mounts.slice(1), [
      { type: 'secret', id: 'npm_token', required: false, env: 'NPM_TOKEN' },
      { type: 'secret', id: 'key', required: false, target: '/run/secrets/key' },
    ]);
    assert.ok(
      !exec.env.some((e) => e.startsWith('NPM_TOKEN=')),
      'the secret variable is not in the environment',
    );
  }
});

test('the same Dockerfile gives the same digests in every conversion', async () => {
  const df =
    'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETARCH\nRUN go build\nFROM alpine:3.19\nCOPY --from=build /out /out\n';
  const heads = async () => {
    const r = await convertDockerfile(df, {
      platforms: TARGETS,
      buildPlatform: BUILD_PLATFORM,
      resolveImage: fakeResolver(),
    });
    return r.targets.map((t) => t.definition.head);
  };
  const first = await heads();
  assert.deepEqual(await heads(), first);
  assert.equal(new Set(first).size, 3, 'one head per target');
});

/**
 * The conversion table: Dockerfiles on ARG scoping, platform ARGs, multi-stage builds and
 * cross-compilation, each converted for linux/amd64, linux/arm64 and linux/arm/v7 on a
 * linux/amd64 build platform, with the expected graph per platform (exact summary lines), the
 * work shared by all targets (equal vertex digests), the image config, the history and the
 * images resolved. Cases live in ./cases/.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { convertDockerfile, finishConfig, HISTORY_COMMENT } from '../../../src/dockerfile/convert/index.js';
import { formatPlatform, type Platform } from '../../../src/platform/index.js';
import { CASES } from './cases/index.js';
import { type Case, forPlatform, type P } from './cases/types.js';
import { BUILD_PLATFORM, fakeResolver, type ResolverLog, TARGETS } from './fake-images.js';
import { summarize } from './summarize.js';

const counts = { cases: 0, graphs: 0, shared: 0, configs: 0, histories: 0 };

function platformInfo(platform: Platform): P {
  const key =
    platform.architecture === 'arm' ? 'armv7' : platform.architecture === 'arm64' ? 'arm64' : 'amd64';
  return {
    tp: formatPlatform(platform),
    os: platform.os,
    arch: platform.architecture,
    variant: platform.variant ?? '',
    key,
  };
}

async function check(c: Case): Promise<void> {
  const log: ResolverLog = { calls: [] };
  const result = await convertDockerfile(c.dockerfile, {
    platforms: TARGETS,
    buildPlatform: BUILD_PLATFORM,
    resolveImage: fakeResolver(log),
    ...(c.buildArgs ? { buildArgs: c.buildArgs } : {}),
    ...(c.target ? { target: c.target } : {}),
  });
  assert.equal(result.targets.length, 3);
  for (const t of result.targets) {
    const p = platformInfo(t.platform);
    assert.deepEqual(summarize(t.definition), forPlatform(c.graph, p), `graph for ${p.tp}`);
    counts.graphs++;
    for (const step of t.output.steps) {
      assert.equal(step.entry.comment, HISTORY_COMMENT);
      assert.equal(
        step.entry.empty_layer === true,
        step.layer === undefined,
        `empty_layer of ${step.entry.created_by}`,
      );
    }
    if (c.history) {
      assert.deepEqual(
        t.output.steps.map((s) => s.entry.created_by),
        forPlatform(c.history, p),
        `history for ${p.tp}`,
      );
      counts.histories++;
    }
    if (c.config) {
      assert.deepEqual(finishConfig(t.output.config), forPlatform(c.config, p), `config for ${p.tp}`);
      counts.configs++;
    }
  }
  if (c.shared) {
    const [first, ...others] = result.targets.map((t) => t.definition);
    assert.ok(first);
    const lines = summarize(first);
    const keys = [...first.vertices.keys()];
    const shared = lines.filter((_, i) =>
      others.every((d) => d.vertices.has(keys[i] as (typeof keys)[number])),
    );
    assert.deepEqual(shared, c.shared, 'vertices shared by all targets');
    counts.shared++;
  }
  // Platforms convert at once, so lookups of different platforms interleave: compare as sets.
  if (c.resolved) assert.deepEqual([...log.calls].sort(), [...c.resolved].sort(), 'images resolved');
  counts.cases++;
}

describe('Dockerfile conversion table', () => {
  for (const c of CASES) test(c.name, () => check(c));
  after(() => {
    console.log(
      `conversion table: ${counts.cases}/${CASES.length} Dockerfiles, ${counts.graphs} per-platform graphs, ` +
        `${counts.shared} shared-digest checks, ${counts.configs} configs, ${counts.histories} histories`,
    );
  });
});

test('the table has at least 40 Dockerfiles, each named once', () => {
  assert.ok(CASES.length >= 40, `${CASES.length} cases`);
  assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length);
});

/**
 * The OCI image-spec conformance data (../shared/conformance/oci-image-spec): every spec example
 * must validate, every validation case must pass or fail as upstream expects, and the schemas
 * Manifold ships must be the upstream ones.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sha256Digest, validateByMediaType } from '../../../src/oci/index.js';
import { OCI_SCHEMA_FILES } from '../../../src/oci/schema/schemas.js';
import { conformancePath, repoRoot } from '../../helpers/paths.js';

interface Example {
  file: string;
  title: string;
  mediaType: string;
  expectValid: boolean;
}

interface ValidationCase {
  file: string;
  goTest: string;
  index: number;
  validatorMediaType: string;
  expectFail: boolean;
  description: string;
  rawSha256Digest?: string;
  preprocess?: string;
}

interface Cases {
  dockerToOciMediaTypes: Record<string, string>;
  examples: Example[];
  validationCases: ValidationCase[];
}

const root = conformancePath('oci-image-spec');
const cases = JSON.parse(readFileSync(path.join(root, 'cases.json'), 'utf8')) as Cases;

function body(c: ValidationCase): Buffer {
  const raw = readFileSync(path.join(root, c.file));
  if (c.preprocess === undefined) return raw;
  assert.equal(c.preprocess, 'dockerToOciMediaTypes');
  let text = raw.toString('utf8');
  for (const [docker, oci] of Object.entries(cases.dockerToOciMediaTypes))
    text = text.split(docker).join(oci);
  return Buffer.from(text, 'utf8');
}

describe('OCI image-spec examples', () => {
  test('all examples are valid', (t) => {
    for (const e of cases.examples) {
      const problems = validateByMediaType(e.mediaType, readFileSync(path.join(root, e.file)));
      assert.equal(e.expectValid, true);
      assert.deepEqual(problems, [], `${e.file} (${e.title}) should be valid`);
    }
    t.diagnostic(`examples: ${cases.examples.length} valid of ${cases.examples.length}`);
    assert.equal(cases.examples.length, 13);
  });
});

describe('OCI image-spec validation cases', () => {
  test('each case passes or fails as upstream expects', (t) => {
    const tally = { pass: 0, fail: 0 };
    const bySuite = new Map<string, number>();
    for (const c of cases.validationCases) {
      const problems = validateByMediaType(c.validatorMediaType, body(c));
      const failed = problems.length > 0;
      assert.equal(
        failed,
        c.expectFail,
        `${c.file} [${c.goTest}#${c.index}] ${c.description}: ${failed ? JSON.stringify(problems) : 'no problem found'}`,
      );
      if (failed) {
        tally.fail++;
        for (const p of problems) assert.ok(p.message.length > 0, `${c.file}: empty problem message`);
      } else {
        tally.pass++;
      }
      const suite = c.file.split('/')[1] ?? '';
      bySuite.set(suite, (bySuite.get(suite) ?? 0) + 1);
    }
    t.diagnostic(
      `validation cases: ${cases.validationCases.length} agree with upstream (${tally.fail} must fail, ${tally.pass} must pass)`,
    );
    t.diagnostic(`by suite: ${[...bySuite].map(([s, n]) => `${s} ${n}`).join(', ')}`);
    assert.deepEqual([cases.validationCases.length, tally.fail, tally.pass], [71, 40, 31]);
  });

  test('backwards-compatibility documents keep their digests over the exact bytes', (t) => {
    const compat = cases.validationCases.filter((c) => c.rawSha256Digest !== undefined);
    for (const c of compat) {
      assert.equal(sha256Digest(readFileSync(path.join(root, c.file))), c.rawSha256Digest, c.file);
    }
    t.diagnostic(`backwards-compatibility digests checked: ${compat.length}`);
    assert.equal(compat.length, 4);
  });

  test('failures name the offending member', () => {
    const byFile = (f: string): ValidationCase => {
      const c = cases.validationCases.find((x) => x.file === f);
      assert.ok(c, f);
      return c;
    };
    const paths = (f: string): string[] => {
      const c = byFile(f);
      return validateByMediaType(c.validatorMediaType, body(c)).map((p) => p.path);
    };
    assert.deepEqual(paths('validation-cases/descriptor/15.json'), ['/digest']);
    assert.deepEqual(paths('validation-cases/descriptor/17.json'), ['/urls/0']);
    assert.deepEqual(paths('validation-cases/descriptor/29.json'), ['/data']);
    assert.deepEqual(paths('validation-cases/config/09.json'), ['/config/Env/0']);
    assert.deepEqual(paths('validation-cases/manifest/05.json'), ['/layers']);
    assert.deepEqual(paths('validation-cases/imageindex/03.json'), ['/manifests/0/platform']);
  });
});

describe('shipped schemas', () => {
  test('src/oci/schema holds the 7 upstream schemas, and schemas.ts the same values', (t) => {
    const files = Object.keys(OCI_SCHEMA_FILES).sort();
    assert.deepEqual(files, [
      'config-schema.json',
      'content-descriptor.json',
      'defs-descriptor.json',
      'defs.json',
      'image-index-schema.json',
      'image-layout-schema.json',
      'image-manifest-schema.json',
    ]);
    for (const f of files) {
      const upstream: unknown = JSON.parse(readFileSync(path.join(root, 'schema', f), 'utf8'));
      const copy: unknown = JSON.parse(readFileSync(path.join(repoRoot, 'src', 'oci', 'schema', f), 'utf8'));
      assert.deepEqual(copy, upstream, `src/oci/schema/${f} differs from upstream`);
      assert.deepEqual(OCI_SCHEMA_FILES[f], upstream, `schemas.ts entry ${f} differs from upstream`);
    }
    t.diagnostic(`schemas compared: ${files.length}`);
  });
});

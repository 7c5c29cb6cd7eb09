import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bestMatch,
  compatibilityVector,
  formatPlatform,
  hostPlatform,
  InvalidPlatformError,
  normalizePlatform,
  only,
  onlyStrict,
  parsePlatform,
  parsePlatformList,
} from '../../../src/platform/index.js';

/** input → canonical form (and the parsed fields where they say more than the string). */
const VALID: ReadonlyArray<[string, string]> = [
  ['amd64', 'linux/amd64'],
  ['x86_64', 'linux/amd64'],
  ['x86-64', 'linux/amd64'],
  ['linux/x86_64', 'linux/amd64'],
  ['amd64/v2', 'linux/amd64/v2'],
  ['linux/amd64/v1', 'linux/amd64'],
  ['linux/amd64/v3', 'linux/amd64/v3'],
  ['aarch64', 'linux/arm64'],
  ['arm64', 'linux/arm64'],
  ['arm64/v8', 'linux/arm64'],
  ['linux/arm64/v8', 'linux/arm64'],
  ['linux/aarch64', 'linux/arm64'],
  ['linux/arm64/8', 'linux/arm64'],
  ['linux/arm64/v9.0', 'linux/arm64/v9'],
  ['arm', 'linux/arm/v7'],
  ['linux/arm', 'linux/arm/v7'],
  ['armhf', 'linux/arm/v7'],
  ['linux/armhf', 'linux/arm/v7'],
  ['armel', 'linux/arm/v6'],
  ['arm/v5', 'linux/arm/v5'],
  ['linux/arm/v5', 'linux/arm/v5'],
  ['linux/arm/v6', 'linux/arm/v6'],
  ['linux/arm/v7', 'linux/arm/v7'],
  ['linux/arm/7', 'linux/arm/v7'],
  ['linux/arm/v8', 'linux/arm/v8'],
  ['386', 'linux/386'],
  ['i386', 'linux/386'],
  ['linux/i386', 'linux/386'],
  ['ppc64le', 'linux/ppc64le'],
  ['linux/s390x', 'linux/s390x'],
  ['riscv64', 'linux/riscv64'],
  ['linux/mips64le', 'linux/mips64le'],
  ['loong64', 'linux/loong64'],
  ['windows/amd64', 'windows/amd64'],
  ['darwin/arm64', 'darwin/arm64'],
  ['macos/arm64', 'darwin/arm64'],
  ['LINUX/AMD64', 'linux/amd64'],
  [' linux/amd64 ', 'linux/amd64'],
  ['windows(10.0.17763)/amd64', 'windows/amd64'],
];

/** input → a fragment the error message must contain. */
const INVALID: ReadonlyArray<[string, string]> = [
  ['', 'invalid platform "": the platform is empty'],
  ['   ', 'the platform is empty'],
  ['linux/', 'invalid platform "linux/": component 2 is empty'],
  ['/amd64', 'component 1 is empty'],
  ['linux/foo', 'invalid platform "linux/foo": unknown architecture "foo"'],
  ['foo', 'unknown architecture "foo"'],
  ['a/b/c/d', 'invalid platform "a/b/c/d": too many components (4); at most os/arch/variant'],
  ['plan10/amd64', 'unknown operating system "plan10"'],
  ['linux/arm/v9', 'unknown variant "v9" for arm'],
  ['linux/amd64/v7', 'unknown variant "v7" for amd64'],
  ['linux/386/v2', '386 takes no variant'],
  ['linux/am d64', '"am d64" is not a valid component'],
  ['linux', '"linux" names an os but no architecture: write linux/ARCH'],
];

describe('platform strings', () => {
  for (const [input, canonical] of VALID) {
    it(`normalizes ${JSON.stringify(input)} to ${canonical}`, () => {
      assert.equal(normalizePlatform(input), canonical);
      // The canonical form is a fixed point.
      assert.equal(normalizePlatform(canonical), canonical);
    });
  }
  for (const [input, message] of INVALID) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => normalizePlatform(input),
        (err: unknown) => {
          assert.ok(err instanceof InvalidPlatformError);
          assert.equal(err.code, 'E_PLATFORM_INVALID');
          assert.ok(err.message.includes(message), `message was: ${err.message}`);
          return true;
        },
      );
    });
  }
  it('parses into fields', () => {
    assert.deepEqual(parsePlatform('armhf'), { os: 'linux', architecture: 'arm', variant: 'v7' });
    assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' });
    assert.deepEqual(parsePlatform('windows(10.0.17763)/amd64'), {
      os: 'windows',
      architecture: 'amd64',
      osVersion: '10.0.17763',
    });
  });
  it('completes a bare os with the host given', () => {
    assert.equal(
      formatPlatform(parsePlatform('linux', { host: { os: 'linux', architecture: 'arm64' } })),
      'linux/arm64',
    );
  });
  it('normalizes and deduplicates comma lists in order', () => {
    const list = parsePlatformList('linux/arm,linux/arm64,linux/amd64,armhf,x86_64,aarch64');
    assert.deepEqual(list.map(formatPlatform), ['linux/arm/v7', 'linux/arm64', 'linux/amd64']);
    const repeated = parsePlatformList(['linux/amd64', 'linux/arm64,amd64']);
    assert.deepEqual(repeated.map(formatPlatform), ['linux/amd64', 'linux/arm64']);
    assert.throws(() => parsePlatformList('linux/amd64,,linux/arm64'), /empty entry/);
  });
});

describe('platform matching', () => {
  const fmt = (spec: string) => compatibilityVector(parsePlatform(spec)).map(formatPlatform);
  it('amd64/v3 runs v2, v1 and 386', () => {
    assert.deepEqual(fmt('linux/amd64/v3'), ['linux/amd64/v3', 'linux/amd64/v2', 'linux/amd64', 'linux/386']);
    assert.deepEqual(fmt('linux/amd64'), ['linux/amd64', 'linux/386']);
  });
  it('arm64 runs arm/v8 down to v5 unless the CPU lacks 32-bit support', () => {
    assert.deepEqual(fmt('linux/arm64'), [
      'linux/arm64',
      'linux/arm/v8',
      'linux/arm/v7',
      'linux/arm/v6',
      'linux/arm/v5',
    ]);
    assert.deepEqual(compatibilityVector(parsePlatform('arm64'), { arm32: false }).map(formatPlatform), [
      'linux/arm64',
    ]);
  });
  it('arm/v7 runs v6 and v5, not v8', () => {
    assert.deepEqual(fmt('linux/arm/v7'), ['linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5']);
    const m = only(parsePlatform('linux/arm/v7'));
    assert.equal(m(parsePlatform('linux/arm/v6')), true);
    assert.equal(m(parsePlatform('linux/arm/v8')), false);
    assert.equal(m(parsePlatform('linux/arm64')), false);
  });
  it('other architectures run only themselves', () => {
    assert.deepEqual(fmt('linux/riscv64'), ['linux/riscv64']);
    assert.equal(only(parsePlatform('linux/s390x'))(parsePlatform('linux/amd64')), false);
  });
  it('onlyStrict accepts the platform alone', () => {
    const m = onlyStrict(parsePlatform('linux/amd64'));
    assert.equal(m(parsePlatform('x86_64')), true);
    assert.equal(m(parsePlatform('386')), false);
  });
  it('bestMatch picks the closest manifest', () => {
    const manifests = [
      { name: 'v5', platform: parsePlatform('linux/arm/v5') },
      { name: 'v6', platform: parsePlatform('linux/arm/v6') },
      { name: 'amd', platform: parsePlatform('linux/amd64') },
      { name: 'none' },
    ];
    assert.equal(bestMatch(parsePlatform('linux/arm/v7'), manifests)?.name, 'v6');
    assert.equal(bestMatch(parsePlatform('linux/386'), manifests), undefined);
    assert.equal(bestMatch(parsePlatform('linux/amd64/v2'), manifests)?.name, 'amd');
  });
  it('knows the host platform', () => {
    const host = hostPlatform();
    assert.equal(host.os, 'linux');
    assert.equal(normalizePlatform(formatPlatform(host)), formatPlatform(host));
  });
});

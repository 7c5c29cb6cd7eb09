/** Digest parsing and hashing (src/oci/digest.ts). */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, test } from 'node:test';
import {
  createDigester,
  digestAlgorithm,
  digestEncoded,
  digestReadable,
  hashingStream,
  InvalidDigestError,
  isDigest,
  parseDigest,
  sha256Digest,
} from '../../../src/oci/index.js';

const HELLO_SHA256 = 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
const EMPTY_SHA256 = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const HELLO_SHA512 =
  'sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043';
const HELLO_SHA384 =
  'sha384:59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f';

describe('parseDigest', () => {
  const valid = [HELLO_SHA256, EMPTY_SHA256, HELLO_SHA512, HELLO_SHA384];
  const invalid: [string, RegExp][] = [
    ['', /no ":"/],
    ['sha256', /no ":"/],
    ['2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824', /no ":"/],
    ['sha256:', /exactly 64 hex digits, got 0/],
    ['sha256:2cf24dba', /exactly 64 hex digits, got 8/],
    [`${HELLO_SHA256}0`, /exactly 64 hex digits, got 65/],
    [HELLO_SHA256.toUpperCase().replace('SHA256', 'sha256'), /lower-case/],
    ['sha256:zz24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824', /hex digits 0-9a-f only/],
    [
      'SHA256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
      /unsupported algorithm "SHA256"/,
    ],
    ['md5:5d41402abc4b2a76b9719d911017c592', /unsupported algorithm "md5"/],
    ['sha256+b64:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564', /unsupported algorithm/],
    [`sha512:${'a'.repeat(64)}`, /exactly 128 hex digits, got 64/],
  ];

  test('accepts well-formed sha256, sha384 and sha512 digests', (t) => {
    for (const d of valid) {
      assert.equal(parseDigest(d), d);
      assert.ok(isDigest(d));
    }
    t.diagnostic(`valid digests: ${valid.length}`);
  });

  test('rejects malformed digests with E_DIGEST_INVALID quoting the input', (t) => {
    for (const [input, rule] of invalid) {
      assert.throws(
        () => parseDigest(input),
        (err: unknown) => {
          assert.ok(err instanceof InvalidDigestError, input);
          assert.equal(err.code, 'E_DIGEST_INVALID');
          assert.ok(err.message.includes(JSON.stringify(input)), `message quotes input: ${err.message}`);
          assert.match(err.message, rule);
          return true;
        },
      );
      assert.equal(isDigest(input), false);
    }
    t.diagnostic(`invalid digests: ${invalid.length}`);
  });

  test('splits into algorithm and encoded part', () => {
    const d = parseDigest(HELLO_SHA512);
    assert.equal(digestAlgorithm(d), 'sha512');
    assert.equal(digestEncoded(d), HELLO_SHA512.slice('sha512:'.length));
  });
});

describe('hashing', () => {
  test('sha256Digest of bytes and strings', () => {
    assert.equal(sha256Digest(Buffer.from('hello')), HELLO_SHA256);
    assert.equal(sha256Digest('hello'), HELLO_SHA256);
    assert.equal(sha256Digest(new Uint8Array()), EMPTY_SHA256);
  });

  test('createDigester hashes chunk by chunk and counts bytes', () => {
    const d = createDigester();
    d.update('he')
      .update(Buffer.from('l'))
      .update(new Uint8Array([0x6c, 0x6f]));
    assert.equal(d.size, 5);
    assert.equal(d.digest(), HELLO_SHA256);
    assert.equal(d.digest(), HELLO_SHA256, 'digest() is repeatable');
    assert.throws(() => d.update('x'), /after digest/);
    assert.equal(createDigester('sha512').update('hello').digest(), HELLO_SHA512);
    assert.equal(createDigester('sha384').update('hello').digest(), HELLO_SHA384);
  });

  test('hashingStream passes bytes through and reports digest and size once ended', async () => {
    const size = 3_000_000;
    const chunks = [Buffer.alloc(1_000_000), Buffer.alloc(1_500_000), Buffer.alloc(500_000)];
    const hasher = hashingStream();
    assert.equal(hasher.result, undefined);
    let passed = 0;
    const done = hasher.finished();
    await pipeline(Readable.from(chunks), hasher, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) passed += chunk.length;
    });
    const expected = {
      digest: 'sha256:35bce4eae54ec8e6cc2868baa8d157914d6ae2858811b4cc0c078c94460fa26f',
      size,
    };
    assert.equal(passed, size);
    assert.deepEqual(await done, expected);
    assert.deepEqual(hasher.result, expected);
    assert.deepEqual(await hasher.finished(), expected);
    assert.equal(hasher.bytesHashed, size);
  });

  test('hashingStream.finished rejects when the stream fails', async () => {
    const hasher = hashingStream();
    const done = hasher.finished();
    hasher.destroy(new Error('boom'));
    await assert.rejects(done, /boom/);
  });

  test('digestReadable drains an async iterable', async () => {
    assert.deepEqual(await digestReadable(Readable.from([Buffer.from('hel'), Buffer.from('lo')])), {
      digest: HELLO_SHA256,
      size: 5,
    });
    assert.deepEqual(await digestReadable(Readable.from([]), 'sha512'), {
      digest:
        'sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
      size: 0,
    });
  });
});

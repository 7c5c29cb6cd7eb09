/** Image references (src/registry/reference): the distribution/reference rules, one table. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  familiarName,
  formatFamiliarReference,
  formatReference,
  InvalidReferenceError,
  isLoopbackRegistry,
  isValidReference,
  parseReference,
  referenceName,
  referenceTarget,
  registryApiHost,
} from '../../../src/registry/reference/index.js';

const H64 = 'a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4';
const SHA256 = `sha256:${H64}`;
const SHA384 = `sha384:${'b'.repeat(96)}`;
const SHA512 = `sha512:${'c'.repeat(128)}`;
const TAG128 = `t${'x'.repeat(127)}`;

/** [input, fully qualified form, familiar form, familiar name]. */
const VALID: [string, string, string, string][] = [
  ['alpine', 'docker.io/library/alpine:latest', 'alpine:latest', 'alpine'],
  ['alpine:3.20', 'docker.io/library/alpine:3.20', 'alpine:3.20', 'alpine'],
  ['library/alpine', 'docker.io/library/alpine:latest', 'alpine:latest', 'alpine'],
  ['docker.io/alpine', 'docker.io/library/alpine:latest', 'alpine:latest', 'alpine'],
  ['docker.io/library/alpine:edge', 'docker.io/library/alpine:edge', 'alpine:edge', 'alpine'],
  ['index.docker.io/library/alpine', 'docker.io/library/alpine:latest', 'alpine:latest', 'alpine'],
  ['index.docker.io/user/app:v1', 'docker.io/user/app:v1', 'user/app:v1', 'user/app'],
  ['user/app', 'docker.io/user/app:latest', 'user/app:latest', 'user/app'],
  [
    'docker.io/library/foo/bar',
    'docker.io/library/foo/bar:latest',
    'library/foo/bar:latest',
    'library/foo/bar',
  ],
  ['a/b.c/d-e', 'docker.io/a/b.c/d-e:latest', 'a/b.c/d-e:latest', 'a/b.c/d-e'],
  ['foo_bar', 'docker.io/library/foo_bar:latest', 'foo_bar:latest', 'foo_bar'],
  [
    'foo__bar---baz.qux',
    'docker.io/library/foo__bar---baz.qux:latest',
    'foo__bar---baz.qux:latest',
    'foo__bar---baz.qux',
  ],
  ['localhost/app', 'localhost/app:latest', 'localhost/app:latest', 'localhost/app'],
  ['localhost:5000/app:dev', 'localhost:5000/app:dev', 'localhost:5000/app:dev', 'localhost:5000/app'],
  ['localhost:5000', 'docker.io/library/localhost:5000', 'localhost:5000', 'localhost'],
  [
    '127.0.0.1:5000/team/app:1.0',
    '127.0.0.1:5000/team/app:1.0',
    '127.0.0.1:5000/team/app:1.0',
    '127.0.0.1:5000/team/app',
  ],
  ['[::1]:5000/app', '[::1]:5000/app:latest', '[::1]:5000/app:latest', '[::1]:5000/app'],
  ['[2001:db8::1]/app:v2', '[2001:db8::1]/app:v2', '[2001:db8::1]/app:v2', '[2001:db8::1]/app'],
  [
    'registry.example.com/a/b/c:tag',
    'registry.example.com/a/b/c:tag',
    'registry.example.com/a/b/c:tag',
    'registry.example.com/a/b/c',
  ],
  [
    'xn--bcher-kva.example/app',
    'xn--bcher-kva.example/app:latest',
    'xn--bcher-kva.example/app:latest',
    'xn--bcher-kva.example/app',
  ],
  ['Foo/bar', 'Foo/bar:latest', 'Foo/bar:latest', 'Foo/bar'],
  [
    'ghcr.io/owner/repo:sha-abc1234',
    'ghcr.io/owner/repo:sha-abc1234',
    'ghcr.io/owner/repo:sha-abc1234',
    'ghcr.io/owner/repo',
  ],
  [
    'my-registry.local:5000/x-y/z__w:TAG_1.0-rc',
    'my-registry.local:5000/x-y/z__w:TAG_1.0-rc',
    'my-registry.local:5000/x-y/z__w:TAG_1.0-rc',
    'my-registry.local:5000/x-y/z__w',
  ],
  [`alpine:${TAG128}`, `docker.io/library/alpine:${TAG128}`, `alpine:${TAG128}`, 'alpine'],
  [`alpine@${SHA256}`, `docker.io/library/alpine@${SHA256}`, `alpine@${SHA256}`, 'alpine'],
  [`alpine:3.20@${SHA256}`, `docker.io/library/alpine:3.20@${SHA256}`, `alpine:3.20@${SHA256}`, 'alpine'],
  [
    `example.com:443/ns/img@${SHA256}`,
    `example.com:443/ns/img@${SHA256}`,
    `example.com:443/ns/img@${SHA256}`,
    'example.com:443/ns/img',
  ],
  [`app@${SHA384}`, `docker.io/library/app@${SHA384}`, `app@${SHA384}`, 'app'],
  [
    `localhost:5000/app@${SHA512}`,
    `localhost:5000/app@${SHA512}`,
    `localhost:5000/app@${SHA512}`,
    'localhost:5000/app',
  ],
  [
    `${'a'.repeat(247)}`,
    `docker.io/library/${'a'.repeat(247)}:latest`,
    `${'a'.repeat(247)}:latest`,
    'a'.repeat(247),
  ],
];

/** [input, the rule the message must state]. */
const INVALID: [string, RegExp][] = [
  ['', /the reference is empty/],
  ['Alpine', /repository name "library\/Alpine" must be lowercase/],
  ['docker.io/Library/alpine', /repository name "Library\/alpine" must be lowercase/],
  ['alpine:', /tag "" is invalid/],
  ['alpine:-tag', /tag "-tag" is invalid/],
  ['alpine:.tag', /tag "\.tag" is invalid/],
  [`alpine:${TAG128}x`, /tag is 129 characters long; at most 128/],
  ['alpine@sha256:abc', /digest "sha256:abc" is not algorithm:hex/],
  [`alpine@sha256:${H64.toUpperCase()}`, /sha256 hex must be lower-case/],
  [`alpine@md5:${'d'.repeat(32)}`, /unsupported algorithm "md5"/],
  [`alpine@sha256:${H64}0`, /exactly 64 hex digits, got 65/],
  [H64, /64-hex-digit string is an image ID/],
  ['foo//bar', /empty path component/],
  ['foo/', /empty path component/],
  ['/foo', /empty path component/],
  ['foo bar', /white space/],
  ['foo_-bar', /path component "foo_-bar" is invalid/],
  ['foo.', /path component "foo\." is invalid/],
  ['-foo', /path component "-foo" is invalid/],
  ['my_registry:5000/app', /registry "my_registry:5000" is invalid/],
  ['-host.com/app', /registry "-host\.com" is invalid/],
  ['host:port/app', /registry "host:port" is invalid/],
  ['[::1/app', /registry "\[::1" is invalid/],
  [`a@${SHA256}@${SHA256}`, /only one "@digest"/],
  ['alpine:latest:foo', /path component "alpine:latest" is invalid/],
  [`@${SHA256}`, /the repository name is empty/],
  [`${'a'.repeat(248)}`, /repository name is 256 characters long; at most 255/],
  ['ns/app:tag with space', /white space/],
];

describe('parseReference table', () => {
  test('valid references normalize, format and familiarize', (t) => {
    for (const [input, full, familiar, name] of VALID) {
      const ref = parseReference(input);
      assert.equal(formatReference(ref), full, `format(${input})`);
      assert.equal(formatFamiliarReference(ref), familiar, `familiar(${input})`);
      assert.equal(familiarName(ref), name, `familiarName(${input})`);
      assert.deepEqual(parseReference(full), ref, `re-parsing ${full} gives the same reference`);
      assert.deepEqual(parseReference(familiar), ref, `re-parsing ${familiar} gives the same reference`);
      assert.ok(isValidReference(input));
    }
    t.diagnostic(`valid references: ${VALID.length}`);
  });

  test('invalid references fail with E_REFERENCE_INVALID quoting the input and the rule', (t) => {
    for (const [input, rule] of INVALID) {
      assert.throws(
        () => parseReference(input),
        (err: unknown) => {
          assert.ok(err instanceof InvalidReferenceError, `${input}: ${String(err)}`);
          assert.equal(err.code, 'E_REFERENCE_INVALID');
          assert.equal(err.input, input);
          assert.ok(
            err.message.startsWith(`invalid image reference ${JSON.stringify(input)}: `),
            err.message,
          );
          assert.match(err.message, rule, input);
          return true;
        },
      );
      assert.equal(isValidReference(input), false);
    }
    t.diagnostic(`invalid references: ${INVALID.length}`);
    t.diagnostic(`reference table total: ${VALID.length + INVALID.length}`);
    assert.ok(VALID.length + INVALID.length >= 40);
  });

  test('parts of a parsed reference', () => {
    assert.deepEqual(parseReference('alpine'), {
      registry: 'docker.io',
      repository: 'library/alpine',
      tag: 'latest',
    });
    assert.deepEqual(parseReference(`localhost:5000/a/b:v1@${SHA256}`), {
      registry: 'localhost:5000',
      repository: 'a/b',
      tag: 'v1',
      digest: SHA256,
    });
    assert.deepEqual(parseReference('alpine', { defaultTag: false }), {
      registry: 'docker.io',
      repository: 'library/alpine',
    });
    assert.equal(referenceName(parseReference('alpine:3')), 'docker.io/library/alpine');
  });

  test('referenceTarget prefers the digest', () => {
    assert.equal(referenceTarget(parseReference('alpine')), 'latest');
    assert.equal(referenceTarget(parseReference('alpine:3.20')), '3.20');
    assert.equal(referenceTarget(parseReference(`alpine:3.20@${SHA256}`)), SHA256);
  });
});

describe('registry hosts', () => {
  test('registryApiHost maps Docker Hub to registry-1.docker.io', () => {
    assert.equal(registryApiHost('docker.io'), 'registry-1.docker.io');
    assert.equal(registryApiHost('index.docker.io'), 'registry-1.docker.io');
    assert.equal(registryApiHost(parseReference('alpine').registry), 'registry-1.docker.io');
    assert.equal(registryApiHost('ghcr.io'), 'ghcr.io');
    assert.equal(registryApiHost('localhost:5000'), 'localhost:5000');
  });

  test('isLoopbackRegistry: localhost, 127.0.0.0/8 and ::1, with or without port', (t) => {
    const loopback = [
      'localhost',
      'localhost:5000',
      'LOCALHOST:5000',
      '127.0.0.1',
      '127.0.0.1:5000',
      '127.255.0.9:80',
      '[::1]',
      '[::1]:5000',
      '::1',
      '[0:0:0:0:0:0:0:1]:443',
      '::ffff:127.0.0.1',
      '[::ffff:127.1.2.3]:5000',
    ];
    const remote = [
      '',
      '128.0.0.1',
      '10.0.0.1:5000',
      '0.0.0.0',
      'docker.io',
      'localhost.example.com',
      'localhostx',
      '[::2]:5000',
      '::',
      '127.0.0.1:',
      '127.0.0.1:abc',
      '[::1]x',
      '::ffff:10.0.0.1',
    ];
    for (const host of loopback) assert.equal(isLoopbackRegistry(host), true, host);
    for (const host of remote) assert.equal(isLoopbackRegistry(host), false, host);
    t.diagnostic(`loopback cases: ${loopback.length} true, ${remote.length} false`);
  });
});

/** WWW-Authenticate parsing and token scopes: our own table plus the conformance rows. */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { challengeScopes, parseChallenges, selectChallenge } from '../../../src/registry/challenge.js';
import {
  groupScopes,
  mergeScopes,
  parseScope,
  repositoryScope,
  scopesCover,
} from '../../../src/registry/scope.js';
import { conformancePath } from '../../helpers/paths.js';
import { loadRegistryCases } from './fake-registry.js';

const cases = loadRegistryCases(conformancePath('reliability', 'registry-client-cases.json'));
let checked = 0;
after(() => console.log(`challenge/scope rows checked: ${checked}`));

describe('parseChallenges', () => {
  const table: { header: string | string[]; expect: { scheme: string; params: Record<string, string> }[] }[] =
    [
      { header: 'Basic realm="registry"', expect: [{ scheme: 'basic', params: { realm: 'registry' } }] },
      { header: 'BASIC', expect: [{ scheme: 'basic', params: {} }] },
      {
        header: 'Bearer realm="https://a/token"',
        expect: [{ scheme: 'bearer', params: { realm: 'https://a/token' } }],
      },
      {
        header: 'Bearer REALM="https://a/token", Service=reg',
        expect: [{ scheme: 'bearer', params: { realm: 'https://a/token', service: 'reg' } }],
      },
      {
        header: 'Basic realm="a", Bearer realm="b",service="s"',
        expect: [
          { scheme: 'basic', params: { realm: 'a' } },
          { scheme: 'bearer', params: { realm: 'b', service: 's' } },
        ],
      },
      {
        header: ['Negotiate', 'Basic realm="x"'],
        expect: [
          { scheme: 'negotiate', params: {} },
          { scheme: 'basic', params: { realm: 'x' } },
        ],
      },
      { header: 'Bearer realm="unterminated', expect: [] },
      { header: 'Bearer realm=', expect: [] },
      { header: '', expect: [] },
    ];
  for (const row of table) {
    test(JSON.stringify(row.header), () => {
      assert.deepEqual(parseChallenges(row.header), row.expect);
      checked++;
    });
  }

  test('conformance: auth/challenge-bearer-scopes and auth/challenge-empty-and-escaped', () => {
    for (const id of ['auth/challenge-bearer-scopes', 'auth/challenge-empty-and-escaped']) {
      const rows = cases.get(id)?.data as {
        header: string;
        params: Record<string, string>;
        token_scopes?: string[];
      }[];
      assert.ok(rows.length > 0);
      for (const row of rows) {
        const [c] = parseChallenges(row.header);
        assert.ok(c !== undefined, row.header);
        assert.equal(c.scheme, 'bearer');
        assert.deepEqual(c.params, row.params);
        if (row.token_scopes !== undefined) assert.deepEqual(challengeScopes(c), row.token_scopes);
        checked++;
      }
    }
  });

  test('conformance: auth/challenge-multiple-schemes (selection order)', () => {
    assert.equal(selectChallenge(parseChallenges(['Negotiate', 'Basic realm="x"']))?.scheme, 'basic');
    assert.equal(selectChallenge(parseChallenges(['Negotiate', 'Digest realm="x"']))?.scheme, 'negotiate');
    assert.equal(selectChallenge(parseChallenges(['Basic realm="x"', 'Bearer realm="y"']))?.scheme, 'bearer');
    const bare = selectChallenge(parseChallenges('BASIC'));
    assert.deepEqual(bare, { scheme: 'basic', params: {} });
    assert.equal(Object.keys(selectChallenge(parseChallenges('Bearer realm="r"'))?.params ?? {}).length, 1);
    checked += 5;
  });

  test('conformance: auth/insufficient-scope (which challenges ask for a wider token)', () => {
    const rows = cases.get('auth/insufficient-scope')?.data as {
      www_authenticate?: string | null;
      retry: boolean;
      scope?: { type: string; name: string; actions: string };
    }[];
    for (const row of rows) {
      const c =
        row.www_authenticate == null ? undefined : selectChallenge(parseChallenges(row.www_authenticate));
      const scopes = c === undefined ? [] : challengeScopes(c).map(parseScope);
      const retry =
        c?.scheme === 'bearer' &&
        c.params.error === 'insufficient_scope' &&
        scopes.length > 0 &&
        scopes.every((s) => s !== undefined);
      assert.equal(retry, row.retry, String(row.www_authenticate));
      if (row.scope !== undefined) {
        assert.deepEqual(scopes[0], {
          type: row.scope.type,
          name: row.scope.name,
          actions: [row.scope.actions],
        });
      }
      checked++;
    }
  });
});

describe('scopes', () => {
  test('conformance: auth/scopes', () => {
    const data = cases.get('auth/scopes')?.data as {
      repository_scope: { locator: string; push: boolean; scope: string }[];
      merge: { ctx: string[]; common: string[]; result: string[] }[];
      buildkit_parse: { input: string[]; parsed: Record<string, string[]> | null }[];
      dockerhub_mount: { scopes_count: number; second_scope: string; source: string };
    };
    for (const row of data.repository_scope) {
      const repository = row.locator.split('/').slice(1).join('/');
      assert.equal(repositoryScope(repository, row.push ? 'push' : 'pull'), row.scope);
      checked++;
    }
    for (const row of data.merge) {
      assert.deepEqual(mergeScopes(row.ctx, row.common), row.result);
      checked++;
    }
    for (const row of data.buildkit_parse) {
      const got = groupScopes(row.input);
      assert.deepEqual(got === undefined ? null : Object.fromEntries(got), row.parsed);
      checked++;
    }
    const mount = mergeScopes([
      repositoryScope('jonjohnson/busybox', 'push'),
      repositoryScope('library/busybox', 'pull'),
    ]);
    assert.equal(mount.length, data.dockerhub_mount.scopes_count);
    assert.ok(mount.includes(data.dockerhub_mount.second_scope));
    checked++;
  });

  test('coverage of granted scopes', () => {
    assert.ok(scopesCover(['repository:a:pull,push'], ['repository:a:pull']));
    assert.ok(scopesCover(['repository:a:pull repository:b:pull'], ['repository:b:pull']));
    assert.ok(!scopesCover(['repository:a:pull'], ['repository:a:pull,push']));
    assert.ok(!scopesCover(['repository:a:pull'], ['repository:b:pull']));
    assert.ok(scopesCover(['registry:catalog:*'], ['registry:catalog:search']));
    assert.equal(parseScope('repository:foo'), undefined);
    assert.deepEqual(parseScope('repository:host:5000/foo:pull'), {
      type: 'repository',
      name: 'host:5000/foo',
      actions: ['pull'],
    });
    checked += 7;
  });
});

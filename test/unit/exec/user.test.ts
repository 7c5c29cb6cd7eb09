/**
 * USER resolution (runc's GetExecUser rules, as BuildKit applies them): a table over fixed
 * /etc/passwd and /etc/group texts, then reading the files safely from a root file system.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { readRootFile, resolveUser, resolveUserFrom } from '../../../src/worker/exec/index.js';
import { GROUP, PASSWD } from './busybox-rootfs.js';

const tmp = mkdtempSync('/tmp/manifold-user-test-');
after(() => rmSync(tmp, { recursive: true, force: true }));

type Row = [spec: string, uid: number, gid: number, groups: number[], home: string];

const ROWS: Row[] = [
  ['', 0, 0, [], '/root'],
  ['0', 0, 0, [3000], '/root'],
  ['root', 0, 0, [3000], '/root'],
  ['root:root', 0, 0, [], '/root'],
  ['0:0', 0, 0, [], '/root'],
  ['tester', 1000, 1000, [2000, 3000], '/home/tester'],
  ['1000', 1000, 1000, [2000, 3000], '/home/tester'],
  ['tester:extra', 1000, 2000, [], '/home/tester'],
  ['tester:3000', 1000, 3000, [], '/home/tester'],
  ['tester:4444', 1000, 4444, [], '/home/tester'],
  ['1000:2000', 1000, 2000, [], '/home/tester'],
  ['1000:extra', 1000, 2000, [], '/home/tester'],
  ['nobody', 65534, 65534, [], '/nonexistent'],
  ['4242', 4242, 0, [], '/'],
  ['4242:4343', 4242, 4343, [], '/'],
  ['4242:extra', 4242, 2000, [], '/'],
];

test('USER table against the fixture passwd and group', (t) => {
  for (const [spec, uid, gid, groups, home] of ROWS) {
    assert.deepEqual(
      resolveUserFrom(spec, PASSWD, GROUP),
      { uid, gid, additionalGids: groups, home },
      `USER ${JSON.stringify(spec)}`,
    );
  }
  t.diagnostic(`${ROWS.length} USER values resolved`);
});

test('errors are BuildKit’s (runc’s) words, with a hint', () => {
  const cases: Array<[string, string | undefined, string]> = [
    ['ghost', PASSWD, 'unable to find user ghost: no matching entries in passwd file'],
    ['ghost', undefined, 'unable to find user ghost: no matching entries in passwd file'],
    ['ghost:extra', PASSWD, 'unable to find user ghost: no matching entries in passwd file'],
    ['tester:ghosts', PASSWD, 'unable to find group ghosts: no matching entries in group file'],
    ['-1', PASSWD, 'invalid USER "-1": uids and gids must be in range 0-2147483647'],
    ['2147483648', PASSWD, 'invalid USER "2147483648": uids and gids must be in range 0-2147483647'],
  ];
  for (const [spec, passwd, message] of cases) {
    assert.throws(
      () => resolveUserFrom(spec, passwd, GROUP),
      (err: unknown) => {
        const e = err as { code: string; message: string; hint?: string; user: string };
        assert.equal(e.code, 'E_EXEC_USER');
        assert.equal(e.message, message);
        assert.equal(e.user, spec);
        assert.ok(e.hint && e.hint.length > 20);
        return true;
      },
      spec,
    );
  }
});

test('no /etc/passwd: numeric users work, home is /', () => {
  assert.deepEqual(resolveUserFrom('1000', undefined, undefined), {
    uid: 1000,
    gid: 0,
    additionalGids: [],
    home: '/',
  });
  assert.deepEqual(resolveUserFrom('1000:5', undefined, undefined), {
    uid: 1000,
    gid: 5,
    additionalGids: [],
    home: '/',
  });
});

test('first match wins; blank lines and short lines are tolerated', () => {
  const passwd = '\n  dup:x:10:10::/one:/bin/sh\ndup:x:11:11::/two:/bin/sh\nshort:x\n';
  const group = 'g1:x:50:dup\n\ng2:x:51:other,dup\n';
  assert.deepEqual(resolveUserFrom('dup', passwd, group), {
    uid: 10,
    gid: 10,
    additionalGids: [50, 51],
    home: '/one',
  });
  assert.deepEqual(resolveUserFrom('short', passwd, group), {
    uid: 0,
    gid: 0,
    additionalGids: [],
    home: '/',
  });
});

test('files are read inside the root: a symlinked /etc/passwd cannot reach the host', async () => {
  const root = path.join(tmp, 'evil');
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  // Host-side bait that an unsafe reader would find by following the absolute link.
  const bait = path.join(tmp, 'bait-passwd');
  writeFileSync(bait, 'hostuser:x:777:777::/host:/bin/sh\n');
  symlinkSync(bait, path.join(root, 'etc/passwd'));
  symlinkSync('../../../../../../../../etc/shadow', path.join(root, 'etc/group'));
  assert.equal(await readRootFile(root, '/etc/passwd'), undefined);
  assert.equal(await readRootFile(root, '/etc/group'), undefined);
  await assert.rejects(resolveUser(root, 'hostuser'), {
    code: 'E_EXEC_USER',
    message: 'unable to find user hostuser: no matching entries in passwd file',
  });
  // A link that stays inside the root is followed.
  mkdirSync(path.join(root, 'data'));
  writeFileSync(path.join(root, 'data/passwd'), 'inside:x:5:6::/in:/bin/sh\n');
  rmSync(path.join(root, 'etc/passwd'));
  symlinkSync('/data/passwd', path.join(root, 'etc/passwd'));
  assert.deepEqual(await resolveUser(root, 'inside'), { uid: 5, gid: 6, additionalGids: [], home: '/in' });
});

test('a FIFO or directory in place of /etc/passwd reads as missing (no hang)', async () => {
  const root = path.join(tmp, 'odd');
  mkdirSync(path.join(root, 'etc/passwd'), { recursive: true });
  execFileSync('mkfifo', [path.join(root, 'etc/group')]);
  assert.equal(await readRootFile(root, '/etc/passwd'), undefined);
  assert.equal(await readRootFile(root, '/etc/group'), undefined);
  await assert.rejects(resolveUser(root, 'someone'), { code: 'E_EXEC_USER' });
  assert.deepEqual(await resolveUser(root, '1:2'), { uid: 1, gid: 2, additionalGids: [], home: '/' });
});

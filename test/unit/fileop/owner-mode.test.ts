import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { applyChmod } from '../../../src/worker/fileop/chmod.js';
import { applyFileActions, parseChmod, resolveOwner } from '../../../src/worker/fileop/index.js';
import { build, cleanup, copy, snapshot, sourcesOf, tempDir } from './helpers.js';

after(cleanup);

const ETC = {
  'etc/passwd':
    'root:x:0:0:root:/root:/bin/sh\n# comment\napp:x:1000:1001::/home/app:/bin/sh\nweb:x:33:33::/var/www:/bin/false\n',
  'etc/group': 'root:x:0:\nstaff:x:50:app\nweb:x:33:\n',
};

describe('--chown resolution against the destination', () => {
  const cases: Array<[string, string | undefined, { uid: number; gid: number }]> = [
    ['app', undefined, { uid: 1000, gid: 1001 }],
    ['app', 'staff', { uid: 1000, gid: 50 }],
    ['app', '7', { uid: 1000, gid: 7 }],
    ['1234', undefined, { uid: 1234, gid: 1234 }],
    ['1234', 'web', { uid: 1234, gid: 33 }],
    ['root', undefined, { uid: 0, gid: 0 }],
    ['app', '', { uid: 1000, gid: 1001 }],
  ];
  for (const [user, group, want] of cases) {
    test(`${user}${group === undefined ? '' : `:${group}`} → ${want.uid}:${want.gid}`, async () => {
      const root = build(tempDir(), ETC);
      assert.deepEqual(await resolveOwner(root, group === undefined ? { user } : { user, group }), want);
    });
  }

  test('"root" needs no /etc/passwd; other names do', async () => {
    const empty = tempDir();
    assert.deepEqual(await resolveOwner(empty, { user: 'root', group: 'root' }), { uid: 0, gid: 0 });
    await assert.rejects(resolveOwner(empty, { user: 'app' }), {
      code: 'E_FILEOP_CHOWN',
      message: 'cannot resolve --chown=app: the image has no /etc/passwd',
    });
  });

  test('unknown names are errors that say where they were looked up', async () => {
    const root = build(tempDir(), ETC);
    await assert.rejects(resolveOwner(root, { user: 'ghost' }), {
      message: 'unable to find user "ghost" (from --chown=ghost) in /etc/passwd',
    });
    await assert.rejects(resolveOwner(root, { user: 'app', group: 'ghosts' }), {
      message: 'unable to find group "ghosts" (from --chown=app:ghosts) in /etc/group',
    });
  });

  test('/etc/passwd is read through scoped resolution (a /etc symlink cannot reach the host)', async () => {
    const outside = build(tempDir('host-etc'), { passwd: 'app:x:4242:4242::/:/bin/sh\n' });
    const root = build(tempDir(), { etc: { link: outside }, 'etc2/passwd': 'app:x:7:7::/:/bin/sh\n' });
    // /etc -> <host dir>: resolved inside the root it is <root><host dir>, which does not exist.
    await assert.rejects(resolveOwner(root, { user: 'app' }), { code: 'E_FILEOP_CHOWN' });
  });
});

describe('COPY --chown', () => {
  test('applies to copied files, directories and the parents the copy creates', async () => {
    const src = build(tempDir(), { 'd/a': 'A', 'd/s/b': 'B', 'd/l': { link: 'a' } });
    const dest = build(tempDir(), { ...ETC, opt: { dir: true } });
    await applyFileActions([copy(['d'], '/opt/app/lib/', { chown: { user: 'app' } })], {
      destRoot: dest,
      sources: sourcesOf(src),
      xattrs: false,
    });
    assert.deepEqual(
      snapshot(dest).filter((l) => l.startsWith('opt')),
      [
        'opt/ d 0755 0:0', // existed: untouched
        'opt/app/ d 0755 1000:1001',
        'opt/app/lib/ d 0755 1000:1001',
        'opt/app/lib/a f 0644 1000:1001 "A"',
        'opt/app/lib/l l 1000:1001 -> a',
        'opt/app/lib/s/ d 0755 1000:1001',
        'opt/app/lib/s/b f 0644 1000:1001 "B"',
      ],
    );
  });

  test('names are resolved after the earlier actions of the same op', async () => {
    const src = build(tempDir(), { a: 'A' });
    const dest = tempDir();
    await applyFileActions(
      [
        { action: 'mkdir', path: '/etc', mode: 0o755, parents: true },
        { action: 'mkfile', path: '/etc/passwd', data: 'late:x:55:66::/:/bin/sh\n', mode: 0o644 },
        copy(['a'], '/a', { chown: { user: 'late' } }),
      ],
      { destRoot: dest, sources: sourcesOf(src), xattrs: false },
    );
    assert.ok(snapshot(dest).includes('a f 0644 55:66 "A"'));
  });
});

describe('--chmod', () => {
  test('octal sets every copied file and directory, and created parents', async () => {
    const src = build(tempDir(), { 'd/a': { file: 'A', mode: 0o4755 }, 'd/s/b': 'B' });
    const dest = tempDir();
    await applyFileActions([copy(['d'], '/p/q/', { chmod: '0640' })], {
      destRoot: dest,
      sources: sourcesOf(src),
      xattrs: false,
    });
    assert.deepEqual(snapshot(dest), [
      'p/ d 0640 0:0',
      'p/q/ d 0640 0:0',
      'p/q/a f 0640 0:0 "A"',
      'p/q/s/ d 0640 0:0',
      'p/q/s/b f 0640 0:0 "B"',
    ]);
  });

  test('symbolic modes apply to each entry as chmod(1) would; created parents stay 0755', async () => {
    const src = build(tempDir(), {
      'd/a': { file: 'A', mode: 0o600 },
      'd/x': { file: 'X', mode: 0o700 },
      'd/s/b': 'B',
    });
    const dest = tempDir();
    await applyFileActions([copy(['d'], '/p/q/', { chmod: 'go+rX,u-w' })], {
      destRoot: dest,
      sources: sourcesOf(src),
      xattrs: false,
    });
    assert.deepEqual(snapshot(dest), [
      'p/ d 0755 0:0',
      'p/q/ d 0755 0:0',
      'p/q/a f 0444 0:0 "A"',
      'p/q/s/ d 0555 0:0',
      'p/q/s/b f 0444 0:0 "B"',
      'p/q/x f 0555 0:0 "X"',
    ]);
  });

  const table: Array<[string, number, boolean, number]> = [
    ['755', 0o644, false, 0o755],
    ['4755', 0o644, false, 0o4755],
    ['0644', 0o4755, false, 0o644],
    ['u+x', 0o644, false, 0o744],
    ['+x', 0o644, false, 0o755],
    ['a+X', 0o644, false, 0o644],
    ['a+X', 0o744, false, 0o755],
    ['a+X', 0o600, true, 0o711],
    ['go-rwx', 0o777, false, 0o700],
    ['u=rw,go=r', 0o777, false, 0o644],
    ['=r', 0o4777, false, 0o444],
    ['g=u', 0o740, false, 0o770],
    ['o=g', 0o754, false, 0o755],
    ['u+s', 0o755, false, 0o4755],
    ['g+s', 0o755, true, 0o2755],
    ['+t', 0o777, true, 0o1777],
    ['o+t', 0o777, true, 0o777],
    ['u+rw-x', 0o711, false, 0o611],
    ['a=', 0o777, false, 0o000],
  ];
  for (const [spec, from, isDir, want] of table) {
    test(`${spec} on ${from.toString(8)}${isDir ? ' (dir)' : ''} → ${want.toString(8)}`, () => {
      assert.equal(applyChmod(parseChmod(spec), from, isDir), want);
    });
  }

  for (const [bad, message] of [
    ['8', 'invalid chmod parameter "8": an octal mode has only the digits 0 to 7'],
    ['17777', 'invalid chmod parameter "17777": an octal mode is at most 7777'],
    [
      'u+q',
      'invalid chmod parameter "u+q": "u+q" is not a symbolic mode clause ([ugoa]* followed by +, - or = and letters from rwxXst)',
    ],
  ] as const) {
    test(`invalid: ${bad}`, () => {
      assert.throws(() => parseChmod(bad), { code: 'E_FILEOP_CHMOD', message });
    });
  }
});

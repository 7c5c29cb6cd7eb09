/** applyLayer options and refusals that the conformance data does not pin. */
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { applyLayer, TarWriter } from '../../../src/layer/index.js';
import { type CraftEntry, craftTar } from './craft-tar.js';
import { collector, hasProgram, privileges, tempDir, xattrsOf } from './fs-fixture.js';

let root: string;
beforeEach(() => {
  root = tempDir('apply');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const device: CraftEntry = { type: 'char', name: 'dev/null', mode: '0666', devmajor: 1, devminor: 3 };

describe('applyLayer options', () => {
  it('skips device nodes by default and reports them', async () => {
    const r = await applyLayer(root, [craftTar([device])]);
    assert.equal(lstatSync(path.join(root, 'dev/null'), { throwIfNoEntry: false }), undefined);
    assert.deepEqual(
      r.skipped.map((s) => s.name),
      ['dev/null'],
    );
  });

  it('refuses device nodes with devices: "error", creates them with "create" (root)', async (t) => {
    await assert.rejects(applyLayer(root, [craftTar([device])], { devices: 'error' }), {
      code: 'E_LAYER_INVALID_ENTRY',
    });
    if (!privileges().root) return t.skip('mknod of a device needs root');
    await applyLayer(root, [craftTar([device])], { devices: 'create' });
    const st = lstatSync(path.join(root, 'dev/null'));
    assert.ok(st.isCharacterDevice());
    assert.equal(st.mode & 0o7777, 0o666);
  });

  it('drops trusted.overlay.* xattrs from a layer and says so', async (t) => {
    if (!hasProgram('setfattr') || !privileges().root) return t.skip('needs root and setfattr');
    const tar = craftTar([
      {
        type: 'dir',
        name: 'd',
        mode: '0755',
        pax: { 'SCHILY.xattr.trusted.overlay.opaque': 'y', 'SCHILY.xattr.user.k': 'v' },
      },
    ]);
    const r = await applyLayer(root, [tar]);
    const x = xattrsOf(path.join(root, 'd'));
    assert.equal(x.has('trusted.overlay.opaque'), false);
    assert.equal(x.get('user.k')?.toString(), 'v');
    assert.match(r.skipped[0]!.reason, /trusted\.overlay\.opaque dropped/);
  });

  it('extracts into a destination resolved inside the root', async () => {
    mkdirSync(path.join(root, 'srv/app'), { recursive: true });
    symlinkSync('/srv/app', path.join(root, 'app'));
    await applyLayer(root, [craftTar([{ type: 'file', name: '../../x', mode: '0644', content: 'nope' }])], {
      destination: 'app',
    }).then(
      () => assert.fail('a name climbing above the destination is refused'),
      (err: { code: string }) => assert.equal(err.code, 'E_LAYER_PATH_ESCAPE'),
    );
    await applyLayer(root, [craftTar([{ type: 'file', name: 'x', mode: '0644', content: 'in' }])], {
      destination: 'app',
    });
    assert.equal(readFileSync(path.join(root, 'srv/app/x'), 'utf8'), 'in');
  });

  it('refuses names that are not valid UTF-8', async () => {
    const tar = craftTar([{ type: 'file', name: 'ok', mode: '0644' }]);
    tar[0] = 0xff; // invalid UTF-8 lead byte in the name …
    tar.fill(0x20, 148, 156); // … with a fixed checksum
    let sum = 0;
    for (const b of tar.subarray(0, 512)) sum += b;
    tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
    await assert.rejects(applyLayer(root, [tar]), { code: 'E_LAYER_INVALID_ENTRY' });
  });

  it('stops between entries when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      applyLayer(root, [craftTar([{ type: 'file', name: 'a', mode: '0644' }])], {
        signal: controller.signal,
      }),
      { name: 'AbortError' },
    );
  });

  it('applies directory modes and mtimes after the children are written', async () => {
    const out = collector();
    const w = new TarWriter(out.sink);
    await w.add({ name: 'ro', type: 'dir', mode: 0o555, mtime: { seconds: 1000, nanoseconds: 0 } });
    await w.add(
      { name: 'ro/inner', type: 'file', size: 2, mtime: { seconds: 2000, nanoseconds: 0 } },
      Buffer.from('hi'),
    );
    await w.finish();
    await applyLayer(root, [out.bytes()]);
    const st = lstatSync(path.join(root, 'ro'));
    assert.equal(st.mode & 0o7777, 0o555);
    assert.equal(st.mtimeMs, 1_000_000);
    assert.equal(lstatSync(path.join(root, 'ro/inner')).mtimeMs, 2_000_000);
  });
});

/** The resident builder's wire format and the client's choice of what to hand over. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDelegable } from '../../../src/resident/client.js';
import {
  encodeFrame,
  FrameReader,
  residentDisabled,
  residentPidPath,
  residentSocketPath,
  type ServerFrame,
} from '../../../src/resident/protocol.js';

describe('resident protocol', () => {
  it('reads frames split anywhere, even inside a multi-byte character', () => {
    const frames: ServerFrame[] = [];
    const reader = new FrameReader<ServerFrame>((f) => frames.push(f));
    const bytes = Buffer.from(
      encodeFrame({ t: 'err', d: Buffer.from('naïve ✓\n').toString('base64') }) +
        encodeFrame({ t: 'started', pid: 42 }) +
        encodeFrame({ t: 'exit', code: 3 }),
    );
    const text = JSON.stringify({ t: 'x', s: 'é✓' });
    const multi = Buffer.from(`${text}\n`);
    for (let i = 0; i < bytes.length; i += 7) reader.push(bytes.subarray(i, i + 7));
    for (const b of multi) reader.push(Buffer.from([b]));
    assert.deepEqual(frames.slice(0, 3), [
      { t: 'err', d: Buffer.from('naïve ✓\n').toString('base64') },
      { t: 'started', pid: 42 },
      { t: 'exit', code: 3 },
    ]);
    assert.deepEqual(frames[3], { t: 'x', s: 'é✓' });
  });

  it('throws on a line that is not JSON', () => {
    const reader = new FrameReader<ServerFrame>(() => {});
    assert.throws(() => reader.push('HTTP/1.1 400 Bad Request\n'), SyntaxError);
  });

  it('puts the socket and pid file in the data directory, and refuses paths too long for a socket', () => {
    assert.equal(residentSocketPath({ MANIFOLD_HOME: '/tmp/mh' }), '/tmp/mh/resident.sock');
    assert.equal(residentSocketPath({ HOME: '/home/u' }), '/home/u/.local/share/manifold/resident.sock');
    assert.equal(residentPidPath('/tmp/mh/resident.sock'), '/tmp/mh/resident.pid');
    assert.equal(residentSocketPath({ MANIFOLD_HOME: `/tmp/${'d'.repeat(100)}` }), undefined);
  });

  it('is off with MANIFOLD_RESIDENT=0, false, off or no', () => {
    for (const v of ['0', 'false', 'OFF', 'no'])
      assert.equal(residentDisabled({ MANIFOLD_RESIDENT: v }), true, v);
    for (const v of [undefined, '', '1', 'on'])
      assert.equal(residentDisabled({ MANIFOLD_RESIDENT: v }), false);
  });
});

describe('what the client hands to the resident builder', () => {
  it('hands over builds, after global flags', () => {
    assert.equal(isDelegable(['build', '.']), true);
    assert.equal(isDelegable(['--debug', '--builder', 'b1', 'build', '-t', 'x', '.']), true);
    assert.equal(isDelegable(['--builder=b1', 'build', '-o', 'type=local,dest=out', '.']), true);
  });

  it('keeps other commands, and builds that read stdin or write an archive to stdout', () => {
    assert.equal(isDelegable(['push', 'x']), false);
    assert.equal(isDelegable(['--builder', 'build', 'ls']), false);
    assert.equal(isDelegable([]), false);
    assert.equal(isDelegable(['build', '-f', '-', '.']), false);
    assert.equal(isDelegable(['build', '-']), false);
    assert.equal(isDelegable(['build', '-o', '-', '.']), false);
    assert.equal(isDelegable(['build', '--output=-', '.']), false);
    assert.equal(isDelegable(['build', '-o', 'type=tar,dest=-', '.']), false);
  });
});

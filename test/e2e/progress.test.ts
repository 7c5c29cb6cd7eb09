/**
 * Issue 6's progress bar, end to end: the compiled CLI builds the same Dockerfile twice, each
 * in a fresh home, once with `--progress rawjson` and once with `--progress plain`; the rawjson
 * output replayed through the plain renderer gives the same lines as the plain run, timings
 * aside. SOURCE_DATE_EPOCH and rewrite-timestamp make both builds produce the same image, so
 * even the digests in the messages agree.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { replayRawJson } from '../../src/progress/index.js';
import { freshHome, makeContext, manifold, publishBaseImages, testRegistry } from './helpers.js';

const registry = testRegistry();
const skip = registry ? false : 'the test registry is not running (bash scripts/testworld/registry.sh start)';
const counts = { plainLines: 0, jsonLines: 0, compared: 0 };

/** Timings out: durations (` 0.3s`, present or not), log offsets, rates. */
function maskTimings(text: string): string[] {
  return text.split('\n').map((l) =>
    l
      .replace(/^(#\d+) \d+\.\d+ /, '$1 <t> ')
      .replace(/ [\d.]+[kMGT]?B\/s(?= |$)/g, '')
      .replace(/ \d+\.\d+s(?= |$)/g, ''),
  );
}

describe('progress: rawjson replayed is plain', { skip }, () => {
  const reg = registry ?? '';
  before(async () => {
    await publishBaseImages(reg);
  });
  after(() => console.log(`progress e2e: ${JSON.stringify(counts)}`));

  it('gives the same lines for the same build', async () => {
    const ctx = await makeContext({
      Dockerfile:
        'FROM alpine\nCOPY greeting.txt /greeting.txt\nRUN cat /greeting.txt && sleep 0.2 && echo two\nRUN echo to-stderr >&2\n',
      'greeting.txt': 'hello from the context\n',
    });
    const args = (mode: string) => [
      'build',
      '--progress',
      mode,
      '--platform',
      'linux/arm64',
      '-t',
      'progress-e2e',
      '-o',
      'type=image,rewrite-timestamp=true',
      ctx,
    ];
    const env = (home: string) => ({ MANIFOLD_HOME: home, SOURCE_DATE_EPOCH: '1700000000' });
    const raw = await manifold(args('rawjson'), env(await freshHome(reg)));
    assert.equal(raw.code, 0, raw.stderr);
    const plain = await manifold(args('plain'), env(await freshHome(reg)));
    assert.equal(plain.code, 0, plain.stderr);

    const jsonLines = raw.stderr.split('\n').filter((l) => l.startsWith('{'));
    const otherLines = raw.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{'));
    const replayed = replayRawJson(raw.stderr) + otherLines.map((l) => `${l}\n`).join('');
    counts.jsonLines = jsonLines.length;
    counts.plainLines = plain.stderr.split('\n').length - 1;

    const want = maskTimings(plain.stderr);
    const got = maskTimings(replayed);
    assert.deepEqual(got, want);
    counts.compared = want.length;

    // What the lines say: BuildKit's plain format, with the transfers of this build.
    assert.match(
      plain.stderr,
      /^#1 \[internal\] load metadata for docker\.io\/library\/alpine:latest\n#1 DONE \d+\.\ds\n\n/,
    );
    assert.match(
      plain.stderr,
      /^#2 \[internal\] load build context\n#2 transferring context: 137B( 0\.\ds)? done\n#2 DONE \d+\.\ds\n\n/m,
    );
    assert.match(
      plain.stderr,
      /^#\d+ \[1\/4\] FROM docker\.io\/library\/alpine:latest@sha256:[0-9a-f]{64}$/m,
    );
    assert.match(plain.stderr, /^#\d+ extracting sha256:[0-9a-f]{64}( \d+\.\ds)? done$/m);
    assert.match(
      plain.stderr,
      /^#(\d+) \d\.\d{3} hello from the context\n#\1 \d\.\d{3} two\n#\1 DONE \d+\.\ds$/m,
    );
    assert.match(plain.stderr, /^#\d+ \d\.\d{3} to-stderr$/m);
    assert.match(plain.stderr, /^#\d+ exporting to image$/m);
  });
});

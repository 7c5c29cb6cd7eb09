/**
 * Every case of shared/conformance/reliability/layer-diff-cases.json: exact diff entries,
 * diff-then-apply round trips (continuity's FSSuite, containerd's symlink cases) and the overlay
 * upper → layer → overlay/plain extraction round trip.
 */
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  applyLayer,
  diffDirectories,
  diffOverlayUpper,
  readTar,
  type TarHeader,
} from '../../../src/layer/index.js';
import { conformancePath } from '../../helpers/paths.js';
import { sha256 } from './craft-tar.js';
import {
  collector,
  copyTree,
  describeTree,
  type FsOp,
  hasProgram,
  privileges,
  runOps,
  tempDir,
  xattrsOf,
} from './fs-fixture.js';

interface ExpectedEntry {
  type: 'dir' | 'file' | 'hardlink' | 'whiteout';
  name: string;
  mode?: string;
  content?: string;
  linkname?: string;
  mtime?: string;
}

interface NodeExpect {
  mode?: string;
  type?: string;
  xattrs?: Record<string, string>;
  xattrs_absent?: string[];
  major?: number;
  minor?: number;
}

interface DiffCase {
  id: string;
  kind: 'diff-exact' | 'roundtrip' | 'roundtrip-2' | 'overlay-convert';
  requires?: string[];
  options?: { source_date_epoch?: string };
  lower?: FsOp[];
  upper_changes?: FsOp[];
  expected_entries?: ExpectedEntry[];
  steps?: FsOp[][];
  umask?: string;
  overlay_upper?: FsOp[];
  expected_entry_names?: string[];
  extract_overlay_format?: Record<string, NodeExpect>;
  extract_plain_format?: Record<string, NodeExpect>;
}

const data = JSON.parse(readFileSync(conformancePath('reliability', 'layer-diff-cases.json'), 'utf8')) as {
  cases: DiffCase[];
};

async function entriesOf(tar: Buffer): Promise<Array<{ header: TarHeader; content: Buffer }>> {
  const out: Array<{ header: TarHeader; content: Buffer }> = [];
  for await (const e of readTar([tar])) {
    const chunks: Buffer[] = [];
    for await (const c of e.body) chunks.push(c as Buffer);
    out.push({ header: e.header, content: Buffer.concat(chunks) });
  }
  return out;
}

const priv = privileges();
/** Without Debian's attr tools, diffs run with xattrs: 'none' and trees are compared without xattrs. */
const haveAttr = hasProgram('getfattr') && hasProgram('setfattr');
const XATTRS = haveAttr ? {} : { xattrs: 'none' as const };
const counts = { ran: 0, skipped: [] as string[] };

describe('layer-diff-cases.json', () => {
  after(() => {
    console.log(
      `layer-diff-cases.json: ${counts.ran}/${data.cases.length} cases ran, ${counts.skipped.length} skipped`,
    );
    for (const s of counts.skipped) console.log(`  skipped ${s}`);
  });
  for (const c of data.cases) {
    it(c.id, async (t) => {
      const needsRoot = (c.requires ?? []).includes('root') || c.kind === 'overlay-convert';
      if (needsRoot && !(priv.root && priv.initialUserns)) {
        counts.skipped.push(`${c.id}: needs root in the initial user namespace`);
        return t.skip('needs root');
      }
      if (!haveAttr && c.kind === 'overlay-convert') {
        counts.skipped.push(`${c.id}: needs getfattr (Debian's attr package)`);
        return t.skip('needs getfattr');
      }
      const work = tempDir('diff');
      try {
        if (c.kind === 'diff-exact') await diffExact(c, work, (m) => t.diagnostic(m));
        else if (c.kind === 'overlay-convert') await overlayConvert(c, work);
        else await roundTrip(c, work, (m) => t.diagnostic(m));
        counts.ran++;
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  }
});

async function diffExact(c: DiffCase, work: string, note: (m: string) => void): Promise<void> {
  const lower = path.join(work, 'lower');
  const upper = path.join(work, 'upper');
  mkdirSync(lower);
  await runOps(lower, c.lower ?? []);
  copyTree(lower, upper);
  await runOps(upper, c.upper_changes ?? []);
  const epoch = c.options?.source_date_epoch;
  const options = epoch === undefined ? XATTRS : { ...XATTRS, sourceDateEpoch: Date.parse(epoch) / 1000 };
  const out = collector();
  await diffDirectories(lower, upper, out.sink, options);
  const got = await entriesOf(out.bytes());
  const expected = c.expected_entries ?? [];
  assert.deepEqual(
    got.map((e) => e.header.name),
    expected.map((e) => e.name),
    'entry names in order',
  );
  for (const [i, want] of expected.entries()) {
    const { header, content } = got[i]!;
    const type = want.type === 'whiteout' ? 'file' : want.type;
    assert.equal(header.type, type, `${want.name} type`);
    if (want.type === 'whiteout') assert.equal(header.size, 0);
    if (want.mode !== undefined)
      assert.equal(header.mode, Number.parseInt(want.mode, 8), `${want.name} mode`);
    if (want.content !== undefined) assert.equal(content.toString(), want.content, `${want.name} content`);
    if (want.linkname !== undefined) assert.equal(header.linkname, want.linkname, `${want.name} link`);
    if (want.mtime !== undefined)
      assert.equal(header.mtime.seconds, Date.parse(want.mtime) / 1000, `${want.name} mtime`);
  }
  if (epoch !== undefined) {
    // Reproducible: the same diff, made again later, has the same bytes.
    const digests = new Set<string>([sha256(out.bytes())]);
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const again = collector();
      await diffDirectories(lower, upper, again.sink, options);
      digests.add(sha256(again.bytes()));
    }
    assert.equal(digests.size, 1, 'the same digest every time');
    note('6 builds, 1 digest');
  }
  note(`${got.length} entries as expected`);
}

/** FSSuite-style round trip: each step's diff applied to our own copy must reproduce the tree. */
async function roundTrip(c: DiffCase, work: string, note: (m: string) => void): Promise<void> {
  const expected = path.join(work, 'expected');
  const ours = path.join(work, 'ours');
  mkdirSync(expected);
  mkdirSync(ours);
  const steps = c.steps ?? [];
  let start = 0;
  if (c.kind === 'roundtrip-2') {
    await runOps(expected, steps[0]!);
    copyTree(expected, ours);
    start = 1;
  }
  for (let i = start; i < steps.length; i++) {
    const previous = path.join(work, `previous-${i}`);
    copyTree(expected, previous);
    await runOps(expected, steps[i]!);
    const out = collector();
    const r = await diffDirectories(i === 0 ? undefined : previous, expected, out.sink, XATTRS);
    await applyLayer(ours, [out.bytes()]);
    assert.deepEqual(
      describeTree(ours, { xattrs: haveAttr }),
      describeTree(expected, { xattrs: haveAttr }),
      `after step ${i + 1}`,
    );
    note(`step ${i + 1}: ${r.entries} entries, trees equal`);
  }
}

async function overlayConvert(c: DiffCase, work: string): Promise<void> {
  const upper = path.join(work, 'upper');
  mkdirSync(upper);
  const previous = c.umask === undefined ? undefined : process.umask(Number.parseInt(c.umask, 8));
  try {
    await runOps(upper, c.overlay_upper ?? []);
  } finally {
    if (previous !== undefined) process.umask(previous);
  }
  const out = collector();
  await diffOverlayUpper(upper, out.sink);
  const entries = await entriesOf(out.bytes());
  assert.deepEqual(
    entries.map((e) => e.header.name),
    c.expected_entry_names,
  );
  for (const { header } of entries) {
    assert.ok(header.type !== 'char' && header.type !== 'block', `${header.name} is not a device`);
    assert.equal(header.devmajor, 0);
    assert.equal(header.pax.size, 0, `${header.name} has no PAX records`);
  }
  for (const [mode, expect] of [
    ['overlay', c.extract_overlay_format],
    ['literal', c.extract_plain_format],
  ] as const) {
    const dest = path.join(work, `extract-${mode}`);
    mkdirSync(dest);
    await applyLayer(dest, [out.bytes()], { whiteouts: mode });
    for (const [rel, want] of Object.entries(expect ?? {}))
      checkNode(path.join(dest, rel), want, `${mode}: ${rel}`);
  }
}

function checkNode(abs: string, want: NodeExpect, what: string): void {
  const st = lstatSync(abs);
  if (want.mode !== undefined)
    assert.equal((st.mode & 0o7777).toString(8), want.mode.replace(/^0(?=.)/, ''), `${what} mode`);
  if (want.type !== undefined) {
    const type = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isCharacterDevice() ? 'char' : 'other';
    assert.equal(type, want.type, `${what} type`);
  }
  if (want.major !== undefined) assert.equal(st.rdev, want.major * 256 + (want.minor ?? 0), `${what} device`);
  const x = xattrsOf(abs);
  for (const [k, v] of Object.entries(want.xattrs ?? {}))
    assert.equal(x.get(k)?.toString(), v, `${what} xattr ${k}`);
  for (const k of want.xattrs_absent ?? []) assert.equal(x.has(k), false, `${what} has no ${k}`);
}

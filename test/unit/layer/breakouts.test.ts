/**
 * Every case of shared/conformance/reliability/layer-breakouts.json, run against applyLayer,
 * packDirectory and readTar. Besides each case's own checks, every case verifies that nothing
 * outside the root changed (the root's parent, minus the root, and ${OUTSIDE}).
 */
import assert from 'node:assert/strict';
import { createReadStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { isManifoldError } from '../../../src/errors/index.js';
import {
  type ApplyResult,
  applyLayer,
  type ByteStream,
  decompress,
  packDirectory,
  readTar,
} from '../../../src/layer/index.js';
import { conformancePath } from '../../helpers/paths.js';
import { type CaseOutcome, type Check, evaluateCheck, victimState } from './breakout-checks.js';
import { type CraftEntry, craftTar } from './craft-tar.js';
import {
  type FsOp,
  fill,
  hasProgram,
  type Placeholders,
  placeholders,
  privileges,
  runOps,
  snapshotTree,
  tempDir,
  walkListing,
} from './fs-fixture.js';

interface BreakoutCase {
  id: string;
  harness: string;
  requires?: string[];
  setup?: FsOp[];
  setup_outside?: FsOp[];
  entries?: CraftEntry[];
  layers?: CraftEntry[][];
  archive_gzip_hex?: string;
  fixture?: string;
  whiteout_format?: 'overlay';
  destination?: string;
  tar_source?: { path: string; include: string[] | null };
  umask_variants?: string[];
  expect: { outcome: string; error_class?: string; checks?: Check[]; after_each_layer?: string[][] };
}

const data = JSON.parse(readFileSync(conformancePath('reliability', 'layer-breakouts.json'), 'utf8')) as {
  cases: BreakoutCase[];
};

/** Error classes of the data → the codes Manifold uses for them. */
const CODES: Record<string, readonly string[]> = {
  'invalid-archive': ['E_LAYER_INVALID_ENTRY', 'E_LAYER_INVALID_WHITEOUT', 'E_TAR_CORRUPT'],
  'path-escape': ['E_LAYER_PATH_ESCAPE'],
  'invalid-whiteout': ['E_LAYER_INVALID_WHITEOUT'],
  'unexpected-eof': ['E_TAR_TRUNCATED'],
};

/**
 * Where Manifold's pinned policy differs from a case's `expect` (the README asks to pin one).
 * Manifold rejects entry names that climb above the root (go-archive's rule, which the data
 * requires in TestUntarParentTraversalContained); containerd skips the name `..` instead.
 */
const POLICY: Record<string, { code: string; why: string }> = {
  'containerd:TestBreakouts/SymlinkParentDirectory': {
    code: 'E_LAYER_PATH_ESCAPE',
    why: 'entry named ".." is refused (go-archive rule, pinned), containerd skips it; host untouched either way',
  },
};

const priv = privileges();
const haveXattrTools = hasProgram('getfattr') && hasProgram('setfattr');

function skipReason(c: BreakoutCase): string | undefined {
  const req = c.requires ?? [];
  if (req.includes('root') && !priv.root) return 'needs root';
  if (req.includes('initial-userns') && !priv.initialUserns) return 'needs the initial user namespace';
  const usesXattrs = JSON.stringify(c).includes('xattr');
  if (usesXattrs && !haveXattrTools) return "needs getfattr/setfattr (Debian's attr package)";
  return undefined;
}

describe('layer-breakouts.json', () => {
  const ran: string[] = [];
  const skipped: string[] = [];
  const pinned: string[] = [];
  const notes: string[] = [];
  after(() => {
    console.log(
      `layer-breakouts.json: ${ran.length}/${data.cases.length} cases ran, ${skipped.length} skipped`,
    );
    for (const s of skipped) console.log(`  skipped ${s}`);
    for (const p of pinned) console.log(`  pinned policy ${p}`);
    for (const n of notes) console.log(`  note ${n}`);
  });

  for (const c of data.cases) {
    it(c.id, async (t) => {
      const why = skipReason(c);
      if (why !== undefined) {
        skipped.push(`${c.id}: ${why}`);
        t.skip(why);
        return;
      }
      if (c.requires?.includes('userns'))
        notes.push(`${c.id}: run as root with devices: 'skip', as a rootless worker applies`);
      for (const umask of c.umask_variants ?? [undefined]) {
        const previous = umask === undefined ? undefined : process.umask(Number.parseInt(umask, 8));
        try {
          const verdict = await runCase(c);
          t.diagnostic(`${umask === undefined ? '' : `umask ${umask}: `}${verdict}`);
        } finally {
          if (previous !== undefined) process.umask(previous);
        }
      }
      if (POLICY[c.id]) pinned.push(`${c.id}: ${POLICY[c.id]!.why}`);
      ran.push(c.id);
    });
  }
});

async function runCase(c: BreakoutCase): Promise<string> {
  const parent = tempDir(c.harness);
  const ph = placeholders(parent);
  const root = path.join(parent, ['victim-sibling', 'prefix-sibling'].includes(c.harness) ? 'dest' : 'root');
  try {
    mkdirSync(root);
    if (c.harness === 'victim-sibling') {
      mkdirSync(path.join(root, 'victim'));
      mkdirSync(path.join(parent, 'victim'));
      writeFileSync(path.join(parent, 'victim', 'hello'), `${Date.now()}`, { mode: 0o644 });
    }
    await runOps(undefined, c.setup_outside ?? [], ph);
    await runOps(root, c.setup ?? [], ph);
    const hostBefore = [snapshotTree(parent, root), snapshotTree(ph.OUTSIDE)];
    const outcome: CaseOutcome = { root, parent, ph, victimBefore: victimState(parent) };
    let error: unknown;
    try {
      await act(c, outcome);
    } catch (err) {
      error = err;
    }
    const verdict = judge(c, error);
    // A pinned deviation stops where the data expects success: only the host checks apply then.
    if (POLICY[c.id] === undefined) for (const check of c.expect.checks ?? []) evaluateCheck(check, outcome);
    assert.deepEqual(snapshotTree(parent, root), hostBefore[0], "the root's parent changed");
    assert.deepEqual(snapshotTree(ph.OUTSIDE), hostBefore[1], 'the OUTSIDE directory changed');
    return verdict;
  } finally {
    rmSync(parent, { recursive: true, force: true });
    rmSync(ph.OUTSIDE, { recursive: true, force: true });
  }
}

/** Runs what the harness says: an apply, several, a pack, or a read. */
async function act(c: BreakoutCase, o: CaseOutcome): Promise<void> {
  if (c.harness === 'read-only') {
    o.listed = [];
    for await (const e of readTar(createReadStream(conformancePath('reliability', c.fixture!))))
      o.listed.push(e.header.name);
    return;
  }
  if (c.harness === 'rootfs-source') {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    try {
      await packDirectory(o.root, sink, {
        path: c.tar_source!.path,
        include: c.tar_source!.include ?? undefined,
      });
    } finally {
      o.archive = Buffer.concat(chunks);
    }
    return;
  }
  const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const options = {
    whiteouts: c.whiteout_format === 'overlay' ? ('overlay' as const) : ('remove' as const),
    devices: c.requires?.includes('userns') || !priv.root ? ('skip' as const) : ('create' as const),
    ...(c.destination === undefined ? {} : { destination: c.destination }),
  };
  const layers = c.layers ?? [c.entries ?? []];
  for (let i = 0; i < layers.length; i++) {
    let bytes = craftTar(fillEntries(layers[i]!, o.ph), owner);
    if (c.expect.checks?.some((k) => k.check === 'diffid_covers_all_bytes')) {
      bytes = Buffer.concat([bytes, Buffer.from('trailing bytes after the end marker\n'.repeat(30))]);
    }
    let source: ByteStream = [bytes];
    if (c.archive_gzip_hex !== undefined) {
      bytes = Buffer.from(c.archive_gzip_hex, 'hex');
      source = (await decompress([bytes])).stream;
    }
    o.archive = bytes;
    const result: ApplyResult = await applyLayer(o.root, source, options);
    o.diffId = result.diffId;
    o.skipped = result.skipped;
    const expected = c.expect.after_each_layer?.[i];
    if (expected !== undefined) assert.deepEqual(walkListing(o.root), expected, `tree after layer ${i + 1}`);
  }
}

function fillEntries(entries: readonly CraftEntry[], ph: Placeholders): CraftEntry[] {
  return entries.map((e) => ({
    ...e,
    name: fill(e.name, ph),
    ...(e.linkname === undefined ? {} : { linkname: fill(e.linkname, ph) }),
  }));
}

/** Compares the apply's success or error with the expected outcome; returns a one-line verdict. */
function judge(c: BreakoutCase, error: unknown): string {
  const pinned = POLICY[c.id];
  if (pinned !== undefined) {
    assert.ok(
      isManifoldError(error) && error.code === pinned.code,
      `pinned policy: expected ${pinned.code}, got ${String(error)}`,
    );
    return `pinned: ${pinned.code} (data expects ${c.expect.outcome})`;
  }
  const outcome = c.expect.outcome;
  if (error === undefined) {
    assert.ok(
      outcome !== 'error',
      `expected an error (${c.expect.error_class ?? 'any'}), the apply succeeded`,
    );
    return 'ok';
  }
  if (outcome === 'ok') throw error;
  assert.ok(isManifoldError(error), `expected a Manifold error, got ${String(error)}`);
  if (outcome === 'error' && c.expect.error_class !== undefined) {
    assert.ok(
      CODES[c.expect.error_class]?.includes(error.code),
      `${error.code} is not a ${c.expect.error_class} error`,
    );
  }
  return `${error.code}: ${error.message}`;
}

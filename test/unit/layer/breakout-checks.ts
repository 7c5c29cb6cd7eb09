/**
 * Test helper: evaluates the `expect.checks` vocabulary of layer-breakouts.json (README of
 * shared/conformance/reliability) against a tree after an apply, a created archive, or a read.
 */
import assert from 'node:assert/strict';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { resolveInRoot } from '../../../src/layer/index.js';
import { sha256 } from './craft-tar.js';
import { fill, type Placeholders, xattrsOf } from './fs-fixture.js';

/** One check object from the data. */
export type Check = { check: string } & Record<string, unknown>;

/** What a case produced, for the checks to look at. */
export interface CaseOutcome {
  root: string;
  parent: string;
  ph: Placeholders;
  archive?: Buffer;
  listed?: string[];
  diffId?: string;
  skipped?: ReadonlyArray<{ name: string }>;
  victimBefore?: string;
}

const TYPE_OF = (st: ReturnType<typeof lstatSync>): string =>
  st!.isDirectory() ? 'dir' : st!.isFile() ? 'file' : st!.isSymbolicLink() ? 'symlink' : 'other';

function str(v: unknown): string {
  return String(v);
}

/** lstat that reports "absent" for ENOENT and ENOTDIR (a path under a file does not exist). */
function lstatMaybe(p: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(p, { throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** Throws an assertion error when the check fails. */
export function evaluateCheck(check: Check, o: CaseOutcome): void {
  if (!treeCheck(check, o)) hostCheck(check, o);
}

function bytesOf(c: Check): Buffer {
  return c.content_hex !== undefined
    ? Buffer.from(str(c.content_hex), 'hex')
    : Buffer.from(str(c.content ?? ''), 'utf8');
}

/** Checks on the tree inside the root; false when `check` is not one of them. */
function treeCheck(check: Check, o: CaseOutcome): boolean {
  const inRoot = (p: unknown, follow = true) =>
    resolveInRoot(o.root, fill(str(p), o.ph), { followFinal: follow });
  switch (check.check) {
    case 'file_equals':
      assert.deepEqual(readFileSync(inRoot(check.path)), bytesOf(check), `content of ${str(check.path)}`);
      return true;
    case 'file_size':
      assert.equal(statSync(inRoot(check.path)).size, check.size);
      return true;
    case 'exists': {
      const st = lstatSync(inRoot(check.path, false), { throwIfNoEntry: false });
      assert.ok(st, `${str(check.path)} exists`);
      if (check.type !== undefined) assert.equal(TYPE_OF(st), check.type);
      return true;
    }
    case 'not_exists':
      assert.equal(lstatMaybe(inRoot(check.path, false)), undefined, `${str(check.path)} absent`);
      return true;
    case 'same_file':
    case 'not_same_file': {
      const a = statSync(inRoot(check.a));
      const b = statSync(inRoot(check.b));
      const same = a.dev === b.dev && a.ino === b.ino;
      assert.equal(same, check.check === 'same_file', `${str(check.a)} vs ${str(check.b)}`);
      return true;
    }
    case 'same_symlink_target':
      assert.equal(readlinkSync(inRoot(check.a, false)), readlinkSync(inRoot(check.b, false)));
      return true;
    case 'symlink_target':
      assert.equal(readlinkSync(inRoot(check.path, false)), check.target);
      return true;
    case 'mode':
      assert.equal(
        (lstatSync(inRoot(check.path, false)).mode & 0o7777).toString(8).padStart(4, '0'),
        str(check.perm).padStart(4, '0'),
        `mode of ${str(check.path)}`,
      );
      return true;
    case 'mode_full': {
      const st = lstatSync(inRoot(check.path, false));
      assert.equal(TYPE_OF(st), check.type);
      assert.equal((st.mode & 0o7777).toString(8).padStart(4, '0'), str(check.perm).padStart(4, '0'));
      return true;
    }
    case 'xattr':
      assert.deepEqual(
        xattrsOf(inRoot(check.path, false)).get(str(check.key)),
        Buffer.from(str(check.value), 'utf8'),
      );
      return true;
    case 'no_xattr_prefix': {
      const p = inRoot(check.path, false);
      if (lstatSync(p, { throwIfNoEntry: false }) === undefined) return true;
      assert.deepEqual(
        [...xattrsOf(p).keys()].filter((k) => k.startsWith(str(check.prefix))),
        [],
      );
      return true;
    }
    case 'node': {
      const st = lstatSync(inRoot(check.path, false));
      const kind = st.isBlockDevice()
        ? 'block'
        : st.isCharacterDevice()
          ? 'char'
          : st.isFIFO()
            ? 'fifo'
            : 'other';
      assert.equal(kind, check.kind);
      if (check.major !== undefined) {
        assert.equal(Math.floor(st.rdev / 256) & 0xfff, check.major);
        assert.equal(st.rdev & 0xff, check.minor);
      }
      return true;
    }
    case 'nlink':
      assert.equal(lstatSync(inRoot(check.path, false)).nlink, check.nlink);
      return true;
    default:
      return false;
  }
}

/** Checks on the host, the victim directory and the archive. */
function hostCheck(check: Check, o: CaseOutcome): void {
  const inRoot = (p: unknown) => resolveInRoot(o.root, fill(str(p), o.ph), { followFinal: false });
  const host = (p: unknown) => fill(str(p), o.ph);
  switch (check.check) {
    case 'victim_unchanged':
      assert.equal(victimState(o.parent), o.victimBefore, 'P/victim unchanged');
      return;
    case 'victim_has_no_new_entries':
      assert.deepEqual(readdirSync(path.join(o.parent, 'victim')), ['hello']);
      return;
    case 'parent_contains_only_root':
      assert.deepEqual(readdirSync(o.parent), [path.basename(o.root)]);
      return;
    case 'no_link_to_outside': {
      const inside = lstatSync(inRoot(check.path), { throwIfNoEntry: false });
      const outside = lstatSync(host(check.outside));
      assert.ok(inside === undefined || inside.ino !== outside.ino || inside.dev !== outside.dev);
      return;
    }
    case 'outside_mode':
      assert.equal(
        (statSync(host(check.path)).mode & 0o7777).toString(8),
        str(check.perm).replace(/^0+/, ''),
      );
      return;
    case 'outside_file_equals':
      assert.deepEqual(readFileSync(host(check.path)), bytesOf(check));
      return;
    case 'host_file_not_equal': {
      const p = host(check.path);
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (st !== undefined) assert.notDeepEqual(readFileSync(p), bytesOf(check));
      return;
    }
    case 'archive_lists':
      assert.ok(o.listed?.includes(str(check.name)), `archive lists ${str(check.name)}`);
      return;
    case 'archive_does_not_contain_bytes':
      if (o.archive !== undefined) assert.equal(o.archive.indexOf(Buffer.from(str(check.content))), -1);
      return;
    case 'diffid_covers_all_bytes':
      assert.equal(o.diffId, sha256(o.archive!));
      return;
    case 'skipped_or_created': {
      const st = lstatSync(inRoot(check.path), { throwIfNoEntry: false });
      const skipped = o.skipped?.some((s) => s.name === check.path) ?? false;
      assert.ok(st?.isCharacterDevice() || skipped, `${str(check.path)} created or reported as skipped`);
      return;
    }
    case 'host_unchanged':
      return; // every case checks the host after the apply, listed or not
    default:
      throw new Error(`unknown check ${check.check}`);
  }
}

/** A comparable description of P/victim (the victim-sibling harness). */
export function victimState(parent: string): string {
  const dir = path.join(parent, 'victim');
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) return 'victim is not a directory';
  return readdirSync(dir)
    .sort()
    .map((n) => {
      const f = lstatSync(path.join(dir, n));
      return `${n}:${f.mode.toString(8)}:${f.size}:${f.isFile() ? readFileSync(path.join(dir, n), 'utf8') : ''}`;
    })
    .join('|');
}

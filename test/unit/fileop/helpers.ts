/**
 * Test helpers for the file op executor: temp trees built from a compact spec, a snapshot of a
 * tree as sorted lines (`path type mode uid:gid content-or-target`), and action builders.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FileAction } from '../../../src/graph/ops.js';
import type { CopySource } from '../../../src/worker/fileop/index.js';

/** One node of a spec tree. */
export type Node =
  | { readonly file: string; readonly mode?: number; readonly uid?: number; readonly gid?: number }
  | { readonly dir: true; readonly mode?: number; readonly uid?: number; readonly gid?: number }
  | { readonly link: string; readonly uid?: number; readonly gid?: number };

/** Path (relative, `/`-separated) → node; parents are made 0755 root. */
export type Spec = Readonly<Record<string, Node | string>>;

/** Fixed times so that tests can check preserved mtimes. */
export const T_SRC = 1_600_000_000;

const made: string[] = [];

/** A new empty temp directory, removed by {@link cleanup}. */
export function tempDir(label = 'fileop'): string {
  const d = mkdtempSync(path.join(os.tmpdir(), `manifold-${label}-`));
  made.push(d);
  return d;
}

/** Removes every temp directory made so far. */
export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Creates `spec` under `root` (sorted, so parents first); every entry gets mtime {@link T_SRC}. */
export function build(root: string, spec: Spec): string {
  const entries = Object.entries(spec).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [rel, raw] of entries) {
    const node: Node = typeof raw === 'string' ? { file: raw } : raw;
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    if ('file' in node) writeFileSync(abs, node.file);
    else if ('dir' in node) mkdirSync(abs, { recursive: true });
    else symlinkSync(node.link, abs);
    lchownSync(abs, node.uid ?? 0, node.gid ?? 0); // before chmod: chown clears set-id bits
    if ('file' in node) chmodSync(abs, node.mode ?? 0o644);
    else if ('dir' in node) chmodSync(abs, node.mode ?? 0o755);
  }
  touchAll(root, T_SRC);
  return root;
}

/** Sets atime/mtime of everything below `root` (not the root) to `t`, symlinks included. */
export function touchAll(root: string, t: number): void {
  execFileSync('find', [root, '-mindepth', '1', '-exec', 'touch', '-h', '-d', `@${t}`, '{}', '+']);
}

/** A sorted listing of `root`: `path type mode uid:gid extra` (content for files, target for links). */
export function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(abs);
      const owner = `${st.uid}:${st.gid}`;
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      if (st.isDirectory()) {
        out.push(`${r}/ d ${mode} ${owner}`);
        walk(abs, r);
      } else if (st.isSymbolicLink()) {
        out.push(`${r} l ${owner} -> ${readlinkSync(abs)}`);
      } else if (st.isFile()) {
        out.push(`${r} f ${mode} ${owner} ${JSON.stringify(readFileSync(abs, 'utf8'))}`);
      } else {
        out.push(`${r} ? ${mode} ${owner}`);
      }
    }
  };
  walk(root, '');
  return out;
}

/** mtime (whole seconds) of `abs`, not following a symlink. */
export function mtimeOf(abs: string): number {
  return Math.floor(lstatSync(abs).mtimeMs / 1000);
}

/** A copy action with BuildKit's Dockerfile COPY flags, overridable. */
export function copy(sources: string[], dest: string, over: Partial<CopyFields> = {}): FileAction {
  return {
    action: 'copy',
    sourceInput: 0,
    sources,
    dest,
    link: false,
    parents: false,
    exclude: [],
    extractArchives: false,
    followSymlinks: true,
    allowWildcard: true,
    allowEmptyWildcard: false,
    createDestPath: true,
    dirCopyContents: true,
    ...over,
  };
}

type CopyFields = Omit<Extract<FileAction, { action: 'copy' }>, 'action'>;

/** A source lookup with one source at input 0. */
export function sourcesOf(
  root: string,
  kind: CopySource['kind'] = 'local',
  description = 'the build context',
) {
  return (input: number | undefined): CopySource | undefined =>
    input === 0 ? { root, kind, description } : undefined;
}

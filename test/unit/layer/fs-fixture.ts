/**
 * Test helper: builds trees from the conformance data's operation lists, snapshots trees to
 * prove nothing changed, describes trees for equality checks (continuity's CheckDirectoryEqual
 * rules: paths, hardlink grouping, type, mode bits, uid/gid, xattrs, content, symlink targets
 * and device numbers; not timestamps), and lists trees in walk order.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

/** One operation of the conformance files (setup, lower, upper_changes, steps, overlay_upper). */
export interface FsOp {
  op: string;
  path?: string;
  target?: string;
  mode?: string;
  content?: string;
  content_hex?: string;
  from?: string;
  to?: string;
  atime?: string;
  mtime?: string;
  kind?: string;
  major?: number;
  minor?: number;
  xattrs?: Record<string, string>;
  no_parent_mkdir?: boolean;
}

/** Placeholder values of one case. */
export interface Placeholders {
  UNIQUE: string;
  OUTSIDE: string;
  PARENT: string;
}

/** Makes a fresh temporary directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `manifold-layer-${prefix}-`));
}

/** New placeholder values (OUTSIDE is created; PARENT is given). */
export function placeholders(parent: string): Placeholders {
  return { UNIQUE: randomBytes(6).toString('hex'), OUTSIDE: tempDir('outside'), PARENT: parent };
}

/** Replaces `${NAME}` placeholders. */
export function fill(text: string, ph: Placeholders): string {
  return text.replace(/\$\{(UNIQUE|OUTSIDE|PARENT)\}/g, (_, k: keyof Placeholders) => ph[k]);
}

function at(root: string | undefined, p: string): string {
  return root === undefined ? p : path.join(root, p);
}

/** Runs operations; paths are relative to `root` (a leading `/` too) or absolute when `root` is undefined. */
export async function runOps(
  root: string | undefined,
  ops: readonly FsOp[],
  ph?: Placeholders,
): Promise<void> {
  const f = (s: string | undefined) => (ph === undefined ? (s ?? '') : fill(s ?? '', ph));
  for (const o of ops) {
    const p = at(root, f(o.path));
    const mode = o.mode === undefined ? undefined : Number.parseInt(o.mode, 8);
    const parents = () => mkdirSync(path.dirname(p), { recursive: true, mode: 0o755 });
    switch (o.op) {
      case 'mkdir':
        mkdirSync(p, { recursive: true, mode: 0o755 });
        if (mode !== undefined) chmodSync(p, mode);
        for (const [k, v] of Object.entries(o.xattrs ?? {})) execFileSync('setfattr', ['-n', k, '-v', v, p]);
        break;
      case 'write':
        parents();
        writeFileSync(p, o.content_hex !== undefined ? Buffer.from(o.content_hex, 'hex') : (o.content ?? ''));
        if (mode !== undefined) chmodSync(p, mode);
        break;
      case 'symlink':
        if (!o.no_parent_mkdir) parents();
        symlinkSync(f(o.target), p);
        break;
      case 'link':
        parents();
        linkSync(at(root, f(o.target)), p);
        break;
      case 'remove':
        if (lstatSync(p).isDirectory()) rmSync(p, { recursive: false });
        else unlinkSync(p);
        break;
      case 'removeAll':
        rmSync(p, { recursive: true, force: true });
        break;
      case 'chmod':
        chmodSync(p, mode!);
        break;
      case 'rename':
        renameSync(at(root, f(o.from)), at(root, f(o.to)));
        break;
      case 'mksocket':
        parents();
        await makeSocket(p);
        break;
      case 'chtimes': {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the data's literal placeholder
        const t = (s: string | undefined) => (s === '${NOW}' ? new Date() : new Date(s!));
        utimesSync(p, t(o.atime), t(o.mtime));
        break;
      }
      case 'mknod':
        parents();
        execFileSync('mknod', [
          p,
          o.kind === 'block' ? 'b' : 'c',
          String(o.major ?? 0),
          String(o.minor ?? 0),
        ]);
        break;
      default:
        throw new Error(`unknown fixture op ${o.op}`);
    }
  }
}

/** Makes a unix socket file that outlives its server (Node unlinks the path it listened on). */
async function makeSocket(p: string): Promise<void> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(`${p}.tmp`, resolve));
  renameSync(`${p}.tmp`, p);
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Sorted names (by bytes). */
function names(dir: string): string[] {
  return readdirSync(dir).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** Everything under `dir` (type, mode, size, mtime, content hash, link target), excluding `exclude`. */
export function snapshotTree(dir: string, exclude?: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (abs: string, rel: string) => {
    for (const n of names(abs)) {
      const a = path.join(abs, n);
      if (a === exclude) continue;
      const r = rel === '' ? n : `${rel}/${n}`;
      const st = lstatSync(a, { bigint: true });
      let extra = '';
      if (st.isFile()) extra = createHash('sha256').update(readFileSync(a)).digest('hex');
      if (st.isSymbolicLink()) extra = readlinkSync(a);
      out.set(r, `${st.mode}:${st.uid}:${st.size}:${st.mtimeNs}:${st.nlink}:${extra}`);
      if (st.isDirectory()) walk(a, r);
    }
  };
  if (lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) walk(dir, '');
  return out;
}

/** Extended attributes of one file (symlink not followed), all namespaces. */
export function xattrsOf(p: string): Map<string, Buffer> {
  const text = execFileSync('getfattr', ['-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', p], {
    encoding: 'latin1',
  });
  const out = new Map<string, Buffer>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (line.startsWith('#') || eq <= 0) continue;
    out.set(line.slice(0, eq), Buffer.from(line.slice(eq + 3), 'hex'));
  }
  return out;
}

/** A description of the tree for equality (no timestamps); hardlinks as "link to first name". */
export function describeTree(dir: string, options: { xattrs?: boolean } = {}): Map<string, string> {
  const out = new Map<string, string>();
  const inodes = new Map<bigint, string>();
  const walk = (abs: string, rel: string) => {
    for (const n of names(abs)) {
      const a = path.join(abs, n);
      const r = rel === '' ? n : `${rel}/${n}`;
      const st = lstatSync(a, { bigint: true });
      const first = !st.isDirectory() && st.nlink > 1n ? inodes.get(st.ino) : undefined;
      if (!st.isDirectory() && st.nlink > 1n && first === undefined) inodes.set(st.ino, r);
      let body = '';
      if (first !== undefined) body = `hardlink->${first}`;
      else if (st.isFile()) body = createHash('sha256').update(readFileSync(a)).digest('hex');
      else if (st.isSymbolicLink()) body = `symlink->${readlinkSync(a)}`;
      else if (st.isCharacterDevice() || st.isBlockDevice()) body = `rdev=${st.rdev}`;
      const perm = st.isSymbolicLink() ? 'l' : (st.mode & 0o177777n).toString(8);
      const x = options.xattrs ? [...xattrsOf(a)].map(([k, v]) => `${k}=${v.toString('hex')}`).join(',') : '';
      out.set(r, `${perm} ${st.uid}:${st.gid} ${body} ${x}`.trim());
      if (st.isDirectory()) walk(a, r);
    }
  };
  walk(dir, '');
  return out;
}

/** The tree in walk order, directories ending with `/`. */
export function walkListing(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string) => {
    for (const n of names(abs)) {
      const a = path.join(abs, n);
      const r = rel === '' ? n : `${rel}/${n}`;
      const isDir = lstatSync(a).isDirectory();
      out.push(isDir ? `${r}/` : r);
      if (isDir) walk(a, r);
    }
  };
  walk(dir, '');
  return out;
}

/** Copies a tree preserving everything (`cp -a`). */
export function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  execFileSync('cp', ['-a', `${from}/.`, `${to}/`]);
}

/** Whether this process is root in the initial user namespace. */
export function privileges(): { root: boolean; initialUserns: boolean } {
  const root = process.getuid?.() === 0;
  let initialUserns = false;
  try {
    initialUserns = /^\s*0\s+0\s+4294967295\s*$/.test(readFileSync('/proc/self/uid_map', 'utf8'));
  } catch {
    initialUserns = false;
  }
  return { root, initialUserns };
}

/** True when a program is on PATH. */
export function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A Writable that keeps what it receives. */
export function collector(): { sink: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  return {
    sink: new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    }),
    bytes: () => Buffer.concat(chunks),
  };
}

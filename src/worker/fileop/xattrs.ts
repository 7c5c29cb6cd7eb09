/**
 * Extended attributes of copied entries. Node has no xattr calls, so a copy reads the attributes
 * of all its sources with `getfattr -R` (one process per batch of sources, symlinks not followed)
 * and sets them with `setfattr` only on entries that have some. As in BuildKit, an attribute the
 * destination refuses is not an error; it is reported as skipped. Overlayfs's own attributes
 * (`trusted.overlay.*`, `user.overlay.*`) are never copied.
 */
import { spawn } from 'node:child_process';
import { SystemToolError } from '../../layer/index.js';
import { parseGetfattrDump, setXattrs } from '../../layer/system-tools.js';

/** Host path → attribute name → value. */
export type XattrTable = ReadonlyMap<string, ReadonlyMap<string, Buffer>>;

const REFUSED_PREFIXES = ['trusted.overlay.', 'user.overlay.'];
/** Paths per getfattr call, well below the argument-size limit. */
const BATCH = 256;

/** Reads the attributes of every entry under `roots` (files or directories). */
export async function readXattrs(roots: readonly string[]): Promise<XattrTable> {
  const table = new Map<string, Map<string, Buffer>>();
  for (let i = 0; i < roots.length; i += BATCH) {
    const dump = await getfattr(roots.slice(i, i + BATCH));
    for (const [file, attrs] of parseGetfattrDump(dump)) {
      for (const key of attrs.keys()) if (REFUSED_PREFIXES.some((p) => key.startsWith(p))) attrs.delete(key);
      if (attrs.size > 0) table.set(file, attrs);
    }
  }
  return table;
}

/** Sets `attrs` on `target` (not following a symlink); returns the names the file system refused. */
export async function writeXattrs(target: string, attrs: ReadonlyMap<string, Buffer>): Promise<string[]> {
  try {
    return (await setXattrs(target, attrs)).map((r) => `${r.key} (${r.failure})`);
  } catch (err) {
    if (err instanceof SystemToolError && /not found on PATH/.test(err.message)) throw err;
    return [...attrs.keys()].map((k) => `${k} (${err instanceof Error ? err.message : String(err)})`);
  }
}

function getfattr(paths: readonly string[]): Promise<string> {
  const args = ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', '--', ...paths];
  return new Promise((resolve, reject) => {
    const child = spawn('getfattr', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new SystemToolError('getfattr', e.code === 'ENOENT' ? 'program not found on PATH' : e.message, {
          cause: e,
          hint: e.code === 'ENOENT' ? "install Debian's attr package, or copy without xattrs" : undefined,
        }),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('latin1'));
      else
        reject(
          new SystemToolError(
            'getfattr',
            `cannot read extended attributes: ${Buffer.concat(err).toString('utf8').trim()}`,
          ),
        );
    });
  });
}

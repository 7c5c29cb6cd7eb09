/**
 * The few filesystem calls Node 20 lacks, done by standard programs: device nodes and fifos
 * (`mknod`, coreutils), and extended attributes (`setfattr`/`getfattr`, Debian's `attr`
 * package). Each call spawns a process, so callers use them only where a layer needs them
 * (devices, fifos, entries with xattrs, overlay whiteouts and opaque directories), and read a
 * whole tree's attributes with one `getfattr -R`. A missing program is `E_LAYER_SYSTEM_TOOL`
 * with a hint naming the package; nothing silently falls back.
 */
import { spawn } from 'node:child_process';
import { SystemToolError } from './errors.js';

/** Node kinds {@link makeNode} creates. */
export type NodeKind = 'char' | 'block' | 'fifo';

interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

const PACKAGE_OF: Record<string, string> = { mknod: 'coreutils', setfattr: 'attr', getfattr: 'attr' };

function run(tool: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e: NodeJS.ErrnoException) => {
      const missing = e.code === 'ENOENT';
      reject(
        new SystemToolError(tool, missing ? 'program not found on PATH' : e.message, {
          cause: e,
          hint: missing ? `install Debian's ${PACKAGE_OF[tool] ?? tool} package` : undefined,
        }),
      );
    });
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8').trim(),
      }),
    );
  });
}

/** Creates a device node or fifo with `mknod` (mode is set separately by the caller). */
export async function makeNode(target: string, kind: NodeKind, major = 0, minor = 0): Promise<void> {
  const args = ['-m', '0600', '--', target, kind === 'fifo' ? 'p' : kind === 'char' ? 'c' : 'b'];
  if (kind !== 'fifo') args.push(String(major), String(minor));
  const r = await run('mknod', args);
  if (r.code !== 0)
    throw new SystemToolError('mknod', `cannot create ${kind} node ${JSON.stringify(target)}: ${r.stderr}`);
}

/** Why setting one attribute failed, when it did. */
export type XattrFailure = 'unsupported' | 'not-permitted';

/**
 * Sets extended attributes on `target` without following a symlink there. Returns the keys
 * that the filesystem refused as unsupported or not permitted; other failures throw.
 */
export async function setXattrs(
  target: string,
  xattrs: ReadonlyMap<string, Uint8Array>,
): Promise<Array<{ key: string; failure: XattrFailure }>> {
  const refused: Array<{ key: string; failure: XattrFailure }> = [];
  for (const [key, value] of xattrs) {
    const args = ['-h', '-n', key];
    if (value.length > 0) args.push('-v', `0x${Buffer.from(value).toString('hex')}`);
    args.push('--', target);
    const r = await run('setfattr', args);
    if (r.code === 0) continue;
    if (/not supported/i.test(r.stderr)) refused.push({ key, failure: 'unsupported' });
    else if (/not permitted/i.test(r.stderr)) refused.push({ key, failure: 'not-permitted' });
    else throw new SystemToolError('setfattr', `cannot set ${key} on ${JSON.stringify(target)}: ${r.stderr}`);
  }
  return refused;
}

/**
 * Reads the extended attributes whose names match `pattern` (a POSIX extended regular
 * expression, as `getfattr -m` takes) of every file under `dir`, symlinks not followed.
 * Returns absolute path → (name → value). Files without a matching attribute are absent.
 */
export async function readTreeXattrs(
  dir: string,
  pattern: string,
): Promise<Map<string, Map<string, Buffer>>> {
  const r = await run('getfattr', [
    '-R',
    '-P',
    '-h',
    '-d',
    '-m',
    pattern,
    '-e',
    'hex',
    '--absolute-names',
    '--',
    dir,
  ]);
  if (r.code !== 0) {
    throw new SystemToolError(
      'getfattr',
      `cannot read extended attributes under ${JSON.stringify(dir)}: ${r.stderr}`,
    );
  }
  return parseGetfattrDump(r.stdout.toString('latin1'));
}

/** Parses `getfattr -d -e hex` output (file names octal-escaped, values hex). */
export function parseGetfattrDump(text: string): Map<string, Map<string, Buffer>> {
  const out = new Map<string, Map<string, Buffer>>();
  let current: Map<string, Buffer> | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = new Map();
      out.set(unescapeOctal(line.slice('# file: '.length)), current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current === undefined || eq <= 0) continue;
    const key = line.slice(0, eq);
    const raw = line.slice(eq + 1);
    current.set(
      key,
      raw.startsWith('0x') ? Buffer.from(raw.slice(2), 'hex') : Buffer.from(raw.replace(/^"|"$/g, '')),
    );
  }
  for (const [file, attrs] of out) if (attrs.size === 0) out.delete(file);
  return out;
}

/** Undoes getfattr's `\ooo` escapes; the text was read as latin1 so each char is one byte. */
function unescapeOctal(s: string): string {
  const bytes = Buffer.from(
    s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8))),
    'latin1',
  );
  return bytes.toString('utf8');
}

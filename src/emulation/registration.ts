/**
 * binfmt_misc registration lines, as the kernel's `register` file and systemd's binfmt.d files
 * take them: `:name:type:offset:magic:mask:interpreter:flags`. The first character is the field
 * separator (`:` in practice); `type` is `M` (match magic bytes at offset) or `E` (match a file
 * name extension); magic and mask may hold `\xHH` escapes, which are decoded to bytes here. Flags
 * are letters: `F` (open the interpreter at registration, so it works inside containers), `P`
 * (preserve argv[0]), `O` (pass an open file), `C` (credentials of the binary).
 *
 * Debian's qemu-user-static ships one line per architecture in /usr/lib/binfmt.d/qemu-<name>.conf.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BinfmtConfError } from './errors.js';

/** The fields of one registration. */
export interface BinfmtRegistration {
  readonly name: string;
  readonly type: 'M' | 'E';
  readonly offset: number;
  /** Magic bytes (type M) or the extension's bytes (type E). */
  readonly magic: Buffer;
  /** The mask; undefined means all ones. */
  readonly mask: Buffer | undefined;
  readonly interpreter: string;
  /** Flag letters in the order given, e.g. `OPF`. */
  readonly flags: string;
}

/** Parses one registration line; `source` names where it came from in errors. */
export function parseRegistration(line: string, source = 'binfmt registration'): BinfmtRegistration {
  const text = line.trim();
  const sep = text[0];
  if (sep === undefined) throw new BinfmtConfError(source, line, 'the line is empty');
  const fields = text.slice(1).split(sep);
  if (fields.length < 6 || fields.length > 7) {
    throw new BinfmtConfError(
      source,
      line,
      `expected 7 fields separated by "${sep}", found ${fields.length}`,
    );
  }
  const [name = '', type = '', offset = '', magic = '', mask = '', interpreter = '', flags = ''] = fields;
  if (name === '' || name === '.' || name === '..' || name.includes('/')) {
    throw new BinfmtConfError(source, line, `"${name}" is not a valid entry name`);
  }
  if (type !== 'M' && type !== 'E')
    throw new BinfmtConfError(source, line, `type must be M or E, not "${type}"`);
  if (offset !== '' && !/^\d+$/.test(offset)) {
    throw new BinfmtConfError(source, line, `offset must be a number, not "${offset}"`);
  }
  if (magic === '') throw new BinfmtConfError(source, line, 'the magic (or extension) is empty');
  if (interpreter === '') throw new BinfmtConfError(source, line, 'the interpreter is empty');
  if (!/^[POCF]*$/.test(flags)) throw new BinfmtConfError(source, line, `unknown flags "${flags}"`);
  return {
    name,
    type,
    offset: offset === '' ? 0 : Number.parseInt(offset, 10),
    magic: unescapeBytes(magic),
    mask: mask === '' ? undefined : unescapeBytes(mask),
    interpreter,
    flags,
  };
}

/** The line that registers `reg` (every magic and mask byte as `\xHH`, offset 0 left empty as Debian writes it). */
export function formatRegistration(reg: BinfmtRegistration): string {
  const magic = reg.type === 'E' ? reg.magic.toString('latin1') : escapeBytes(reg.magic);
  const mask = reg.mask ? escapeBytes(reg.mask) : '';
  return `:${reg.name}:${reg.type}:${reg.type === 'E' || reg.offset === 0 ? '' : reg.offset}:${magic}:${mask}:${reg.interpreter}:${reg.flags}`;
}

/** `reg` with every letter of `required` among its flags (appended in that order when missing). */
export function withFlags(reg: BinfmtRegistration, required: string): BinfmtRegistration {
  let flags = reg.flags;
  for (const f of required) if (!flags.includes(f)) flags += f;
  return flags === reg.flags ? reg : { ...reg, flags };
}

/**
 * Reads the first registration line of `<confDir>/qemu-<qemuName>.conf` (lines starting with `#`
 * or `;` are comments); undefined when the file does not exist.
 */
export async function readQemuConf(
  confDir: string,
  qemuName: string,
): Promise<BinfmtRegistration | undefined> {
  const file = path.join(confDir, `qemu-${qemuName}.conf`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const line = text.split('\n').find((l) => l.trim() !== '' && !/^\s*[#;]/.test(l));
  if (line === undefined) throw new BinfmtConfError(file, '', 'the file holds no registration line');
  return parseRegistration(line, file);
}

/** The path of the binfmt.d definition of a qemu architecture name. */
export function qemuConfPath(confDir: string, qemuName: string): string {
  return path.join(confDir, `qemu-${qemuName}.conf`);
}

function unescapeBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 2, i + 4);
    if (text[i] === '\\' && text[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 3;
    } else {
      bytes.push(text.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

function escapeBytes(bytes: Buffer): string {
  return [...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
}

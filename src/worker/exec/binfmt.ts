/**
 * Reading binfmt_misc (`/proc/sys/fs/binfmt_misc`): the kernel's table of interpreters for
 * foreign executables. The `status` file says whether the whole mechanism is enabled; each other
 * file (except `register`) is one entry:
 *
 *     enabled
 *     interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
 *     flags: POF
 *     offset 0
 *     magic 7f454c460201010000000000000000000200b700
 *     mask ffffffffffffff00fffffffffffffffffeffffff
 *
 * An entry matches a file when, for every byte i of the magic, `file[offset+i] & mask[i]` equals
 * `magic[i] & mask[i]` (no mask means all ones); the first enabled match wins. Flags: `F` opens
 * the interpreter at registration (so it works inside a container's mount namespace), `P`
 * preserves argv[0], `O` and `C` pass an open file and credentials.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The default mount point of binfmt_misc. */
export const BINFMT_MISC_DIR = '/proc/sys/fs/binfmt_misc';

/** One binfmt_misc entry. */
export interface BinfmtEntry {
  /** The entry's file name, e.g. `qemu-aarch64`. */
  readonly name: string;
  readonly enabled: boolean;
  readonly interpreter: string;
  /** Flag letters, e.g. `POF`. */
  readonly flags: string;
  readonly offset: number;
  /** Magic bytes; undefined for an extension-based entry. */
  readonly magic?: Buffer;
  readonly mask?: Buffer;
}

/**
 * Every entry under `dir`; empty when binfmt_misc is not mounted there or its `status` says
 * `disabled`. Unreadable entries are skipped.
 */
export function readBinfmtEntries(dir: string = BINFMT_MISC_DIR): BinfmtEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const status = readText(path.join(dir, 'status'));
  if (status !== undefined && status.trim() === 'disabled') return [];
  const entries: BinfmtEntry[] = [];
  for (const name of names.sort()) {
    if (name === 'status' || name === 'register') continue;
    const text = readText(path.join(dir, name));
    if (text !== undefined) entries.push(parseBinfmtEntry(name, text));
  }
  return entries;
}

/** Parses the text of one entry file. */
export function parseBinfmtEntry(name: string, text: string): BinfmtEntry {
  let enabled = false;
  let interpreter = '';
  let flags = '';
  let offset = 0;
  let magic: Buffer | undefined;
  let mask: Buffer | undefined;
  for (const line of text.split('\n')) {
    const [key = '', ...rest] = line.trim().split(/\s+/);
    const value = rest.join(' ');
    if (key === 'enabled') enabled = true;
    else if (key === 'interpreter') interpreter = value;
    else if (key === 'flags:') flags = value;
    else if (key === 'offset') offset = Number.parseInt(value, 10) || 0;
    else if (key === 'magic') magic = Buffer.from(value, 'hex');
    else if (key === 'mask') mask = Buffer.from(value, 'hex');
  }
  return {
    name,
    enabled,
    interpreter,
    flags,
    offset,
    ...(magic ? { magic } : {}),
    ...(mask ? { mask } : {}),
  };
}

/** The first enabled magic entry that matches `header` (the first bytes of an executable). */
export function matchBinfmt(entries: readonly BinfmtEntry[], header: Uint8Array): BinfmtEntry | undefined {
  return entries.find((e) => e.enabled && e.magic !== undefined && magicMatches(e, header));
}

function magicMatches(entry: BinfmtEntry, header: Uint8Array): boolean {
  const magic = entry.magic;
  if (!magic || magic.length === 0) return false;
  for (let i = 0; i < magic.length; i++) {
    const at = entry.offset + i;
    if (at >= header.length) return false;
    const m = entry.mask?.[i] ?? 0xff;
    if (((header[at] ?? 0) & m) !== ((magic[i] ?? 0) & m)) return false;
  }
  return true;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * `COPY --chmod` values, as BuildKit reads them.
 *
 * - Octal (`755`, `0644`, `4755`; at most `7777`): every copied file and directory gets exactly
 *   these bits, the source's set-id and sticky bits included (they are replaced, not kept).
 *   Directories the copy creates as parents get them too (BuildKit ≥ 0.21, fsutil #228).
 * - Symbolic, chmod(1)/BSD `setmode` grammar with a umask of 0 (`tonistiigi/dchapes-mode`; the
 *   LLB `modeStr` field, stable in the Dockerfile frontend since 1.14.0): comma-separated clauses `[ugoa]*([-+=]([rwxXst]*|[ugo]))+`. No `who` means
 *   `a`. `=` clears the class's bits first. `X` adds execute only to directories and to files that
 *   already have an execute bit (as the mode stands at that point). `s` sets set-uid for `u` and
 *   set-gid for `g`; `t` sets the sticky bit unless the clause names only `o`. A permission copy
 *   (`g=u`) takes the bits another class has at that point. Created parent directories keep 0755.
 *
 * The mode is applied to the source entry's mode; symlinks are never chmod'ed.
 */
import { ChmodError } from './errors.js';

/** A parsed `--chmod`. */
export type ChmodSpec =
  | { readonly kind: 'octal'; readonly mode: number }
  | { readonly kind: 'symbolic'; readonly clauses: readonly SymbolicClause[] };

/** One `who op perms` step of a symbolic mode. */
interface SymbolicOp {
  readonly op: '+' | '-' | '=';
  /** Permission letters (`rwxXst`), or the class whose bits are copied (`u`, `g`, `o`). */
  readonly perms: string;
}

interface SymbolicClause {
  /** Classes named (`ugoa`), empty for none. */
  readonly who: string;
  readonly ops: readonly SymbolicOp[];
}

const CLASS_MASK: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o0007, a: 0o6777 };
const CLASS_SHIFT: Record<string, number> = { u: 6, g: 3, o: 0 };

/** Parses a `--chmod` value; throws {@link ChmodError}. */
export function parseChmod(value: string): ChmodSpec {
  if (/^[0-9]+$/.test(value)) {
    if (!/^[0-7]+$/.test(value)) throw new ChmodError(value, 'an octal mode has only the digits 0 to 7');
    const mode = Number.parseInt(value, 8);
    if (mode > 0o7777) throw new ChmodError(value, 'an octal mode is at most 7777');
    return { kind: 'octal', mode };
  }
  const clauses = value.split(',').map((text) => parseClause(value, text));
  return { kind: 'symbolic', clauses };
}

function parseClause(value: string, text: string): SymbolicClause {
  const m = /^([ugoa]*)((?:[-+=](?:[ugo]|[rwxXst]*))+)$/.exec(text);
  if (!m) {
    throw new ChmodError(
      value,
      `"${text}" is not a symbolic mode clause ([ugoa]* followed by +, - or = and letters from rwxXst)`,
    );
  }
  const ops: SymbolicOp[] = [];
  const re = /([-+=])([ugo]|[rwxXst]*)/g;
  for (let op = re.exec(m[2]!); op !== null; op = re.exec(m[2]!)) {
    ops.push({ op: op[1] as SymbolicOp['op'], perms: op[2]! });
  }
  return { who: m[1]!, ops };
}

/**
 * The permission bits (`0o7777` part) a copied entry gets: `mode` is the source's bits.
 * Without a spec they are kept.
 */
export function applyChmod(spec: ChmodSpec | undefined, mode: number, isDir: boolean): number {
  const bits = mode & 0o7777;
  if (spec === undefined) return bits;
  if (spec.kind === 'octal') return spec.mode;
  let out = bits;
  for (const clause of spec.clauses) {
    for (const op of clause.ops) out = applyOp(clause.who, op, out, isDir);
  }
  return out;
}

function applyOp(who: string, op: SymbolicOp, current: number, isDir: boolean): number {
  const classes = who === '' ? 'a' : who;
  let mask = 0;
  for (const c of classes) mask |= CLASS_MASK[c]!;
  const onlyOther = who !== '' && [...who].every((c) => c === 'o');
  let perm = 0;
  if (/^[ugo]$/.test(op.perms)) {
    const shift = CLASS_SHIFT[op.perms]!;
    const triple = (current >> shift) & 0o7;
    perm = (triple << 6) | (triple << 3) | triple;
  } else {
    for (const p of op.perms) perm |= permBits(p, current, isDir, onlyOther);
  }
  if (op.perms.includes('t') && !onlyOther) mask |= 0o1000;
  switch (op.op) {
    case '+':
      return current | (perm & mask);
    case '-':
      return current & ~(perm & mask);
    default:
      return (current & ~mask) | (perm & mask);
  }
}

function permBits(p: string, current: number, isDir: boolean, onlyOther: boolean): number {
  switch (p) {
    case 'r':
      return 0o444;
    case 'w':
      return 0o222;
    case 'x':
      return 0o111;
    case 'X':
      return isDir || (current & 0o111) !== 0 ? 0o111 : 0;
    case 's':
      return onlyOther ? 0 : 0o6000;
    default:
      return onlyOther ? 0 : 0o1000;
  }
}

/** The mode for directories a copy creates as parents: the octal `--chmod`, else 0755. */
export function createdDirMode(spec: ChmodSpec | undefined): number {
  return spec?.kind === 'octal' ? spec.mode : 0o755;
}

/**
 * `RUN --mount=…` values, as BuildKit reads them: comma-separated `key=value` fields (a bare key
 * is `key=true`), `type` defaulting to `bind`, `target` (also `dst`, `destination`), `source`
 * (`src`), `from`, `readonly` (`ro`; `rw`/`readwrite` clear it), and per type `id`, `sharing`,
 * `mode`, `uid`, `gid`, `size`, `required`, `env`.
 */
import { splitCsvRecord } from '../../gofmt/index.js';

/** A parsed --mount, before its `from` is resolved to a state. */
export interface ParsedMount {
  readonly type: 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
  readonly target?: string;
  readonly source?: string;
  readonly from?: string;
  /** Undefined when neither readonly nor rw was written (bind mounts then default to read-only). */
  readonly readonly?: boolean;
  readonly id?: string;
  readonly sharing?: 'shared' | 'private' | 'locked';
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly size?: number;
  readonly required: boolean;
  readonly env?: string;
}

const TYPES = new Set(['bind', 'cache', 'tmpfs', 'secret', 'ssh']);

/**
 * Parses one --mount value; returns the mount or the problem in words. `expand` (the stage's
 * word expansion) is applied to each field's value, as BuildKit does, not to the whole text.
 */
export function parseMount(
  value: string,
  expand: (word: string) => string = (w) => w,
): ParsedMount | { problem: string } {
  const fields = new Map<string, string>();
  for (const field of splitCsvRecord(value)) {
    if (field === '') continue;
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    fields.set(canonicalKey(key), eq < 0 ? 'true' : expand(field.slice(eq + 1)));
  }
  const type = (fields.get('type') ?? 'bind').toLowerCase();
  if (!TYPES.has(type))
    return { problem: `unsupported mount type "${type}": use bind, cache, tmpfs, secret or ssh` };
  for (const key of fields.keys()) {
    if (!KNOWN_KEYS.has(key)) return { problem: `unexpected key "${key}" in --mount=${value}` };
  }
  const target = fields.get('target');
  if (!target && (type === 'bind' || type === 'cache' || type === 'tmpfs')) {
    return { problem: `mount type ${type} needs a target: write --mount=type=${type},target=/path` };
  }
  const num = (key: string, base: number): number | undefined | { problem: string } => {
    const text = fields.get(key);
    if (text === undefined) return undefined;
    const n = Number.parseInt(text, base);
    return Number.isNaN(n) ? { problem: `invalid ${key} "${text}" in --mount` } : n;
  };
  const misplaced = misplacedKey(type, fields);
  if (misplaced) return { problem: misplaced };
  const sharing = fields.get('sharing');
  if (sharing !== undefined && sharing !== 'shared' && sharing !== 'private' && sharing !== 'locked') {
    return { problem: `unsupported sharing value "${sharing}": use shared, private or locked` };
  }
  const mode = num('mode', 8);
  const uid = num('uid', 10);
  const gid = num('gid', 10);
  const size = parseSize(fields.get('size'));
  for (const n of [mode, uid, gid, size]) if (typeof n === 'object') return n;
  const readonly = fields.has('readonly')
    ? fields.get('readonly') !== 'false'
    : fields.has('rw')
      ? fields.get('rw') === 'false'
      : undefined;
  const defined = <K extends string, V>(key: K, v: V | undefined) =>
    v === undefined ? {} : ({ [key]: v } as { [P in K]: V });
  return {
    type: type as ParsedMount['type'],
    ...defined('readonly', readonly),
    required: fields.get('required') === 'true',
    ...defined('target', target),
    ...defined('source', fields.get('source')),
    ...defined('from', fields.get('from')),
    ...defined('id', fields.get('id')),
    ...defined('sharing', sharing as ParsedMount['sharing']),
    ...defined('mode', mode as number | undefined),
    ...defined('uid', uid as number | undefined),
    ...defined('gid', gid as number | undefined),
    ...defined('size', size as number | undefined),
    ...defined('env', fields.get('env')),
  };
}

/** BuildKit's checks of which keys a mount type takes. */
function misplacedKey(type: string, fields: ReadonlyMap<string, string>): string | undefined {
  if (fields.has('required') && type !== 'secret' && type !== 'ssh')
    return `unexpected key 'required' for mount type '${type}'`;
  if (fields.has('size') && type !== 'tmpfs') return `unexpected key 'size' for mount type '${type}'`;
  if (type === 'bind' || type === 'tmpfs') {
    for (const key of ['mode', 'uid', 'gid'])
      if (fields.has(key)) return `${key} not allowed for "${type}" type mounts`;
  }
  if (fields.has('sharing') && type !== 'cache') return `invalid cache sharing set for ${type} mount`;
  if (type === 'secret') {
    if (fields.has('from')) return 'secret mount should not have a from';
    if (fields.has('source') && fields.has('id')) return "both source and id can't be set";
    if (!fields.has('source') && !fields.has('target') && !fields.has('id'))
      return 'invalid secret mount. one of source, target required';
  }
  return undefined;
}

const KNOWN_KEYS = new Set([
  'type',
  'target',
  'source',
  'from',
  'readonly',
  'rw',
  'id',
  'sharing',
  'mode',
  'uid',
  'gid',
  'size',
  'required',
  'env',
]);

function canonicalKey(key: string): string {
  switch (key) {
    case 'dst':
    case 'destination':
      return 'target';
    case 'src':
      return 'source';
    case 'ro':
      return 'readonly';
    case 'readwrite':
      return 'rw';
    default:
      return key;
  }
}

function parseSize(text: string | undefined): number | undefined | { problem: string } {
  if (text === undefined) return undefined;
  const m = /^(\d+)([kmg]?)b?$/i.exec(text);
  if (!m) return { problem: `invalid size "${text}" in --mount` };
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Number(m[1]) * mult;
}

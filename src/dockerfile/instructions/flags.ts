/**
 * Instruction flags (`--from=builder`, `--link`), checked the way BuildKit checks them: each
 * instruction takes a fixed set; string flags need a value and may be given once, list flags
 * (`--mount`, `--exclude`) any number of times, boolean flags take no value or `true`/`false`.
 */

/** The kind of value a flag takes. */
export type FlagKind = 'string' | 'bool' | 'list';

/** The flags one instruction accepts. */
export type FlagSpec = Readonly<Record<string, FlagKind>>;

/** Parsed flag values. */
export interface ParsedFlags {
  string(name: string): string | undefined;
  bool(name: string): boolean;
  list(name: string): string[];
}

/** The flags each instruction accepts. */
export const INSTRUCTION_FLAGS: Readonly<Record<string, FlagSpec>> = {
  from: { platform: 'string' },
  run: { mount: 'list', network: 'string', security: 'string' },
  copy: { from: 'string', chown: 'string', chmod: 'string', link: 'bool', parents: 'bool', exclude: 'list' },
  add: {
    chown: 'string',
    chmod: 'string',
    link: 'bool',
    'keep-git-dir': 'bool',
    checksum: 'string',
    exclude: 'list',
    unpack: 'bool',
  },
  healthcheck: {
    interval: 'string',
    timeout: 'string',
    'start-period': 'string',
    'start-interval': 'string',
    retries: 'string',
  },
};

/**
 * Parses `flags` against `spec`; returns the values or the problem in BuildKit's words
 * (`unknown flag: --foo`), with a hint naming the flags the instruction takes (and the closest
 * one to a misspelt flag). `instruction` names the instruction in the hint (e.g. `COPY`).
 */
export function parseFlags(
  flags: readonly string[],
  spec: FlagSpec,
  instruction = 'this instruction',
): ParsedFlags | { problem: string; hint: string } {
  const strings = new Map<string, string>();
  const bools = new Map<string, boolean>();
  const lists = new Map<string, string[]>();
  for (const flag of flags) {
    const body = flag.replace(/^--/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const value = eq < 0 ? undefined : body.slice(eq + 1);
    const kind = spec[name];
    if (!kind) return { problem: `unknown flag: --${name}`, hint: unknownFlagHint(name, spec, instruction) };
    if (kind === 'bool') {
      const lower = value?.toLowerCase();
      if (value === '')
        return { problem: `missing a value on flag: --${name}`, hint: `write --${name} or --${name}=false` };
      if (lower !== undefined && lower !== 'true' && lower !== 'false') {
        return {
          problem: `expecting boolean value for flag --${name}, not: ${value}`,
          hint: `write --${name} or --${name}=false`,
        };
      }
      bools.set(name, lower !== 'false');
    } else if (value === undefined) {
      return { problem: `missing a value on flag: --${name}`, hint: `write --${name}=VALUE` };
    } else if (kind === 'string') {
      if (strings.has(name))
        return { problem: `duplicate flag specified: --${name}`, hint: `give --${name} once` };
      strings.set(name, value);
    } else {
      lists.set(name, [...(lists.get(name) ?? []), value]);
    }
  }
  return {
    string: (n) => strings.get(n),
    bool: (n) => bools.get(n) ?? false,
    list: (n) => lists.get(n) ?? [],
  };
}

function unknownFlagHint(name: string, spec: FlagSpec, instruction: string): string {
  const known = Object.keys(spec);
  if (known.length === 0) {
    return `${instruction} takes no flags (a word starting with -- before the arguments is read as one): to pass --${name} to the command, use the JSON form, e.g. ${instruction} ["--${name}", "…"]`;
  }
  const near = known.find((k) => k.startsWith(name) || name.startsWith(k) || nearlyEqual(k, name));
  return `${near ? `did you mean --${near}? ` : ''}${instruction} takes ${known.map((k) => `--${k}`).join(', ')}`;
}

/** One edit (insert, delete, substitute or swap of neighbours) apart. */
function nearlyEqual(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const rest = (x: string, n: number) => x.slice(i + n);
  if (a.length === b.length) {
    if (rest(a, 1) === rest(b, 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a, 2) === rest(b, 2);
  }
  return a.length > b.length ? rest(a, 1) === rest(b, 0) : rest(a, 0) === rest(b, 1);
}

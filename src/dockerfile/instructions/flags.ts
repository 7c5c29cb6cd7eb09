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
 * (`unknown flag: --foo`), with a hint.
 */
export function parseFlags(
  flags: readonly string[],
  spec: FlagSpec,
): ParsedFlags | { problem: string; hint: string } {
  const strings = new Map<string, string>();
  const bools = new Map<string, boolean>();
  const lists = new Map<string, string[]>();
  const allowed = Object.keys(spec)
    .map((n) => `--${n}`)
    .join(', ');
  for (const flag of flags) {
    const body = flag.replace(/^--/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const value = eq < 0 ? undefined : body.slice(eq + 1);
    const kind = spec[name];
    if (!kind) {
      return {
        problem: `unknown flag: --${name}`,
        hint: allowed ? `this instruction takes ${allowed}` : 'this instruction takes no flags',
      };
    }
    if (kind === 'bool') {
      if (value !== undefined && value !== 'true' && value !== 'false') {
        return {
          problem: `expecting boolean value for flag --${name}, not: ${value}`,
          hint: `write --${name} or --${name}=false`,
        };
      }
      bools.set(name, value !== 'false');
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

/**
 * Output formatting shared by the image commands: a small subset of Go's `text/template` for
 * `--format`, and docker's human units.
 *
 * Templates: text with `{{ … }}` actions (`{{-` and `-}}` trim the whitespace beside them). An
 * action is a pipeline of commands separated by `|` (the previous value becomes the last
 * argument). Operands: `.` (the data), field chains `.Name`, `.Manifest.Digest`,
 * `.Image.Config.Env` (a field matches an object member case-insensitively, ignoring `.` and
 * `_`, so `.OSVersion` finds `os.version`), `"strings"`, `` `raw strings` `` and integers.
 * Functions: `json` (Go's `json.MarshalIndent` with two spaces, as buildx and docker define it),
 * `print`, `println`, `index MAP KEY`, `upper`, `lower`, `join LIST SEP`. A missing member
 * prints `<no value>` and null `<nil>`, as Go does; an object printed without `json` is printed as
 * `json` would (Go would print its internal struct form).
 *
 * Units: {@link humanSize} is docker's `units.HumanSizeWithPrecision(n, 3)` (decimal, `7.8MB`)
 * and {@link humanDuration} docker's `units.HumanDuration` (`2 hours`, `About a minute`).
 */
import { ManifoldError } from '../errors/index.js';
import { type GoValue, goMarshalIndent } from '../gofmt/index.js';

/** A `--format` template that cannot be parsed or run (`E_FORMAT_TEMPLATE`). */
export class FormatTemplateError extends ManifoldError {
  constructor(template: string, problem: string) {
    super('E_FORMAT_TEMPLATE', `template ${JSON.stringify(template)}: ${problem}`, {
      hint: 'supported: {{.Field}}, {{.A.B}}, {{json .}}, {{println}}, {{index .Map "key"}}, pipelines with |, and {{- -}} trimming',
    });
    this.name = 'FormatTemplateError';
  }
}

type Operand =
  | { readonly kind: 'field'; readonly path: readonly string[] }
  | { readonly kind: 'literal'; readonly value: GoValue }
  | { readonly kind: 'func'; readonly name: string };

type Command = readonly Operand[];
type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly pipeline: readonly Command[] };

/** A parsed template. */
export interface Template {
  readonly source: string;
  readonly nodes: readonly Node[];
}

const FUNCS = new Set(['json', 'print', 'println', 'index', 'upper', 'lower', 'join']);

/** Parses a template. @throws FormatTemplateError */
export function parseTemplate(source: string): Template {
  const nodes: Node[] = [];
  let pos = 0;
  let trimNext = false;
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    let text = source.slice(pos, open < 0 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      if (text !== '') nodes.push({ kind: 'text', text });
      break;
    }
    const trimLeft = /^\{\{-\s/.test(source.slice(open, open + 4));
    if (trimLeft) text = text.replace(/\s+$/, '');
    if (text !== '') nodes.push({ kind: 'text', text });
    const close = findClose(source, open + 2);
    if (close < 0) throw new FormatTemplateError(source, 'unclosed action: a "{{" has no "}}"');
    const trimRight = /\s-$/.test(source.slice(open + 2, close));
    const body = source.slice(open + (trimLeft ? 3 : 2), trimRight ? close - 1 : close).trim();
    if (body !== '' && !body.startsWith('/*'))
      nodes.push({ kind: 'action', pipeline: parsePipeline(source, body) });
    trimNext = trimRight;
    pos = close + 2;
  }
  return { source, nodes };
}

/** Index of the `}}` closing the action that starts at `from` (quotes respected). */
function findClose(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === '`') {
      const end = c === '`' ? s.indexOf('`', i + 1) : stringLiteralEnd(s, i);
      if (end < 0) return -1;
      i = end;
    } else if (c === '}' && s[i + 1] === '}') {
      return i;
    }
  }
  return -1;
}

function stringLiteralEnd(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

function parsePipeline(source: string, body: string): Command[] {
  const commands: Command[] = [];
  let current: Operand[] = [];
  const re =
    /\s*(?:("(?:[^"\\]|\\.)*")|(`[^`]*`)|(\|)|(\.(?:[A-Za-z_][A-Za-z0-9_]*)?(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|(-?\d+)|([A-Za-z_][A-Za-z0-9_]*))/y;
  let pos = 0;
  while (pos < body.length) {
    re.lastIndex = pos;
    const m = re.exec(body);
    if (m === null || m[0].trim() === '') {
      if (body.slice(pos).trim() === '') break;
      throw new FormatTemplateError(
        source,
        `cannot parse ${JSON.stringify(body.slice(pos).trim())} in {{${body}}}`,
      );
    }
    pos = re.lastIndex;
    if (m[1] !== undefined) current.push({ kind: 'literal', value: JSON.parse(m[1]) as string });
    else if (m[2] !== undefined) current.push({ kind: 'literal', value: m[2].slice(1, -1) });
    else if (m[3] !== undefined) {
      if (current.length === 0)
        throw new FormatTemplateError(source, `empty command before "|" in {{${body}}}`);
      commands.push(current);
      current = [];
    } else if (m[4] !== undefined)
      current.push({ kind: 'field', path: m[4] === '.' ? [] : m[4].slice(1).split('.') });
    else if (m[5] !== undefined) current.push({ kind: 'literal', value: Number(m[5]) });
    else if (m[6] !== undefined) {
      const name = m[6];
      if (!FUNCS.has(name))
        throw new FormatTemplateError(
          source,
          `function "${name}" not defined (available: ${[...FUNCS].join(', ')})`,
        );
      current.push({ kind: 'func', name });
    }
  }
  if (current.length === 0) throw new FormatTemplateError(source, `empty command in {{${body}}}`);
  commands.push(current);
  return commands;
}

/** True when the template reads anything under `field` at the top (or the whole data). */
export function templateUses(template: Template, field: string): boolean {
  const want = normalizeKey(field);
  return template.nodes.some(
    (n) =>
      n.kind === 'action' &&
      n.pipeline.some((c) =>
        c.some(
          (o) => o.kind === 'field' && (o.path.length === 0 || normalizeKey(o.path[0] as string) === want),
        ),
      ),
  );
}

/** Runs a template over `data`. @throws FormatTemplateError */
export function executeTemplate(template: Template, data: GoValue | undefined): string {
  let out = '';
  for (const node of template.nodes) {
    if (node.kind === 'text') {
      out += node.text;
      continue;
    }
    let value: GoValue | undefined;
    let first = true;
    for (const command of node.pipeline) {
      value = runCommand(template.source, command, data, first ? [] : [value]);
      first = false;
    }
    out += printValue(value);
  }
  return out;
}

function runCommand(
  source: string,
  command: Command,
  data: GoValue | undefined,
  piped: (GoValue | undefined)[],
): GoValue | undefined {
  const [head, ...rest] = command;
  if (head === undefined) return undefined;
  if (head.kind !== 'func') {
    if (rest.length > 0 || piped.length > 0)
      throw new FormatTemplateError(source, "can't give arguments to a non-function value");
    return operandValue(source, head, data);
  }
  const args = [...rest.map((o) => operandValue(source, o, data)), ...piped];
  return callFunc(source, head.name, args);
}

function operandValue(source: string, o: Operand, data: GoValue | undefined): GoValue | undefined {
  if (o.kind === 'literal') return o.value;
  if (o.kind === 'func') return callFunc(source, o.name, []);
  let v = data;
  for (const name of o.path) {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw new FormatTemplateError(
        source,
        `can't evaluate field ${name} in a ${Array.isArray(v) ? 'list' : typeof v}`,
      );
    }
    v = member(v as { readonly [k: string]: GoValue | undefined }, name);
  }
  return v;
}

function normalizeKey(k: string): string {
  return k.toLowerCase().replace(/[._-]/g, '');
}

function member(obj: { readonly [k: string]: GoValue | undefined }, name: string): GoValue | undefined {
  if (Object.hasOwn(obj, name)) return obj[name];
  const want = normalizeKey(name);
  const key = Object.keys(obj).find((k) => normalizeKey(k) === want);
  return key === undefined ? undefined : obj[key];
}

function callFunc(source: string, name: string, args: (GoValue | undefined)[]): GoValue | undefined {
  switch (name) {
    case 'json':
      if (args.length !== 1) throw new FormatTemplateError(source, 'json takes one argument');
      return goMarshalIndent(args[0] === undefined ? null : (args[0] as GoValue), '', '  ');
    case 'print':
      return args.map(printValue).join(' ');
    case 'println':
      return `${args.map(printValue).join(' ')}\n`;
    case 'upper':
    case 'lower': {
      const s = printValue(args[0]);
      return name === 'upper' ? s.toUpperCase() : s.toLowerCase();
    }
    case 'join': {
      const [list, sep] = args;
      if (!Array.isArray(list)) throw new FormatTemplateError(source, 'join takes a list and a separator');
      return list.map((v: GoValue) => printValue(v)).join(typeof sep === 'string' ? sep : '');
    }
    case 'index': {
      let v = args[0];
      for (const key of args.slice(1)) {
        if (v === undefined || v === null) return undefined;
        if (Array.isArray(v) && typeof key === 'number') v = (v as GoValue[])[key];
        else if (typeof v === 'object' && !Array.isArray(v) && typeof key === 'string')
          v = (v as { [k: string]: GoValue | undefined })[key];
        else throw new FormatTemplateError(source, `can't index ${typeof v} with ${JSON.stringify(key)}`);
      }
      return v;
    }
    default:
      throw new FormatTemplateError(source, `function "${name}" not defined`);
  }
}

function printValue(v: GoValue | undefined): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return goMarshalIndent(v, '', '  ');
}

const SIZE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** docker's `units.HumanSizeWithPrecision(bytes, 3)`: `178B`, `1.23kB`, `7.8MB`. */
export function humanSize(bytes: number): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < SIZE_UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return `${formatG(size, 3)}${SIZE_UNITS[i]}`;
}

/** Go's `%.<precision>g`. */
export function formatG(x: number, precision: number): string {
  if (x === 0) return '0';
  const [mantissa, expText] = x.toExponential(precision - 1).split('e') as [string, string];
  const exp = Number(expText);
  const strip = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= precision) {
    return `${strip(mantissa)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return strip(x.toFixed(Math.max(0, precision - 1 - exp)));
}

/** docker's `units.HumanDuration`. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

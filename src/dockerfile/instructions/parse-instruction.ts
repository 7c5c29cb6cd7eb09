/**
 * One parser node → one typed instruction, with BuildKit's argument rules and messages
 * ("COPY requires at least two arguments", "unknown instruction: FORM (did you mean FROM?)",
 * "unknown flag: --x"). An unknown keyword is refused before its flags are looked at.
 */
import type { InstructionNode } from '../parser/ast.js';
import { keyValuePairs } from '../parser/ast.js';
import type { DockerfileParseError } from '../parser/errors.js';
import { isKnownInstruction, unknownInstructionError } from '../parser/instructions.js';
import { parseGoDuration } from './duration.js';
import { instructionError } from './errors.js';
import { INSTRUCTION_FLAGS, type ParsedFlags, parseFlags } from './flags.js';
import type { ArgDeclaration, CommandLine, HealthcheckInstruction, Instruction } from './types.js';

/** Reads `node` as a typed instruction; throws a DockerfileParseError naming file and line. */
export function parseInstruction(node: InstructionNode, file: string): Instruction {
  const fail = (reason: string, hint?: string): DockerfileParseError =>
    instructionError(file, node, reason, hint);
  if (!isKnownInstruction(node.keyword)) throw unknownInstructionError(node, file);
  const flagResult = parseFlags(node.flags, INSTRUCTION_FLAGS[node.name] ?? {}, node.name.toUpperCase());
  if ('problem' in flagResult) throw fail(flagResult.problem, flagResult.hint);
  const flags: ParsedFlags = flagResult;
  const args = node.args;
  const need = (n: number, what: string) => {
    if (args.length < n || (n === 1 && args[0] === ''))
      throw fail(`${node.name.toUpperCase()} requires ${what}`);
  };
  switch (node.name) {
    case 'from': {
      if (args.length !== 1 && !(args.length === 3 && args[1]?.toLowerCase() === 'as')) {
        throw fail('FROM requires either one or three arguments', 'write FROM image [AS name]');
      }
      return {
        kind: 'from',
        node,
        image: args[0] ?? '',
        ...(args.length === 3 ? { stageName: (args[2] ?? '').toLowerCase() } : {}),
        ...optional('platform', flags.string('platform')),
      };
    }
    case 'arg':
      need(1, 'at least one argument');
      return { kind: 'arg', node, args: args.map((word) => parseArgWord(word, fail)) };
    case 'env':
    case 'label':
      if (args.length === 0) throw fail(`${node.name.toUpperCase()} requires at least one argument`);
      return { kind: node.name, node, pairs: keyValuePairs(node) };
    case 'run':
      need(1, 'at least one argument');
      return {
        kind: 'run',
        node,
        command: commandLine(node),
        heredocs: node.heredocs,
        mounts: flags.list('mount'),
        ...optional('network', flags.string('network')),
        ...optional('security', flags.string('security')),
      };
    case 'cmd':
    case 'entrypoint':
      return { kind: node.name, node, command: commandLine(node) };
    case 'copy':
    case 'add':
      return parseCopy(node, flags, fail);
    case 'workdir':
    case 'user':
    case 'stopsignal':
    case 'maintainer':
      if (args.length !== 1 || args[0] === '')
        throw fail(`${node.name.toUpperCase()} requires exactly one argument`);
      return { kind: node.name, node, value: args[0] ?? '' };
    case 'expose':
    case 'volume':
      need(1, 'at least one argument');
      return { kind: node.name, node, values: args.filter((a) => a !== '') };
    case 'shell':
      if (!node.json)
        throw fail('SHELL requires the arguments to be in JSON form', 'write SHELL ["/bin/sh", "-c"]');
      need(1, 'at least one argument');
      return { kind: 'shell', node, shell: args };
    case 'healthcheck':
      return parseHealthcheck(node, flags, fail);
    case 'onbuild':
      return parseOnbuild(node, fail);
    default:
      throw unknownInstructionError(node, file);
  }
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function commandLine(node: InstructionNode): CommandLine {
  return { args: node.args, shellForm: !node.json };
}

function parseArgWord(
  word: string,
  fail: (reason: string, hint?: string) => DockerfileParseError,
): ArgDeclaration {
  const eq = word.indexOf('=');
  const name = eq < 0 ? word : word.slice(0, eq);
  if (name === '') throw fail(`ARG names can not be blank: "${word}"`, 'write ARG NAME or ARG NAME=default');
  return eq < 0 ? { name } : { name, value: word.slice(eq + 1) };
}

function parseCopy(
  node: InstructionNode,
  flags: ParsedFlags,
  fail: (reason: string, hint?: string) => DockerfileParseError,
): Instruction {
  const name = node.name.toUpperCase();
  const args = node.args.filter((a) => a !== '');
  if (args.length < 2) {
    throw fail(
      `${name} requires at least two arguments, but only ${args.length === 1 ? 'one was' : 'none were'} provided. Destination could not be determined.`,
      `write ${name} SOURCE... DEST`,
    );
  }
  const common = {
    node,
    sources: args.slice(0, -1),
    dest: args[args.length - 1] ?? '',
    heredocs: node.heredocs,
    link: flags.bool('link'),
    parents: flags.bool('parents'),
    exclude: flags.list('exclude'),
    ...optional('chown', flags.string('chown')),
    ...optional('chmod', flags.string('chmod')),
  };
  if (node.name === 'copy') return { kind: 'copy', ...common, ...optional('from', flags.string('from')) };
  return {
    kind: 'add',
    ...common,
    ...optional('checksum', flags.string('checksum')),
    keepGitDir: flags.bool('keep-git-dir'),
  };
}

function parseHealthcheck(
  node: InstructionNode,
  flags: ParsedFlags,
  fail: (reason: string, hint?: string) => DockerfileParseError,
): HealthcheckInstruction {
  const [type = '', ...rest] = node.args;
  const upper = type.toUpperCase();
  if (upper === 'NONE') {
    if (rest.length > 0 || node.flags.length > 0) throw fail('HEALTHCHECK NONE takes no arguments');
    return { kind: 'healthcheck', node, test: ['NONE'] };
  }
  if (upper !== 'CMD')
    throw fail(
      `Unknown type "${type}" in HEALTHCHECK (try CMD)`,
      'write HEALTHCHECK [OPTIONS] CMD command, or HEALTHCHECK NONE',
    );
  if (rest.length === 0 || rest[0] === '') throw fail('Missing command after HEALTHCHECK CMD');
  const test = node.json ? ['CMD', ...rest] : ['CMD-SHELL', rest[0] ?? ''];
  const duration = (flag: string): number | undefined => {
    const text = flags.string(flag);
    if (text === undefined) return undefined;
    const ns = parseGoDuration(text);
    if (ns === undefined || ns < 0)
      throw fail(`invalid duration for --${flag}: "${text}"`, 'write a duration such as 30s, 1m30s or 500ms');
    return ns;
  };
  const retriesText = flags.string('retries');
  let retries: number | undefined;
  if (retriesText !== undefined) {
    retries = Number(retriesText);
    if (!Number.isInteger(retries) || retries < 0)
      throw fail(`--retries must be a non-negative integer, not "${retriesText}"`);
  }
  const result: HealthcheckInstruction = { kind: 'healthcheck', node, test };
  const fields = {
    interval: duration('interval'),
    timeout: duration('timeout'),
    startPeriod: duration('start-period'),
    startInterval: duration('start-interval'),
    retries,
  };
  return Object.assign(result, Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
}

function parseOnbuild(
  node: InstructionNode,
  fail: (reason: string, hint?: string) => DockerfileParseError,
): Instruction {
  const trigger = node.subInstruction;
  if (!trigger) throw fail('ONBUILD requires at least one argument');
  if (trigger.name === 'onbuild') throw fail("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (trigger.name === 'from' || trigger.name === 'maintainer') {
    throw fail(`${trigger.name.toUpperCase()} isn't allowed as an ONBUILD trigger`);
  }
  const expression = node.original.replace(/^\s*onbuild\s+/i, '').trim();
  return { kind: 'onbuild', node, expression };
}

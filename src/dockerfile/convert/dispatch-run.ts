/**
 * RUN: an exec op on the stage's file system, on the stage's platform, with the stage's user,
 * working directory and environment (its whole scope: ENV and declared ARGs), and its --mount,
 * --network and --security options.
 *
 * Shell form runs through SHELL (default `/bin/sh -c`). Heredocs, as BuildKit does them: when the
 * whole command is one heredoc word, its body (tabs chomped for `<<-`, never expanded) is the
 * command; a body starting with `#!` is instead written to a file mounted read-only at
 * `/dev/pipes/NAME` and that path is the command (still through the shell). Any other command
 * with heredocs is handed to the shell with the bodies and terminators appended, and the shell
 * reads them itself.
 *
 * History: `RUN |N NAME=value … ARGS # buildkit`, the prefix listing the declared ARGs.
 */
import { State, type StateMount, type VertexMeta } from '../../graph/index.js';
import { formatPlatform } from '../../platform/index.js';
import type { RunInstruction } from '../instructions/index.js';
import { chompHeredocContent, parseHeredocWord } from '../parser/index.js';
import type { DispatchContext } from './context.js';
import { DockerfileConvertError } from './errors.js';
import { parseMount } from './mounts.js';
import type { StageBuilder } from './stage-builder.js';

/** Where heredoc scripts are mounted, as BuildKit does. */
const HEREDOC_DIR = '/dev/pipes';

export async function dispatchRun(b: StageBuilder, ins: RunInstruction, ctx: DispatchContext): Promise<void> {
  const fail = (reason: string, hint?: string) => new DockerfileConvertError(b.file, ins.node, reason, hint);
  const network = ins.network ?? 'default';
  if (network !== 'default' && network !== 'none' && network !== 'host') {
    throw fail(`unsupported network mode "${network}"`, 'use --network=default, none or host');
  }
  const security = ins.security ?? 'sandbox';
  if (security !== 'sandbox' && security !== 'insecure') {
    throw fail(`unsupported security mode "${security}"`, 'use --security=sandbox or insecure');
  }
  const mounts: StateMount[] = [];
  for (const text of ins.mounts) mounts.push(await resolveMount(b, ins, text, ctx));
  const { args, scriptMount } = commandArgs(b, ins);
  if (scriptMount) mounts.push(scriptMount);
  const env = b.runEnv();
  // Proxy build args reach the command without an ARG, outside its cache key and history; an
  // ARG (or ENV) of the same name makes one an ordinary variable instead.
  const named = new Set(env.map((e) => e.slice(0, e.indexOf('='))));
  const proxyEnv = ctx
    .proxyArgs()
    .filter(([name]) => !named.has(name))
    .map(([name, value]) => `${name}=${value}`);
  const meta: VertexMeta = {
    name: ctx.vertexName(b, ins.node),
    location: { file: b.file, startLine: ins.node.startLine, endLine: ins.node.endLine },
    ...(ctx.ignoreCache(b) ? { ignoreCache: true } : {}),
    ...(proxyEnv.length > 0 ? { proxyEnv } : {}),
  };
  const historyArgs = b.runHistoryArgs();
  b.fs = b.fs.run(
    {
      args,
      env,
      cwd: b.cwd(),
      user: b.config.user,
      platform: formatPlatform(b.platform),
      network,
      security,
      mounts,
    },
    meta,
  );
  b.addHistory(`RUN ${[...historyArgs, ...args].join(' ')} # buildkit`, b.fs);
}

function commandArgs(b: StageBuilder, ins: RunInstruction): { args: string[]; scriptMount?: StateMount } {
  if (!ins.command.shellForm) return { args: [...ins.command.args] };
  const line = ins.command.args.join(' ');
  const [first] = ins.heredocs;
  if (first === undefined) return { args: [...b.shell(), line] };
  if (isSingleHeredoc(line)) {
    const body = first.chomp ? chompHeredocContent(first.content) : first.content;
    if (!body.startsWith('#!')) return { args: [...b.shell(), body] };
    const script = State.scratch().file([
      { action: 'mkfile', path: `/${first.name}`, data: body, mode: 0o755 },
    ]);
    return {
      args: [...b.shell(), `${HEREDOC_DIR}/${first.name}`],
      scriptMount: { type: 'bind', target: HEREDOC_DIR, from: script, readonly: true },
    };
  }
  const parts = [line, ...ins.heredocs.map((h) => `${h.content}${h.name}`)];
  return { args: [...b.shell(), parts.join('\n')] };
}

/** Whether the whole command line is one heredoc word (`<<EOF`, `<<-"EOF"`, `3<<EOF`). */
function isSingleHeredoc(line: string): boolean {
  try {
    return parseHeredocWord(line) !== undefined;
  } catch {
    return false;
  }
}

async function resolveMount(
  b: StageBuilder,
  ins: RunInstruction,
  text: string,
  ctx: DispatchContext,
): Promise<StateMount> {
  const parsed = parseMount(text, (word) => b.expand(word, ins.node));
  const fail = (reason: string) =>
    new DockerfileConvertError(
      b.file,
      ins.node,
      reason,
      'see the --mount syntax in the Dockerfile reference',
    );
  if ('problem' in parsed) throw fail(parsed.problem);
  const target = parsed.target ? absolute(b.cwd(), parsed.target) : undefined;
  if (target === '/' && parsed.type !== 'secret' && parsed.type !== 'ssh')
    throw fail('invalid mount target "/"');
  const opt = <K extends string, V>(key: K, v: V | undefined) =>
    v === undefined ? {} : ({ [key]: v } as { [P in K]: V });
  const source = parsed.source === undefined ? undefined : absolute('/', parsed.source);
  const sourcePath = source === '/' ? undefined : source;
  switch (parsed.type) {
    case 'bind': {
      const from = parsed.from ? await ctx.resolveFrom(parsed.from, ins.node, b, 'mount') : ctx.context();
      return {
        type: 'bind',
        target: target ?? '/',
        from,
        readonly: parsed.readonly ?? true,
        ...opt('source', sourcePath),
      };
    }
    case 'cache': {
      const from = parsed.from ? await ctx.resolveFrom(parsed.from, ins.node, b, 'mount') : undefined;
      return {
        type: 'cache',
        target: target ?? '/',
        id: parsed.id ?? target ?? '/',
        sharing: parsed.sharing ?? 'shared',
        ...(parsed.readonly ? { readonly: true } : {}),
        ...opt('from', from),
        ...opt('source', sourcePath),
        ...opt('mode', parsed.mode),
        ...opt('uid', parsed.uid),
        ...opt('gid', parsed.gid),
      };
    }
    case 'tmpfs':
      return { type: 'tmpfs', target: target ?? '/', ...opt('size', parsed.size) };
    case 'secret':
      return secretMount(parsed, fail);
    case 'ssh':
      return {
        type: 'ssh',
        id: parsed.id ?? 'default',
        target: target ?? '/run/buildkit/ssh_agent.0',
        required: parsed.required,
      };
  }
}

/**
 * A secret mount names its secret by id only (`source` wins over `id`, else the target's base
 * name); the file goes to `target`, by default `/run/secrets/<id's base name>`, or only into the
 * variable `env` when that is given without a target. The value never enters the graph.
 */
function secretMount(
  parsed: Exclude<ReturnType<typeof parseMount>, { problem: string }>,
  fail: (reason: string) => Error,
): StateMount {
  const target = parsed.target === undefined ? undefined : absolute('/', parsed.target);
  const id = parsed.source ?? parsed.id ?? (target === undefined ? undefined : baseName(target));
  if (!id) throw fail('one of source, target required');
  const dest =
    parsed.env !== undefined && target === undefined ? undefined : (target ?? `/run/secrets/${baseName(id)}`);
  const opt = <K extends string, V>(key: K, v: V | undefined) =>
    v === undefined ? {} : ({ [key]: v } as { [P in K]: V });
  return {
    type: 'secret',
    id,
    required: parsed.required,
    ...opt('target', dest),
    ...opt('env', parsed.env),
    ...opt('mode', parsed.mode),
    ...opt('uid', parsed.uid),
    ...opt('gid', parsed.gid),
  };
}

function baseName(p: string): string {
  return p.replace(/\/+$/, '').split('/').pop() || '/';
}

function absolute(cwd: string, p: string): string {
  const joined = p.startsWith('/') ? p : `${cwd.replace(/\/$/, '')}/${p}`;
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/**
 * RUN: an exec op on the stage's file system, on the stage's platform, with the stage's user,
 * working directory and environment (ENV plus declared ARGs), and its --mount, --network and
 * --security options. Heredocs: a RUN whose whole command is one heredoc runs its body as a
 * script (directly when it starts with `#!`, else through the shell); other heredocs are handed
 * to the shell with the command line, which reads them itself.
 */
import { State, type StateMount, type VertexMeta } from '../../graph/index.js';
import { formatPlatform } from '../../platform/index.js';
import type { RunInstruction } from '../instructions/index.js';
import { chompHeredocContent } from '../parser/index.js';
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
  for (const text of ins.mounts) mounts.push(await resolveMount(b, ins, b.expand(text, ins.node), ctx));
  const { args, scriptMount } = commandArgs(b, ins);
  if (scriptMount) mounts.push(scriptMount);
  const meta: VertexMeta = {
    name: ctx.vertexName(b, ins.node),
    location: { file: b.file, startLine: ins.node.startLine, endLine: ins.node.endLine },
    ...(ctx.ignoreCache(b) ? { ignoreCache: true } : {}),
  };
  b.fs = b.fs.run(
    {
      args,
      env: b.runEnv(),
      cwd: b.cwd(),
      user: b.config.user,
      platform: formatPlatform(b.platform),
      network,
      security,
      mounts,
    },
    meta,
  );
  b.addHistory(`RUN ${args.join(' ')} # buildkit`, b.fs);
}

function commandArgs(b: StageBuilder, ins: RunInstruction): { args: string[]; scriptMount?: StateMount } {
  if (!ins.command.shellForm) return { args: [...ins.command.args] };
  const line = ins.command.args[0] ?? '';
  const heredocs = ins.heredocs;
  const only = heredocs.length === 1 ? heredocs[0] : undefined;
  if (only && /^\s*\d*<<-?\s*["']?[A-Za-z0-9_.-]+["']?\s*$/.test(line)) {
    const body = only.chomp ? chompHeredocContent(only.content) : only.content;
    if (body.startsWith('#!')) {
      const path = `${HEREDOC_DIR}/${only.name}`;
      const script = State.scratch().file([
        { action: 'mkfile', path: `/${only.name}`, data: body, mode: 0o755 },
      ]);
      return {
        args: [path],
        scriptMount: { type: 'bind', target: HEREDOC_DIR, from: script, readonly: true },
      };
    }
    return { args: [...b.shell(), body] };
  }
  if (heredocs.length === 0) return { args: [...b.shell(), line] };
  const parts = [line, ...heredocs.map((h) => `${h.content}${h.name}`)];
  return { args: [...b.shell(), parts.join('\n')] };
}

async function resolveMount(
  b: StageBuilder,
  ins: RunInstruction,
  text: string,
  ctx: DispatchContext,
): Promise<StateMount> {
  const parsed = parseMount(text);
  const fail = (reason: string) =>
    new DockerfileConvertError(
      b.file,
      ins.node,
      reason,
      'see the --mount syntax in the Dockerfile reference',
    );
  if ('problem' in parsed) throw fail(parsed.problem);
  const target = parsed.target ? absolute(b.cwd(), parsed.target) : undefined;
  const opt = <K extends string, V>(key: K, v: V | undefined) =>
    v === undefined ? {} : ({ [key]: v } as { [P in K]: V });
  switch (parsed.type) {
    case 'bind': {
      const from = parsed.from ? await ctx.resolveFrom(parsed.from, ins.node, b) : ctx.context();
      return {
        type: 'bind',
        target: target ?? '/',
        from,
        readonly: parsed.readonly ?? true,
        ...opt('source', parsed.source),
      };
    }
    case 'cache': {
      const from = parsed.from ? await ctx.resolveFrom(parsed.from, ins.node, b) : undefined;
      return {
        type: 'cache',
        target: target ?? '/',
        id: parsed.id ?? target ?? '/',
        sharing: parsed.sharing ?? 'shared',
        ...(parsed.readonly ? { readonly: true } : {}),
        ...opt('from', from),
        ...opt('source', parsed.source),
        ...opt('mode', parsed.mode),
        ...opt('uid', parsed.uid),
        ...opt('gid', parsed.gid),
      };
    }
    case 'tmpfs':
      return { type: 'tmpfs', target: target ?? '/', ...opt('size', parsed.size) };
    case 'secret': {
      const id = parsed.id ?? (parsed.target ? parsed.target.split('/').pop() : undefined);
      if (!id) throw fail('a secret mount needs an id or a target: write --mount=type=secret,id=NAME');
      const secretTarget = parsed.env && !parsed.target ? undefined : (target ?? `/run/secrets/${id}`);
      return {
        type: 'secret',
        id,
        required: parsed.required,
        ...opt('target', secretTarget),
        ...opt('env', parsed.env),
        ...opt('mode', parsed.mode),
        ...opt('uid', parsed.uid),
        ...opt('gid', parsed.gid),
      };
    }
    case 'ssh':
      return {
        type: 'ssh',
        id: parsed.id ?? 'default',
        target: target ?? '/run/buildkit/ssh_agent.0',
        required: parsed.required,
      };
  }
}

function absolute(cwd: string, p: string): string {
  if (p.startsWith('/')) return p;
  return `${cwd.replace(/\/$/, '')}/${p}`;
}

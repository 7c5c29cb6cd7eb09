/**
 * Readable one-line summaries of build graphs, for table tests: one line per vertex, inputs
 * first (the marshal order), inputs shown as `#N`, their position in the list.
 *
 * - `image REF PLATFORM`, `local NAME [exclude=…]`, `http URL [checksum=…]`
 * - `exec PLATFORM ["args"] on #N|scratch [env=A=1,B=2] [cwd=/x] [user=u] [network=none]
 *   [security=insecure] [mounts=…]` — env without PATH (the base image's, checked elsewhere);
 *   mounts as `bind #N:/src->/target ro`, `cache id=ID->/target shared [ro] [from #N]`,
 *   `tmpfs->/target [size=N]`, `secret id=ID->/target [env=NAME] [required]`, `ssh id=ID->/target`
 * - `file on #N|scratch: ACTION; ACTION` with `copy #N:/src -> /dest [flags]`,
 *   `mkdir /path 0755 [chown=u]`, `mkfile /path 0644 "data"`, `rm /path`. The base of a file op
 *   is its first input unless every input is a copy source (then it is scratch).
 */
import type { Definition, ExecMount, FileAction, Vertex } from '../../../src/graph/index.js';

/** One line per vertex, inputs first, with inputs shown by their position in the list. */
export function summarize(def: Definition): string[] {
  const order = [...def.vertices.keys()];
  return [...def.vertices.values()].map((v) => line(v, order));
}

function line(v: Vertex, order: readonly string[]): string {
  const inputs = v.inputs.map((i) => `#${order.indexOf(i)}`);
  const op = v.op;
  switch (op.kind) {
    case 'image':
      return `image ${op.ref} ${op.platform}`;
    case 'local':
      return `local ${op.name}${op.exclude.length ? ` exclude=${op.exclude.join(',')}` : ''}`;
    case 'http':
      return `http ${op.url}${op.checksum ? ` checksum=${op.checksum}` : ''}`;
    case 'exec': {
      const env = op.env.filter((e) => !e.startsWith('PATH='));
      const mounts = op.mounts.slice(1).map((m) => mount(m, inputs));
      return [
        `exec ${op.platform} ${JSON.stringify(op.args)} on ${inputs[0] ?? 'scratch'}`,
        env.length ? ` env=${env.join(',')}` : '',
        op.cwd !== '/' ? ` cwd=${op.cwd}` : '',
        op.user ? ` user=${op.user}` : '',
        op.network !== 'default' ? ` network=${op.network}` : '',
        op.security !== 'sandbox' ? ` security=${op.security}` : '',
        mounts.length ? ` mounts=${mounts.join(' | ')}` : '',
      ].join('');
    }
    case 'file': {
      const sources = new Set(
        op.actions.flatMap((a) =>
          a.action === 'copy' && a.sourceInput !== undefined ? [a.sourceInput] : [],
        ),
      );
      const hasBase = v.inputs.length > sources.size;
      return `file on ${hasBase ? inputs[0] : 'scratch'}: ${op.actions.map((a) => action(a, inputs)).join('; ')}`;
    }
  }
}

function mount(m: ExecMount, inputs: readonly string[]): string {
  const from = (input: number | undefined) => (input === undefined ? 'scratch' : inputs[input]);
  switch (m.type) {
    case 'layer':
    case 'bind':
      return `bind ${from(m.input)}:${m.source ?? '/'}->${m.target}${m.readonly ? ' ro' : ''}`;
    case 'cache':
      return `cache id=${m.id}->${m.target} ${m.sharing}${m.readonly ? ' ro' : ''}${m.input === undefined ? '' : ` from ${from(m.input)}`}`;
    case 'tmpfs':
      return `tmpfs->${m.target}${m.size === undefined ? '' : ` size=${m.size}`}`;
    case 'secret':
      return `secret id=${m.id}->${m.target ?? '(none)'}${m.env ? ` env=${m.env}` : ''}${m.required ? ' required' : ''}`;
    case 'ssh':
      return `ssh id=${m.id}->${m.target}`;
  }
}

function action(a: FileAction, inputs: readonly string[]): string {
  const chown = (c: { user: string; group?: string } | undefined) =>
    c ? ` chown=${c.user}${c.group === undefined ? '' : `:${c.group}`}` : '';
  switch (a.action) {
    case 'copy': {
      const flags = [
        a.chmod ? `chmod=${a.chmod}` : '',
        a.link ? 'link' : '',
        a.parents ? 'parents' : '',
        a.exclude.length ? `exclude=${a.exclude.join(',')}` : '',
        a.extractArchives ? 'extract' : '',
        a.allowWildcard ? '' : 'nowildcard',
      ].filter(Boolean);
      const from = a.sourceInput === undefined ? 'scratch' : inputs[a.sourceInput];
      return `copy ${from}:${a.sources.join(',')} -> ${a.dest}${chown(a.chown)}${flags.length ? ` ${flags.join(' ')}` : ''}`;
    }
    case 'mkdir':
      return `mkdir ${a.path} ${a.mode.toString(8).padStart(4, '0')}${chown(a.chown)}`;
    case 'mkfile':
      return `mkfile ${a.path} ${a.mode.toString(8).padStart(4, '0')}${chown(a.chown)} ${JSON.stringify(a.data)}`;
    case 'rm':
      return `rm ${a.path}`;
  }
}

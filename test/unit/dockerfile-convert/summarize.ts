/** Readable one-line summaries of build graphs, for table tests. */
import type { Definition, Vertex } from '../../../src/graph/index.js';

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
      const mounts = op.mounts.slice(1).map((m) => `${m.type}:${'target' in m ? m.target : ''}`);
      return [
        `exec ${op.platform} ${JSON.stringify(op.args)} on ${inputs[0] ?? 'scratch'}`,
        env.length ? ` env=${env.join(',')}` : '',
        op.cwd !== '/' ? ` cwd=${op.cwd}` : '',
        op.user ? ` user=${op.user}` : '',
        op.network !== 'default' ? ` network=${op.network}` : '',
        mounts.length ? ` mounts=${mounts.join(',')}` : '',
      ].join('');
    }
    case 'file': {
      const base =
        v.inputs.length > 0 && !op.actions.every((a) => a.action === 'copy' && a.sourceInput === 0) ? '' : '';
      const actions = op.actions.map((a) => {
        if (a.action === 'copy') {
          const from = a.sourceInput === undefined ? 'scratch' : inputs[a.sourceInput];
          return `copy ${from}:${a.sources.join(',')} -> ${a.dest}${a.chown ? ` chown=${a.chown.user}${a.chown.group ? `:${a.chown.group}` : ''}` : ''}${a.chmod ? ` chmod=${a.chmod}` : ''}`;
        }
        if (a.action === 'mkdir') return `mkdir ${a.path}`;
        if (a.action === 'mkfile') return `mkfile ${a.path} ${JSON.stringify(a.data)}`;
        return `rm ${a.path}`;
      });
      return `file ${actions.join('; ')}${base}`;
    }
  }
}

/**
 * COPY and ADD: a file op copying sources from the build context, another stage or an image
 * (`--from`) into the stage, with --chown, --chmod, --link, --parents and --exclude. Heredoc
 * sources become files made in place; ADD also fetches https URLs (with --checksum) and
 * extracts local tar archives. Destinations are relative to WORKDIR; several sources need a
 * destination directory ending in `/`, as in BuildKit.
 */
import path from 'node:path';
import { http, type State, type StateFileAction, type VertexMeta } from '../../graph/index.js';
import type { CopyInstruction } from '../instructions/index.js';
import { chompHeredocContent } from '../parser/index.js';
import type { DispatchContext } from './context.js';
import { DockerfileConvertError } from './errors.js';
import type { StageBuilder } from './stage-builder.js';

export async function dispatchCopy(
  b: StageBuilder,
  ins: CopyInstruction,
  ctx: DispatchContext,
): Promise<void> {
  const name = ins.kind.toUpperCase();
  const fail = (reason: string, hint?: string) => new DockerfileConvertError(b.file, ins.node, reason, hint);
  const heredocNames = new Map(ins.heredocs.map((h) => [h.name, h]));
  const sources = ins.sources.map((s) => (heredocWord(s, heredocNames) ? s : b.expand(s, ins.node)));
  let dest = b.expand(ins.dest, ins.node);
  const fromName = ins.kind === 'copy' && ins.from !== undefined ? b.expand(ins.from, ins.node) : undefined;
  const chown = ins.chown === undefined ? undefined : parseChown(b.expand(ins.chown, ins.node));
  const chmod = ins.chmod === undefined ? undefined : b.expand(ins.chmod, ins.node);
  if (
    chmod !== undefined &&
    !/^[0-7]{3,4}$/.test(chmod) &&
    !/^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$/.test(chmod)
  ) {
    throw fail(
      `invalid --chmod value "${chmod}"`,
      'write an octal mode such as 755, or a symbolic one such as u+x',
    );
  }
  const exclude = ins.exclude.map((e) => b.expand(e, ins.node));
  const isDirDest = dest.endsWith('/') || dest === '.' || dest.endsWith('/.');
  if (sources.length > 1 && !isDirDest) {
    throw fail(
      `When using ${name} with more than one source file, the destination must be a directory and end with a /`,
      `write the destination as ${dest}/`,
    );
  }
  dest = absoluteDest(b.cwd(), dest);
  const from = fromName === undefined ? ctx.context() : await ctx.resolveFrom(fromName, ins.node, b);

  const actions: StateFileAction[] = [];
  for (const source of sources) {
    const heredoc = heredocWord(source, heredocNames);
    if (heredoc) {
      const data = heredoc.chomp ? chompHeredocContent(heredoc.content) : heredoc.content;
      const body = heredoc.expand ? b.expand(data, ins.node) : data;
      const target = isDirDest ? path.posix.join(dest, heredoc.name) : dest;
      actions.push({
        action: 'mkfile',
        path: target,
        data: body,
        mode: chmodNumber(chmod) ?? 0o644,
        ...(chown ? { chown } : {}),
      });
      continue;
    }
    if (ins.kind === 'add' && /^https?:\/\//.test(source)) {
      const filename = urlFilename(source);
      const file = http(source, {
        filename,
        ...(ins.checksum ? { checksum: b.expand(ins.checksum, ins.node) } : {}),
      });
      actions.push(
        copyAction(file, [`/${filename}`], isDirDest ? path.posix.join(dest, filename) : dest, ins, false, {
          chown,
          chmod,
          exclude,
        }),
      );
      continue;
    }
    if (ins.kind === 'add' && (/^git@/.test(source) || /\.git(#.*)?$/.test(source))) {
      throw fail(
        `ADD of a git repository (${source}) is not supported yet`,
        'clone the repository into the build context and COPY it',
      );
    }
    if (ins.kind === 'add' && ins.checksum !== undefined) {
      throw fail(
        '--checksum is only supported for HTTP(S) sources',
        'remove --checksum, or ADD an https:// URL',
      );
    }
    actions.push(
      copyAction(from, [source], dest, ins, ins.kind === 'add' && fromName === undefined, {
        chown,
        chmod,
        exclude,
      }),
    );
  }
  const meta: VertexMeta = {
    name: ctx.vertexName(b, ins.node),
    location: { file: b.file, startLine: ins.node.startLine, endLine: ins.node.endLine },
    ...(ctx.ignoreCache(b) ? { ignoreCache: true } : {}),
  };
  b.fs = b.fs.file(actions, meta);
  const flags = fromName === undefined ? '' : `--from=${fromName} `;
  b.addHistory(`${name} ${flags}${sources.join(' ')} ${dest} # buildkit`, b.fs);
}

function heredocWord(word: string, heredocs: ReadonlyMap<string, CopyInstruction['heredocs'][number]>) {
  const m = /^\d*<<-?(["']?)([^"']+)\1$/.exec(word);
  return m ? heredocs.get(m[2] ?? '') : undefined;
}

function copyAction(
  from: State,
  sources: string[],
  dest: string,
  ins: CopyInstruction,
  extractArchives: boolean,
  opts: { chown: ReturnType<typeof parseChown> | undefined; chmod: string | undefined; exclude: string[] },
): StateFileAction {
  return {
    action: 'copy',
    from,
    sources,
    dest,
    link: ins.link,
    parents: ins.parents,
    exclude: opts.exclude,
    extractArchives,
    followSymlinks: true,
    allowWildcard: true,
    allowEmptyWildcard: false,
    createDestPath: true,
    dirCopyContents: true,
    ...(opts.chown ? { chown: opts.chown } : {}),
    ...(opts.chmod ? { chmod: opts.chmod } : {}),
  };
}

function absoluteDest(cwd: string, dest: string): string {
  const trailing = dest.endsWith('/') || dest === '.' || dest.endsWith('/.');
  const joined = dest.startsWith('/') ? path.posix.normalize(dest) : path.posix.join(cwd, dest);
  const clean = joined.length > 1 ? joined.replace(/\/+$/, '') : joined;
  return trailing && clean !== '/' ? `${clean}/` : clean;
}

/** `user[:group]` as written; names are resolved against the destination's /etc files later. */
export function parseChown(text: string): { user: string; group?: string } {
  const colon = text.indexOf(':');
  return colon < 0 ? { user: text } : { user: text.slice(0, colon), group: text.slice(colon + 1) };
}

function chmodNumber(chmod: string | undefined): number | undefined {
  return chmod !== undefined && /^[0-7]{3,4}$/.test(chmod) ? Number.parseInt(chmod, 8) : undefined;
}

function urlFilename(url: string): string {
  const pathname = new URL(url).pathname;
  const base = pathname.split('/').filter(Boolean).pop();
  return base ? decodeURIComponent(base) : '__unnamed__';
}

/**
 * COPY and ADD: one file op copying sources from the build context, another stage or an image
 * (`--from`, never expanded: see stage-graph.ts) into the stage, with --chown, --chmod, --link,
 * --parents and --exclude. As BuildKit does it:
 * - sources are expanded, then made absolute in their source (`bin/x` → `/bin/x`, trailing slash
 *   dropped; with --parents kept as written, for its `pivot/./pattern` form); wildcards are
 *   allowed and may match nothing;
 * - the destination is expanded and made absolute against WORKDIR, keeping a trailing slash
 *   (`.` is the working directory as a directory); several sources with a destination that does
 *   not end in `/` are not refused (the classic builder's rule; BuildKit copies them all);
 * - heredoc sources (`COPY <<EOF /etc/x`) become files made in scratch (mode 0644) and copied
 *   like any source (so --chmod, --chown and the destination rules apply), their bodies expanded
 *   (quotes kept as text) unless the terminator was quoted; ADD also fetches http(s) URLs (never unpacked) and unpacks local tar
 *   archives; COPY refuses URLs;
 * - history: `COPY [--parents] [--chown=…] [--chmod=…] SRC… [<<NAME…] DEST # buildkit`, with
 *   the sources and destination as written (after expansion).
 */
import path from 'node:path';
import { http, State, type StateFileAction, type VertexMeta } from '../../graph/index.js';
import type { CopyInstruction } from '../instructions/index.js';
import type { Heredoc } from '../parser/index.js';
import { chompHeredocContent, parseHeredocWord } from '../parser/index.js';
import type { DispatchContext } from './context.js';
import { DockerfileConvertError } from './errors.js';
import type { StageBuilder } from './stage-builder.js';

type Fail = (reason: string, hint?: string) => DockerfileConvertError;

export async function dispatchCopy(
  b: StageBuilder,
  ins: CopyInstruction,
  ctx: DispatchContext,
): Promise<void> {
  const name = ins.kind.toUpperCase();
  const fail: Fail = (reason, hint) => new DockerfileConvertError(b.file, ins.node, reason, hint);
  const heredocs = new Map(ins.heredocs.map((h) => [h.name, h]));
  const sourcePaths: string[] = [];
  const contents: Heredoc[] = [];
  for (const word of ins.sources) {
    const heredoc = heredocWord(word, heredocs);
    if (heredoc) contents.push(heredoc);
    else sourcePaths.push(b.expand(word, ins.node));
  }
  const destWritten = b.expand(ins.dest, ins.node);
  const chown = ins.chown === undefined ? undefined : b.expand(ins.chown, ins.node);
  const chmod = ins.chmod === undefined ? undefined : checkChmod(b.expand(ins.chmod, ins.node), fail);
  const checksum = ins.checksum === undefined ? undefined : b.expand(ins.checksum, ins.node);
  checkSources(ins, sourcePaths, checksum, fail);
  const exclude = ins.exclude.map((e) => b.expand(e, ins.node));
  const dest = absoluteDest(b.cwd(), destWritten);
  const from =
    ins.kind === 'copy' && ins.from !== undefined
      ? await ctx.resolveFrom(ins.from, ins.node, b, 'copy')
      : ctx.context();
  const opts: CopyOptions = { chown: chown === undefined ? undefined : parseChown(chown), chmod, exclude };

  const actions: StateFileAction[] = [];
  for (const source of sourcePaths) {
    if (ins.kind === 'add' && /^https?:\/\//.test(source)) {
      const filename = urlFilename(source);
      const file = http(source, { filename, ...(checksum ? { checksum } : {}) });
      actions.push({ ...copyAction(file, `/${filename}`, dest, ins, opts), ...URL_COPY });
      continue;
    }
    const extract = ins.kind === 'add' && ins.from === undefined;
    // With --parents the `pivot/./pattern` form is kept for the copy to read (BuildKit splits it).
    const written = ins.parents ? source : sourcePath(source);
    actions.push({ ...copyAction(from, written, dest, ins, opts), extractArchives: extract });
  }
  for (const heredoc of contents) {
    const data = heredoc.chomp ? chompHeredocContent(heredoc.content) : heredoc.content;
    const body = heredoc.expand ? b.expandRaw(data, ins.node) : data;
    const file = State.scratch().file([
      { action: 'mkfile', path: `/${heredoc.name}`, data: body, mode: 0o644 },
    ]);
    actions.push({ ...copyAction(file, `/${heredoc.name}`, dest, ins, opts), ...INLINE_COPY });
  }
  const meta: VertexMeta = {
    name: ctx.vertexName(b, ins.node),
    location: { file: b.file, startLine: ins.node.startLine, endLine: ins.node.endLine },
    ...(ctx.ignoreCache(b) ? { ignoreCache: true } : {}),
  };
  b.fs = b.fs.file(actions, meta);
  const flags = [
    ...(ins.parents ? ['--parents'] : []),
    ...(chown ? [`--chown=${chown}`] : []),
    ...(chmod ? [`--chmod=${chmod}`] : []),
  ];
  const written = [name, ...flags, ...sourcePaths, ...contents.map((h) => `<<${h.name}`), destWritten];
  b.addHistory(`${written.join(' ')} # buildkit`, b.fs);
}

/** A copy of a downloaded file: no wildcard, no symlinks to follow, nothing to unpack. */
const URL_COPY = {
  followSymlinks: false,
  allowWildcard: false,
  allowEmptyWildcard: false,
  dirCopyContents: false,
  extractArchives: false,
};

/** A copy of a heredoc's file, made in scratch as BuildKit does ("preparing inline document"). */
const INLINE_COPY = { ...URL_COPY, parents: false };

function heredocWord(word: string, heredocs: ReadonlyMap<string, Heredoc>): Heredoc | undefined {
  try {
    const marker = parseHeredocWord(word);
    return marker ? heredocs.get(marker.name) : undefined;
  } catch {
    return undefined;
  }
}

/** BuildKit's checks of URL and --checksum use. */
function checkSources(
  ins: CopyInstruction,
  sources: readonly string[],
  checksum: string | undefined,
  fail: Fail,
): void {
  if (ins.kind === 'copy') {
    const url = sources.find((s) => /^https?:\/\//.test(s));
    if (url) throw fail("source can't be a URL for COPY", `use ADD ${url} to download a file`);
  }
  for (const source of sources) {
    if (ins.kind === 'add' && (/^git@/.test(source) || /\.git(#.*)?$/.test(source))) {
      throw fail(
        `ADD of a git repository (${source}) is not supported yet`,
        'clone the repository into the build context and COPY it',
      );
    }
  }
  if (checksum === undefined) return;
  if (sources.length !== 1)
    throw fail(
      "checksum can't be specified for multiple sources",
      'ADD one URL per instruction when giving --checksum',
    );
  if (!/^https?:\/\//.test(sources[0] ?? ''))
    throw fail('checksum requires HTTP(S) or Git sources', 'remove --checksum, or ADD an https:// URL');
}

/** --chmod: octal up to 07777, or a symbolic mode such as `u+x,go=r`. */
function checkChmod(chmod: string, fail: Fail): string {
  const octal = `invalid chmod parameter: '${chmod}'. it should be octal string and between 0 and 07777`;
  const hint = 'write an octal mode such as 755 or 0644, or a symbolic one such as u+x,go=r';
  if (/^[0-7]+$/.test(chmod)) {
    if (Number.parseInt(chmod, 8) > 0o7777) throw fail(octal, hint);
    return chmod;
  }
  if (/^\d+$/.test(chmod)) throw fail(octal, hint);
  if (!/^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$/.test(chmod)) {
    throw fail(`invalid chmod parameter: '${chmod}'`, hint);
  }
  return chmod;
}

interface CopyOptions {
  readonly chown: ReturnType<typeof parseChown> | undefined;
  readonly chmod: string | undefined;
  readonly exclude: readonly string[];
}

function copyAction(from: State, source: string, dest: string, ins: CopyInstruction, opts: CopyOptions) {
  return {
    action: 'copy' as const,
    from,
    sources: [source],
    dest,
    link: ins.link,
    parents: ins.parents,
    exclude: [...opts.exclude],
    extractArchives: false,
    followSymlinks: true,
    allowWildcard: true,
    allowEmptyWildcard: true,
    createDestPath: true,
    dirCopyContents: true,
    ...(opts.chown ? { chown: opts.chown } : {}),
    ...(opts.chmod ? { chmod: opts.chmod } : {}),
  };
}

/** A source path as BuildKit hands it to the copy: absolute in its source, no trailing slash. */
function sourcePath(source: string): string {
  const clean = path.posix.normalize(`/${source}`);
  return clean.length > 1 ? clean.replace(/\/+$/, '') : clean;
}

function absoluteDest(cwd: string, dest: string): string {
  const trailing = dest === '' || dest === '.' || dest.endsWith('/') || dest.endsWith('/.');
  const joined = dest.startsWith('/') ? path.posix.normalize(dest) : path.posix.join(cwd, dest);
  const clean = joined.length > 1 ? joined.replace(/\/+$/, '') : joined;
  return trailing && clean !== '/' ? `${clean}/` : clean;
}

/** `user[:group]` as written; names are resolved against the destination's /etc files later. */
export function parseChown(text: string): { user: string; group?: string } {
  const colon = text.indexOf(':');
  return colon < 0 ? { user: text } : { user: text.slice(0, colon), group: text.slice(colon + 1) };
}

function urlFilename(url: string): string {
  const pathname = new URL(url).pathname;
  const base = pathname.split('/').filter(Boolean).pop();
  return base ? decodeURIComponent(base) : '__unnamed__';
}

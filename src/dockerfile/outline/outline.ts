/**
 * `--call=outline`: what a build of the target would ask of the user, as BuildKit's
 * `Dockerfile2Outline` reports it: the target's name and description, the build arguments it
 * uses with the values they would take (`--build-arg`, else the default) and their
 * descriptions, and the secrets and ssh sockets its RUN mounts need.
 *
 * An ARG counts as used when a stage the target needs declares it, or a FROM line of such a
 * stage reads it; a global ARG read by the default of a used one is used too. Automatic
 * platform ARGs are not listed. Everything is sorted by line. Text output is buildx's tables;
 * JSON output is BuildKit's `outline.Outline`.
 */
import { goMarshalIndent, tabwrite } from '../../gofmt/index.js';
import {
  type ArgInfo,
  DEFAULT_CHECK_CONFIG,
  Linter,
  locationJson,
  type MountUse,
  type StageState,
  sourceSnippet,
  type WalkOptions,
  walkDockerfile,
} from '../lint/index.js';
import { describedIn } from './descriptions.js';
import { DockerfileOutlineError } from './errors.js';

/** A build argument the target uses. */
export interface OutlineArg {
  readonly name: string;
  /** The value the build would use; `''` when it has none. */
  readonly value: string;
  readonly description: string;
  readonly line: number;
  readonly endLine: number;
}

/** A secret or ssh mount the target needs. */
export interface OutlineMount {
  readonly name: string;
  readonly required: boolean;
  readonly line: number;
  readonly endLine: number;
}

/** What `--call=outline` reports. */
export interface DockerfileOutline {
  /** The target stage's name; absent for an unnamed stage. */
  readonly name?: string;
  readonly description: string;
  readonly args: readonly OutlineArg[];
  readonly secrets: readonly OutlineMount[];
  readonly ssh: readonly OutlineMount[];
  readonly data: Uint8Array;
}

/** Options of {@link outlineDockerfile}: those of the walk, and the file's name as shown to the user. */
export interface OutlineOptions extends WalkOptions {
  readonly displayName?: string;
}

function collect<T>(
  state: StageState,
  pick: (s: StageState) => Iterable<T>,
  seen = new Set<StageState>(),
): T[] {
  if (seen.has(state)) return [];
  seen.add(state);
  const out = [...pick(state)];
  if (state.base) out.push(...collect(state.base, pick, seen));
  for (const dep of state.deps) out.push(...collect(dep, pick, seen));
  return out;
}

function usedArgs(target: StageState): OutlineArg[] {
  const visited = new Set<string>();
  const infos = collect(target, (s) => {
    s.outline.markAllUsed(s.outline.usedArgs);
    const found: ArgInfo[] = [];
    for (const name of s.outline.usedArgs) {
      const info = s.outline.allArgs.get(name);
      if (info && !visited.has(name)) {
        found.push(info);
        visited.add(name);
      }
    }
    return found;
  });
  infos.sort((a, b) => a.node.startLine - b.node.startLine || a.position - b.position);
  return infos.map((a) => ({
    name: a.name,
    value: a.value ?? '',
    description: describedIn(a.node.comments, a.name),
    line: a.node.startLine,
    endLine: a.node.endLine,
  }));
}

function mounts(target: StageState, which: 'secrets' | 'ssh'): OutlineMount[] {
  const visited = new Set<string>();
  const found = collect(target, (s) => {
    const out: [string, MountUse][] = [];
    for (const [name, use] of s.outline[which]) {
      if (visited.has(name)) continue;
      visited.add(name);
      out.push([name, use]);
    }
    return out;
  });
  return found
    .map(([name, use]) => ({
      name,
      required: use.required,
      line: use.node.startLine,
      endLine: use.node.endLine,
    }))
    .sort((a, b) => a.line - b.line);
}

/** Outlines the target of a Dockerfile. Throws {@link DockerfileOutlineError} when it cannot. */
export function outlineDockerfile(source: string | Uint8Array, options: OutlineOptions): DockerfileOutline {
  const data = typeof source === 'string' ? new TextEncoder().encode(source) : source;
  const walk = walkDockerfile(source, options, new Linter(DEFAULT_CHECK_CONFIG, false), false);
  const target = walk.target;
  if (walk.error || !target) {
    const text = new TextDecoder().decode(data);
    const where = sourceSnippet(
      options.displayName ?? options.file ?? 'Dockerfile',
      text,
      walk.error?.location ?? [],
    );
    throw new DockerfileOutlineError(`${walk.error?.message ?? 'no target stage'}\n${where}`);
  }
  const name = target.stage.name;
  return {
    ...(name === undefined ? {} : { name }),
    description: describedIn(target.stage.from.node.comments, name ?? ''),
    args: usedArgs(target),
    secrets: mounts(target, 'secrets'),
    ssh: mounts(target, 'ssh'),
    data,
  };
}

function mountsJson(list: readonly OutlineMount[]) {
  if (list.length === 0) return undefined;
  return list.map((m) => ({
    name: m.name,
    required: m.required || undefined,
    location: locationJson([{ start: m.line, end: m.endLine }]),
  }));
}

/** The outline as `--call=outline,format=json` prints it. */
export function formatOutlineJson(outline: DockerfileOutline): string {
  const value = {
    name: outline.name || undefined,
    description: outline.description || undefined,
    args:
      outline.args.length === 0
        ? undefined
        : outline.args.map((a) => ({
            name: a.name,
            description: a.description || undefined,
            value: a.value || undefined,
            location: locationJson([{ start: a.line, end: a.endLine }]),
          })),
    secrets: mountsJson(outline.secrets),
    ssh: mountsJson(outline.ssh),
    sources: [Buffer.from(outline.data).toString('base64')],
  };
  return `${goMarshalIndent(value, '', '  ')}\n`;
}

/** The outline as `--call=outline` prints it. */
export function formatOutlineText(outline: DockerfileOutline): string {
  let out = '';
  if (outline.name || outline.description) {
    let head = `TARGET:\t${outline.name || '(default)'}\n`;
    if (outline.description) head += `DESCRIPTION:\t${outline.description}\n`;
    out += `${tabwrite(head, { padding: 1 })}\n`;
  }
  if (outline.args.length > 0) {
    const rows = outline.args.map((a) => `${a.name}\t${a.value}\t${a.description}\n`).join('');
    out += `${tabwrite(`BUILD ARG\tVALUE\tDESCRIPTION\n${rows}`, { padding: 3 })}\n`;
  }
  for (const [title, list] of [
    ['SECRET', outline.secrets],
    ['SSH', outline.ssh],
  ] as const) {
    if (list.length === 0) continue;
    const rows = list.map((m) => `${m.name}\t${m.required ? 'true' : ''}\n`).join('');
    out += `${tabwrite(`${title}\tREQUIRED\n${rows}`, { padding: 3 })}\n`;
  }
  return out;
}

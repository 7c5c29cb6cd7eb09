/**
 * `--call=targets`: the stages of a Dockerfile, as BuildKit's `ListTargets` gives them: each
 * stage's name (lower case; none for an unnamed stage), its description (descriptions.ts), its
 * base and `--platform` as written (not expanded), its lines, and which one is built by default
 * (the last). Text output is buildx's two-column table, `(default)` marking the default stage;
 * JSON output is BuildKit's `targets.List`.
 */
import { goMarshalIndent, tabwrite } from '../../gofmt/index.js';
import { locationJson, readDockerfile, sourceSnippet } from '../lint/index.js';
import { describedIn } from './descriptions.js';
import { DockerfileOutlineError } from './errors.js';

/** One stage as `--call=targets` lists it. */
export interface TargetInfo {
  readonly name?: string;
  readonly default: boolean;
  readonly description: string;
  /** The base image or stage as written, e.g. `golang:${GO_VERSION}`. */
  readonly base: string;
  /** `FROM --platform=` as written, if given. */
  readonly platform?: string;
  readonly startLine: number;
  readonly endLine: number;
}

/** The stages of a Dockerfile and the Dockerfile itself. */
export interface TargetList {
  readonly targets: readonly TargetInfo[];
  readonly data: Uint8Array;
}

function toBytes(source: string | Uint8Array): Uint8Array {
  return typeof source === 'string' ? new TextEncoder().encode(source) : source;
}

/**
 * Lists the stages of a Dockerfile. Throws {@link DockerfileOutlineError} (BuildKit's message and
 * the source around it, the file named `displayName`) when it cannot be read.
 */
export function listTargets(
  source: string | Uint8Array,
  file = 'Dockerfile',
  displayName = file,
): TargetList {
  const data = toBytes(source);
  const read = readDockerfile(source, file);
  if (read.error) {
    const text = new TextDecoder().decode(data);
    throw new DockerfileOutlineError(
      `${read.error.message}\n${sourceSnippet(displayName, text, read.error.location)}`,
    );
  }
  const stages = read.stages.stages;
  const targets = stages.map((stage, i): TargetInfo => {
    const node = stage.from.node;
    return {
      ...(stage.name === undefined ? {} : { name: stage.name }),
      default: i === stages.length - 1,
      description: describedIn(node.comments, stage.name ?? ''),
      base: stage.from.image,
      ...(stage.from.platform === undefined ? {} : { platform: stage.from.platform }),
      startLine: node.startLine,
      endLine: node.endLine,
    };
  });
  return { targets, data };
}

/** The list as `--call=targets,format=json` prints it. */
export function formatTargetsJson(list: TargetList): string {
  const value = {
    targets: list.targets.map((t) => ({
      name: t.name || undefined,
      default: t.default || undefined,
      description: t.description || undefined,
      base: t.base || undefined,
      platform: t.platform || undefined,
      location: locationJson([{ start: t.startLine, end: t.endLine }]),
    })),
    sources: [Buffer.from(list.data).toString('base64')],
  };
  return `${goMarshalIndent(value, '', '  ')}\n`;
}

/** The list as `--call=targets` prints it. */
export function formatTargetsText(list: TargetList): string {
  let table = 'TARGET\tDESCRIPTION\n';
  for (const t of list.targets) {
    const name = t.default ? (t.name ? `${t.name} (default)` : '(default)') : (t.name ?? '');
    table += `${name}\t${t.description}\n`;
  }
  return tabwrite(table, { padding: 1 });
}

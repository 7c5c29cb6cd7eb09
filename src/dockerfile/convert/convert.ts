/**
 * Dockerfile → one build graph per target platform.
 *
 * First the whole Dockerfile is parsed, read into stages and checked as BuildKit checks it before
 * converting anything (stage-graph.ts: `--from` without variables, stage indexes, circular
 * dependencies). Then, for each target, the global scope is evaluated (global-scope.ts) and the
 * target stage is converted, which converts the stages it needs on demand (its FROM parent,
 * `COPY --from`, `RUN --mount=from=`) and no others (platform-conversion.ts).
 *
 * A stage's graph depends on the target only where the Dockerfile lets it (see src/graph/ops.ts),
 * so equal stages give equal vertex digests across targets and the solver runs them once.
 */
import type { Definition, State } from '../../graph/index.js';
import { marshal } from '../../graph/index.js';
import type { ImageConfig } from '../../oci/index.js';
import type { Platform } from '../../platform/index.js';
import { type DockerfileStages, readStages, type Stage } from '../instructions/index.js';
import type { DockerfileAst } from '../parser/index.js';
import { parseDockerfile } from '../parser/index.js';
import { ShellLexer } from '../shell/index.js';
import { DockerfileConvertError } from './errors.js';
import { PlatformConversion } from './platform-conversion.js';
import type { DeclaredArg, ExpansionRecord, HistoryStep, WorkingConfig } from './stage-builder.js';
import { checkStageReferences } from './stage-graph.js';
import { closest, stageHint } from './suggest.js';

/** A base image resolved for one platform: its pinned reference and its config. */
export interface ResolvedImage {
  /** Canonical reference with the manifest digest, e.g. `docker.io/library/alpine:latest@sha256:…`. */
  readonly ref: string;
  readonly config: ImageConfig;
}

/** Looks up a base image's config for a platform (from the store or a registry). */
export type ImageResolver = (ref: string, platform: Platform) => Promise<ResolvedImage>;

/** Options of {@link convertDockerfile}. */
export interface ConvertOptions {
  /** Name of the Dockerfile in messages; default `Dockerfile`. */
  readonly file?: string;
  /** Target platforms; default the build platform. */
  readonly platforms?: readonly Platform[];
  readonly buildPlatform: Platform;
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Stage to build; default the last. */
  readonly target?: string;
  /** .dockerignore patterns for the context source. */
  readonly excludes?: readonly string[];
  readonly resolveImage: ImageResolver;
  /** Stages whose steps skip the cache. */
  readonly noCacheFilter?: readonly string[];
  /**
   * Named contexts (`--build-context name=…`): a name in FROM, `COPY --from` or a mount's
   * `from` that matches one uses it instead of a stage or an image of that name.
   */
  readonly namedContexts?: ReadonlyMap<string, NamedContext>;
}

/** A named context: a local directory (sent like the build context) or an image reference. */
export type NamedContext = { readonly kind: 'local' } | { readonly kind: 'image'; readonly ref: string };

/** The image a stage makes: its base image (if any), its steps since, and its config. */
export interface StageOutput {
  readonly stage: Stage;
  readonly fs: State;
  /** The platform the stage's steps ran on (its FROM's, or its parent stage's). */
  readonly platform: Platform;
  readonly config: WorkingConfig;
  /** The base image at the bottom of the stage chain; absent for scratch. */
  readonly baseImage?: { readonly state: State; readonly config: ImageConfig; readonly ref: string };
  /** History since the base image, with the states of the steps that change files. */
  readonly steps: readonly HistoryStep[];
  /** The stage's variables at its end (ENV and ARG), which a stage built FROM it inherits. */
  readonly env: ReadonlyMap<string, string>;
  /** ARGs declared in the stage and its parent stages. */
  readonly declaredArgs: readonly DeclaredArg[];
}

/** The graph and image description for one target platform. */
export interface TargetBuild {
  readonly platform: Platform;
  readonly output: StageOutput;
  readonly definition: Definition;
}

/** What a conversion produced. */
export interface ConversionResult {
  readonly ast: DockerfileAst;
  readonly stages: DockerfileStages;
  /** The stage built. */
  readonly target: Stage;
  readonly targets: readonly TargetBuild[];
  /** Every word expansion made (for build checks such as UndefinedVar). */
  readonly expansions: readonly ExpansionRecord[];
}

/** Parses a Dockerfile and converts it for every target platform. */
export async function convertDockerfile(
  source: string | Uint8Array,
  options: ConvertOptions,
): Promise<ConversionResult> {
  const file = options.file ?? 'Dockerfile';
  const ast = parseDockerfile(source, { file });
  const stages = readStages(ast);
  const lexer = new ShellLexer(ast.escapeToken);
  checkStageReferences(stages, lexer, file);
  const target = findTarget(stages, options.target, file);
  const platforms = options.platforms?.length ? options.platforms : [options.buildPlatform];
  const expansions: ExpansionRecord[] = [];
  const targets: TargetBuild[] = [];
  // Platforms convert at once: each resolves its base images, and those lookups overlap.
  const outputs = await Promise.all(
    platforms.map((platform) => {
      const own: ExpansionRecord[] = [];
      const conversion = new PlatformConversion({
        stages,
        target: platform,
        options,
        file,
        lexer,
        expansions: own,
      });
      return conversion.stageOutput(target.index).then((output) => ({ platform, output, own }));
    }),
  );
  for (const { platform, output, own } of outputs) {
    expansions.push(...own);
    targets.push({ platform, output, definition: marshal(output.fs) });
  }
  return { ast, stages, target, targets, expansions };
}

/** The stage `--target` names (in any case), or the last stage. */
function findTarget(stages: DockerfileStages, name: string | undefined, file: string): Stage {
  if (name === undefined) return stages.stages[stages.stages.length - 1] as Stage;
  const found = stages.stages.find((s) => s.name === name.toLowerCase());
  if (found) return found;
  const names = stages.stages.flatMap((s) => (s.name ? [s.name] : []));
  const guess = closest(name, names);
  throw new DockerfileConvertError(
    file,
    undefined,
    `target stage "${name}" could not be found`,
    names.length === 0
      ? 'this Dockerfile has no named stages: name one with FROM image AS name'
      : stageHint(guess, names),
  );
}

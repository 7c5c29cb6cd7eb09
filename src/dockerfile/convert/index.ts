/**
 * Dockerfile → per-platform build graphs, with BuildKit's semantics (ARG scoping, automatic
 * platform ARGs, multi-stage builds, only the stages the target needs). Start with
 * {@link convertDockerfile}.
 */
export type { DispatchContext, FromUse } from './context.js';
export {
  type ConversionResult,
  type ConvertOptions,
  convertDockerfile,
  type ImageResolver,
  type NamedContext,
  type ResolvedImage,
  type StageOutput,
  type TargetBuild,
} from './convert.js';
export { type ConvertErrorOptions, DockerfileConvertError } from './errors.js';
export { type ParsedMount, parseMount } from './mounts.js';
export { isPlatformArg, PLATFORM_ARG_NAMES, platformArgs } from './platform-args.js';
export { isValidSignal, parsePortSpec } from './ports.js';
export {
  DEFAULT_PATH,
  type DeclaredArg,
  type ExpansionRecord,
  finishConfig,
  HISTORY_COMMENT,
  type HistoryStep,
  type WorkingConfig,
} from './stage-builder.js';

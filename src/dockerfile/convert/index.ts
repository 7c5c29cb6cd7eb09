/**
 * Dockerfile → per-platform build graphs, with BuildKit's semantics (ARG scoping, automatic
 * platform ARGs, multi-stage builds, only the stages the target needs). Start with
 * {@link convertDockerfile}.
 */
export type { DispatchContext } from './context.js';
export {
  type ConversionResult,
  type ConvertOptions,
  convertDockerfile,
  type ImageResolver,
  type ResolvedImage,
  type StageOutput,
  type TargetBuild,
} from './convert.js';
export { DockerfileConvertError } from './errors.js';
export { type ParsedMount, parseMount } from './mounts.js';
export { isPlatformArg, PLATFORM_ARG_NAMES, platformArgs } from './platform-args.js';
export {
  DEFAULT_PATH,
  type ExpansionRecord,
  finishConfig,
  type HistoryStep,
  type WorkingConfig,
} from './stage-builder.js';

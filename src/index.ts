/**
 * Manifold's library: everything the CLI does, a Node program can do by importing from
 * 'manifold'. Each pipeline stage exports its public API from its own index.ts; this file
 * re-exports the entry points a program needs, by name.
 *
 * ```ts
 * import { build, runImage } from 'manifold';
 * const result = await build({ context: '.', platforms: ['linux/amd64', 'linux/arm64'], tags: ['hello'] });
 * const exitCode = await runImage({ image: 'hello', platform: 'linux/arm64', onOutput: (s, d) => process.stdout.write(d) });
 * ```
 */
export { type BuildResult, build } from './builder/build.js';
export { type BuildEngine, defaultEngine } from './builder/engine.js';
export * from './builder/instances/index.js';
export {
  type BuildOptions,
  BuildOptionsError,
  type ResolvedBuildOptions,
  resolveBuildOptions,
} from './builder/options.js';
export { openRegistrySession, type RegistrySession } from './builder/registry-session.js';
export {
  type ContentStore,
  ImageNotFoundError,
  type ImageStore,
  type ImageSummary,
  IncompleteImageError,
  openContentStore,
  openImageStore,
} from './content/index.js';
export {
  type ConversionResult,
  type ConvertOptions,
  convertDockerfile,
  DockerfileConvertError,
  type ImageResolver,
  PLATFORM_ARG_NAMES,
  platformArgs,
  type TargetBuild,
} from './dockerfile/convert/index.js';
export { loadDockerignore, PatternMatcher, readIgnoreFile, walkContext } from './dockerfile/ignore/index.js';
export { lintDockerfile } from './dockerfile/lint/index.js';
export { listTargets, outlineDockerfile } from './dockerfile/outline/index.js';
export { DockerfileParseError, dumpAst, parseDockerfile } from './dockerfile/parser/index.js';
export { ShellLexer } from './dockerfile/shell/index.js';
export * from './emulation/index.js';
export { isManifoldError, ManifoldError, type ManifoldErrorOptions } from './errors/index.js';
export { assembleIndex, assemblePlatformImage, pushImage } from './export/index.js';
export {
  buildMetadata,
  exportOutputs,
  type OutputResult,
  type OutputSpec,
  parseOutput,
} from './export/outputs/index.js';
export * from './graph/index.js';
export * from './images/index.js';
export * from './oci/index.js';
export * from './platform/index.js';
export { PlainRenderer, type ProgressEvent, type ProgressSink } from './progress/index.js';
export * from './registry/index.js';
export { NothingToRunError, type RunImageOptions, runImage } from './run/index.js';
export { type SolveOptions, type SolveResult, solve, type Worker } from './solver/index.js';
export * from './state/index.js';
export { manifoldVersion } from './version.js';

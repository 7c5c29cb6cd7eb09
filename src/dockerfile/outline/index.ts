/**
 * `--call=targets` and `--call=outline`: the stages of a Dockerfile, and what a build of one
 * target uses (build arguments with their values and descriptions, secrets, ssh), printed as
 * buildx prints them. Start with {@link listTargets} or {@link outlineDockerfile}.
 */
export { describedIn } from './descriptions.js';
export { DockerfileOutlineError } from './errors.js';
export {
  type DockerfileOutline,
  formatOutlineJson,
  formatOutlineText,
  type OutlineArg,
  type OutlineMount,
  type OutlineOptions,
  outlineDockerfile,
} from './outline.js';
export {
  formatTargetsJson,
  formatTargetsText,
  listTargets,
  type TargetInfo,
  type TargetList,
} from './targets.js';

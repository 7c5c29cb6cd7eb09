/**
 * The image commands as library functions: `pull`, `push`, `images`, `tag`, `rmi`,
 * `imagetools inspect|create` (buildx's semantics and output) and `manifest
 * create|annotate|inspect|push|rm` (the docker CLI's). The CLI in src/cli/ parses flags, calls
 * these and prints what they return; nothing here writes to stdout.
 *
 * Start with {@link openImagesSession} (state paths, image store, registry client configured
 * from buildkitd.toml and Docker's credentials), then call the operation.
 */

// Go's JSON and tabwriter output live in src/gofmt; re-exported because the package root
// (src/index.ts) exports this module's API and users import them from there.
export {
  type GoValue,
  goIndent,
  goMarshalIndent,
  goMarshalOrdered,
  type TabwriteOptions,
  tabwrite,
} from '../gofmt/index.js';
export { type Combined, type CombinedPart, combineSources, type ResolvedSource } from './combine.js';
export { type CopyEvent, type CopyOptions, copyBlob, copyManifestTree, sameRepository } from './copy.js';
export { type CreateEvent, type CreateOptions, type CreateResult, createImage } from './create.js';
export {
  type CreateAnnotation,
  type CreateSource,
  type GivenDescriptor,
  parseCreateAnnotations,
  parseCreateSource,
} from './create-sources.js';
export { type DockerList, dockerImageManifestJson, dockerListBytes, isValidOsArch } from './docker-list.js';
export {
  CrossRegistryError,
  ImagetoolsInputError,
  ManifestIsListError,
  ManifestListCorruptError,
  ManifestListExistsError,
  ManifestListNotFoundError,
  ManifestNotInListError,
  ManifestPlatformError,
  NoSuchManifestListError,
  PartialImageError,
  PlatformMismatchError,
  PlatformNotInIndexError,
  RemoveImagesError,
} from './errors.js';
export {
  descriptorValue,
  type InspectOptions,
  inspectRemote,
  inspectTemplateData,
  type RemoteImage,
  renderInspectView,
} from './inspect.js';
export { type ImageRow, listImages, type RemoveOutcome, removeImages, tagImage } from './local.js';
export {
  type AnnotateFields,
  annotateManifestList,
  createManifestList,
  inspectManifest,
  type ManifestOptions,
  type ManifestPushResult,
  pushManifestList,
  removeManifestLists,
} from './manifest-list.js';
export { type LocalList, type LocalListEntry, ManifestListStore } from './manifest-store.js';
export { findLocalImage, type ImageName, imageName, registriesOf, storeName } from './names.js';
export { configPlatform, isAttestationEntry, platformKey } from './platforms.js';
export { type PullEvent, type PullOptions, type PullResult, pullImage } from './pull.js';
export { type PushStoredOptions, type PushStoredResult, pushStoredImage } from './push.js';
export {
  type ImagesSession,
  type ImagesSessionOptions,
  openImagesSession,
  withImagesSession,
  withInsecureRegistries,
} from './session.js';

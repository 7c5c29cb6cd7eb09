/**
 * The run executor: everything between an exec op and a finished runc container. Start with
 * {@link checkEmulators} before any work of a build, then {@link runStep} per RUN.
 */
export {
  type ArchitectureInfo,
  architectureInfo,
  type ElfIdentity,
  sampleElfHeader,
} from './architectures.js';
export {
  BINFMT_MISC_DIR,
  type BinfmtEntry,
  matchBinfmt,
  parseBinfmtEntry,
  readBinfmtEntries,
} from './binfmt.js';
export {
  type CheckEmulatorsOptions,
  checkEmulators,
  type Emulator,
  type EmulatorLookup,
  emulatorFor,
  missingEmulatorError,
} from './emulator.js';
export {
  ContainerStartError,
  EmulatorMissingError,
  UserLookupError,
  WorkdirError,
} from './errors.js';
export {
  DEFAULT_NAMESERVERS,
  type ExtraHost,
  hostsFileContent,
  type NetworkFiles,
  type NetworkFilesOptions,
  type NetworkMode,
  type ResolvConfSources,
  readHostResolvConf,
  resolvConfContent,
  writeNetworkFiles,
} from './hosts.js';
export { collectMountStubs } from './mount-stubs.js';
export {
  DEFAULT_PATH,
  lookPath,
  type PreparedStep,
  prepareStep,
  QEMU_MOUNT_PATH,
  type RunStepOptions,
  runStep,
  type StepMount,
  type StepProcess,
  type StepSetup,
  stepEnv,
} from './run-step.js';
export { type ContainerResult, type RuncOptions, runContainer } from './runc.js';
export {
  BUILD_HOSTNAME,
  buildRuntimeSpec,
  type ContainerMount,
  type ContainerSpecOptions,
  DEFAULT_CAPABILITIES,
} from './spec.js';
export { type ResolvedUser, readRootFile, resolveUser, resolveUserFrom } from './user.js';
export { ensureWorkdir } from './workdir.js';

/**
 * Emulator management: what this host can run (`emulationStatus`, as tonistiigi/binfmt prints
 * it), and registering or removing Debian's qemu-user-static emulators in binfmt_misc with the
 * F and P flags (`installEmulators`, `uninstallEmulators`), idempotently, against the real
 * kernel (`kernelBinfmtHost`) or any {@link BinfmtHost}.
 */
export {
  type BinfmtHost,
  type KernelBinfmtOptions,
  kernelBinfmtHost,
  QEMU_BINFMT_CONF_DIR,
} from './binfmt-host.js';
export {
  BinfmtConfError,
  BinfmtKernelError,
  BinfmtPermissionError,
  QemuNotInstalledError,
  UnknownEmulatorError,
} from './errors.js';
export {
  type EmulatorActionOptions,
  type InstallOutcome,
  installEmulators,
  type UninstallOutcome,
  uninstallEmulators,
} from './install.js';
export { EMULATED_ARCHITECTURES, entryName, qemuName, resolveEmulatorNames } from './names.js';
export {
  type BinfmtRegistration,
  formatRegistration,
  parseRegistration,
  readQemuConf,
  withFlags,
} from './registration.js';
export { type EmulationStatus, emulationStatus, runnablePlatforms, type StatusOptions } from './status.js';

/**
 * Errors of the run executor: runc that cannot start, a USER the image does not know, a working
 * directory that cannot be made, and a foreign platform with no way to emulate it. Each class has
 * one stable code; messages quote the input and state the rule, hints say what to do.
 */
import { ManifoldError } from '../../errors/index.js';

/** runc could not be found or could not start the container. */
export class ContainerStartError extends ManifoldError {
  constructor(message: string, hint: string, cause?: unknown) {
    super('E_CONTAINER_START', message, { hint, cause });
    this.name = 'ContainerStartError';
  }
}

/**
 * A USER that cannot be resolved against the image's /etc/passwd and /etc/group
 * (`E_EXEC_USER`). The message uses runc's words, as BuildKit prints them:
 * `unable to find user NAME: no matching entries in passwd file`.
 */
export class UserLookupError extends ManifoldError {
  /** The USER value as written (`name`, `name:group`, `uid:gid`). */
  readonly user: string;
  constructor(user: string, message: string, hint: string) {
    super('E_EXEC_USER', message, { hint });
    this.name = 'UserLookupError';
    this.user = user;
  }
}

/** The working directory of a step cannot be created inside the root file system (`E_EXEC_WORKDIR`). */
export class WorkdirError extends ManifoldError {
  constructor(cwd: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('E_EXEC_WORKDIR', `failed to create working directory ${JSON.stringify(cwd)}: ${detail}`, {
      hint: 'a file or a dangling path is in the way of WORKDIR; remove it in an earlier step or pick another WORKDIR',
      cause,
    });
    this.name = 'WorkdirError';
  }
}

/**
 * Foreign platforms this host can run neither natively, through a binfmt_misc entry with the F
 * flag, nor through a qemu-user-static binary (`E_EMULATOR_MISSING`).
 */
export class EmulatorMissingError extends ManifoldError {
  /** The platforms lacking an emulator, as `os/arch[/variant]`. */
  readonly platforms: readonly string[];
  constructor(platforms: readonly string[], host: string, architectures: readonly string[]) {
    const list = platforms.join(', ');
    const several = platforms.length > 1;
    super(
      'E_EMULATOR_MISSING',
      `no emulator for ${list}: this host (${host}) cannot run ${several ? 'their' : 'its'} programs natively, ` +
        `binfmt_misc has no enabled entry with the F flag for ${several ? 'them' : 'it'}, ` +
        `and no qemu-user-static binary was found`,
      {
        hint:
          `run "manifold binfmt --install ${architectures.join(',')}" (or install qemu-user-static and ` +
          `register its binfmt_misc entries with the F and P flags), then build again`,
      },
    );
    this.name = 'EmulatorMissingError';
    this.platforms = platforms;
  }
}

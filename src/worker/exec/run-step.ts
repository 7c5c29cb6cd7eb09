/**
 * One RUN step, from an exec op's fields and resolved host mounts to a finished runc container.
 *
 * Before the run, in order:
 * - the emulator: given, or chosen by `emulatorFor` (native, binfmt_misc with `F`, or a
 *   qemu-user-static binary); none is `E_EMULATOR_MISSING` and nothing runs;
 * - the USER, resolved through the rootfs's /etc/passwd and /etc/group (user.ts);
 * - the env: the op's, plus `PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`
 *   when it has none (BuildKit's default), plus the values of `env` secrets, which exist only in
 *   the process's environment (and the run's private bundle, on tmpfs where the host has
 *   /dev/shm), never in args, mounts or results. HOME, when unset, is set by runc from the
 *   user's passwd entry (or `/`), as under BuildKit; HOSTNAME is not set.
 * - the working directory, created when missing (mode 0755, owned by the user; workdir.ts);
 * - a private run directory holding /etc/hosts, /etc/resolv.conf (hosts.ts) and secret files,
 *   all bind-mounted read-only with nosuid, nodev and noexec;
 * - mount stubs noted, to be removed afterwards (mount-stubs.ts).
 * With a `qemu` emulator the binary is bind-mounted read-only at /dev/.buildkit_qemu_emulator and
 * the command becomes `EMULATOR -0 ARGV0 PROGRAM ARGS…` (`-0` keeps argv[0], which multi-call
 * binaries such as busybox need); PROGRAM is ARGV0 looked up on the env's PATH inside the rootfs,
 * since qemu does no PATH search.
 *
 * A non-zero exit is a result, not an error: the caller formats the failure.
 */
import { statSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExecOp } from '../../graph/ops.js';
import { resolveInRoot } from '../../layer/scoped-path.js';
import { hostPlatform, type Platform } from '../../platform/index.js';
import { type Emulator, type EmulatorLookup, emulatorFor, missingEmulatorError } from './emulator.js';
import { type ExtraHost, type ResolvConfSources, writeNetworkFiles } from './hosts.js';
import { collectMountStubs } from './mount-stubs.js';
import { type ContainerResult, type RuncOptions, runContainer } from './runc.js';
import type { ContainerMount, ContainerSpecOptions } from './spec.js';
import { resolveUser } from './user.js';
import { ensureWorkdir } from './workdir.js';

/** Where the qemu binary appears inside the container (BuildKit's path). */
export const QEMU_MOUNT_PATH = '/dev/.buildkit_qemu_emulator';

/** BuildKit's PATH for Linux steps whose env has none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Read-only binds of generated files get these too, as BuildKit's do. */
const FILE_BIND_OPTIONS = ['nosuid', 'nodev', 'noexec'] as const;

/** A mount of a step, already resolved to the host. */
export type StepMount =
  | {
      /** A directory of the host: another snapshot, the context, a cache directory. */
      readonly kind: 'bind';
      readonly target: string;
      readonly source: string;
      readonly readonly: boolean;
    }
  | {
      readonly kind: 'tmpfs';
      readonly target: string /** Bytes; 0 or undefined = kernel default. */;
      readonly size?: number;
    }
  | {
      /** A secret: a read-only file at `target`, or the value of env variable `env`. */
      readonly kind: 'secret';
      readonly id: string;
      readonly data: Uint8Array;
      /** Default `/run/secrets/<id>` when neither target nor env is given. */
      readonly target?: string;
      readonly env?: string;
      /** File mode; default 0400. */
      readonly mode?: number;
      readonly uid?: number;
      readonly gid?: number;
    };

/** The fields of an exec op that shape the process. */
export type StepProcess = Pick<ExecOp, 'args' | 'env' | 'cwd' | 'user' | 'network' | 'security'>;

/** Everything a step needs except its output sink. */
export interface StepSetup {
  /** Absolute host path of the step's root file system (a mounted snapshot). */
  readonly rootfs: string;
  readonly exec: StepProcess;
  readonly mounts?: readonly StepMount[];
  /** The platform the step runs on. */
  readonly platform: Platform;
  /** The host platform; default {@link hostPlatform}. */
  readonly host?: Platform;
  /** The emulator, when the caller already chose it (e.g. from `checkEmulators`). */
  readonly emulator?: Emulator;
  /** Where to look for one otherwise. */
  readonly emulatorLookup?: EmulatorLookup;
  /** Container hostname; default `buildkitsandbox`. */
  readonly hostname?: string;
  readonly extraHosts?: readonly ExtraHost[];
  readonly resolvConfSources?: ResolvConfSources;
  /** Parent of the private run directory; default /dev/shm when present, else the OS temp dir. */
  readonly tempDir?: string;
  readonly runc?: RuncOptions;
}

/** Options of {@link runStep}. */
export interface RunStepOptions extends StepSetup {
  /** Receives stdout and stderr as they come. */
  readonly onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void;
  readonly signal?: AbortSignal;
}

/** A step ready to run: its container spec and what to undo afterwards. */
export interface PreparedStep {
  readonly spec: ContainerSpecOptions;
  readonly emulator: Emulator;
  /** The private run directory (generated files, secrets, bundle). */
  readonly runDir: string;
  /** Removes mount stubs and the run directory; call once, after the run. */
  release(): Promise<void>;
}

/** Runs one step to completion. Throws only when it cannot start; a failing command is `{ exitCode }`. */
export async function runStep(options: RunStepOptions): Promise<ContainerResult> {
  const prepared = await prepareStep(options);
  try {
    return await runContainer(prepared.spec, options.onOutput, {
      ...options.runc,
      bundleDir: prepared.runDir,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } finally {
    await prepared.release();
  }
}

/** Resolves emulator, user, env, cwd, generated files and mounts of a step (see the module comment). */
export async function prepareStep(setup: StepSetup): Promise<PreparedStep> {
  const host = setup.host ?? hostPlatform();
  const emulator = setup.emulator ?? emulatorFor(setup.platform, host, setup.emulatorLookup);
  if (!emulator) throw missingEmulatorError([setup.platform], host);
  const exec = setup.exec;
  const user = await resolveUser(setup.rootfs, exec.user);
  const cwd = exec.cwd === '' ? '/' : exec.cwd;
  await ensureWorkdir(setup.rootfs, cwd, user.uid, user.gid);

  const runDir = await mkdtemp(path.join(setup.tempDir ?? (await defaultTempDir()), 'manifold-run-'));
  let releaseStubs: (() => Promise<void>) | undefined;
  try {
    const { mounts, stubTargets } = await stepMounts(runDir, setup, emulator);
    releaseStubs = await collectMountStubs(setup.rootfs, stubTargets);
    const env = stepEnv(exec.env, setup.mounts ?? []);
    const args = emulator.kind === 'qemu' ? qemuArgs(setup.rootfs, exec.args, env, cwd) : [...exec.args];
    const spec: ContainerSpecOptions = {
      rootfs: path.resolve(setup.rootfs),
      args,
      env,
      cwd,
      uid: user.uid,
      gid: user.gid,
      additionalGids: user.additionalGids,
      network: exec.network,
      security: exec.security,
      mounts,
      ...(setup.hostname ? { hostname: setup.hostname } : {}),
    };
    const stubs = releaseStubs;
    const release = async () => {
      await stubs();
      await rm(runDir, { recursive: true, force: true });
    };
    return { spec, emulator, runDir, release };
  } catch (err) {
    await releaseStubs?.();
    await rm(runDir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Every mount of the container besides the base ones: the qemu binary (when used), the generated
 * /etc files, then the step's own mounts sorted by target. `stubTargets` are the step's targets.
 */
async function stepMounts(
  runDir: string,
  setup: StepSetup,
  emulator: Emulator,
): Promise<{ mounts: ContainerMount[]; stubTargets: string[] }> {
  const files = await writeNetworkFiles(runDir, {
    network: setup.exec.network,
    ...(setup.hostname ? { hostname: setup.hostname } : {}),
    ...(setup.extraHosts ? { extraHosts: setup.extraHosts } : {}),
    ...(setup.resolvConfSources ? { sources: setup.resolvConfSources } : {}),
  });
  const own = await containerMounts(runDir, setup.mounts ?? []);
  const mounts: ContainerMount[] = [
    ...(emulator.kind === 'qemu'
      ? [{ destination: QEMU_MOUNT_PATH, type: 'bind' as const, source: emulator.path, readonly: true }]
      : []),
    fileBind('/etc/resolv.conf', files.resolvConf),
    fileBind('/etc/hosts', files.hosts),
    ...own,
  ];
  return { mounts, stubTargets: own.map((m) => m.destination) };
}

/** The process env: the op's, PATH when missing, then env secrets (replacing same-named entries). */
export function stepEnv(opEnv: readonly string[], mounts: readonly StepMount[]): string[] {
  let env = [...opEnv];
  if (!env.some((e) => e.startsWith('PATH='))) env.push(`PATH=${DEFAULT_PATH}`);
  for (const m of mounts) {
    if (m.kind !== 'secret' || m.env === undefined) continue;
    const name = m.env;
    env = env.filter((e) => !e.startsWith(`${name}=`));
    env.push(`${name}=${Buffer.from(m.data).toString('utf8')}`);
  }
  return env;
}

/** The step's own mounts as container mounts, secret files written under `runDir`; sorted by target. */
async function containerMounts(runDir: string, mounts: readonly StepMount[]): Promise<ContainerMount[]> {
  const out: ContainerMount[] = [];
  let secrets = 0;
  for (const m of mounts) {
    if (m.kind === 'bind') {
      out.push({ destination: m.target, type: 'bind', source: m.source, readonly: m.readonly });
    } else if (m.kind === 'tmpfs') {
      out.push({ destination: m.target, type: 'tmpfs', options: m.size ? [`size=${m.size}`] : [] });
    } else if (m.target !== undefined || m.env === undefined) {
      const dir = path.join(runDir, 'secrets');
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const file = path.join(dir, String(secrets++));
      await writeFile(file, m.data, { mode: 0o400 });
      await chmod(file, m.mode ?? 0o400);
      await chown(file, m.uid ?? 0, m.gid ?? 0);
      out.push(fileBind(m.target ?? `/run/secrets/${m.id}`, file));
    }
  }
  return out.sort((a, b) => (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0));
}

function fileBind(destination: string, source: string): ContainerMount {
  return { destination, type: 'bind', source, readonly: true, options: FILE_BIND_OPTIONS };
}

/** `EMULATOR -0 ARGV0 PROGRAM ARGS…`, PROGRAM found on the env's PATH inside the rootfs. */
function qemuArgs(rootfs: string, args: readonly string[], env: readonly string[], cwd: string): string[] {
  const [argv0, ...rest] = args;
  if (argv0 === undefined) return [QEMU_MOUNT_PATH];
  return [QEMU_MOUNT_PATH, '-0', argv0, lookPath(rootfs, argv0, env, cwd), ...rest];
}

/** Where a command name resolves inside the rootfs; the name itself when it has a slash or is not found. */
export function lookPath(rootfs: string, name: string, env: readonly string[], cwd: string): string {
  if (name.includes('/')) return name;
  const pathVar = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  for (const dir of pathVar.split(':')) {
    const candidate = path.posix.join(dir === '' ? cwd : path.posix.resolve(cwd, dir), name);
    if (isExecutableIn(rootfs, candidate)) return candidate;
  }
  return name;
}

function isExecutableIn(rootfs: string, inner: string): boolean {
  try {
    const st = statSync(resolveInRoot(rootfs, inner));
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

async function defaultTempDir(): Promise<string> {
  const shm = await stat('/dev/shm').catch(() => undefined);
  return shm?.isDirectory() ? '/dev/shm' : tmpdir();
}

/**
 * The OCI runtime spec (runc's config.json) for one RUN step, with Docker's defaults:
 * namespaces (pid, ipc, uts, mount, and network for `none` only), Docker's default
 * capabilities (setuid binaries keep working: no `noNewPrivileges`, as in BuildKit), /proc,
 * /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys and /sys/fs/cgroup read-only (the cgroup mount
 * writable with `security: 'insecure'`, as BuildKit does), the masked and read-only paths Docker
 * uses, and the hostname BuildKit gives build containers. No rlimits are set (the process keeps
 * the runtime's, as BuildKit resets containerd's open-files limit). The caller adds
 * /etc/hosts, /etc/resolv.conf and the step's mounts (run-step.ts).
 *
 * Network: `none` gets a network namespace of its own, holding only `lo`. `default` shares the
 * host's, as BuildKit's OCI worker does when no CNI network is configured (its `auto` mode falls
 * back to the host provider); Manifold has no bridge or CNI set-up. `host` shares it too.
 */

/** A bind or tmpfs mount added to the container. */
export interface ContainerMount {
  readonly destination: string;
  readonly type: 'bind' | 'tmpfs';
  /** Host path for binds. */
  readonly source?: string;
  readonly readonly?: boolean;
  /** Extra mount options (for tmpfs, e.g. `size=65536k`). */
  readonly options?: readonly string[];
}

/** The process and sandbox of a build container. */
export interface ContainerSpecOptions {
  /** Absolute host path of the container's root file system. */
  readonly rootfs: string;
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids: readonly number[];
  readonly network: 'default' | 'none' | 'host';
  /** `insecure` grants every capability and no masked paths (RUN --security=insecure). */
  readonly security: 'sandbox' | 'insecure';
  readonly hostname?: string;
  readonly mounts: readonly ContainerMount[];
}

/** Docker's default capability set for containers. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

const ALL_CAPABILITIES: readonly string[] = [
  ...DEFAULT_CAPABILITIES,
  'CAP_DAC_READ_SEARCH',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_LEASE',
  'CAP_AUDIT_CONTROL',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
];

const MASKED_PATHS = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** The hostname BuildKit gives build containers. */
export const BUILD_HOSTNAME = 'buildkitsandbox';

/** Builds the runtime spec as a JSON-ready object. */
export function buildRuntimeSpec(options: ContainerSpecOptions): Record<string, unknown> {
  const caps = options.security === 'insecure' ? ALL_CAPABILITIES : DEFAULT_CAPABILITIES;
  const namespaces = [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
  if (options.network === 'none') namespaces.push({ type: 'network' });
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: options.uid, gid: options.gid, additionalGids: [...options.additionalGids] },
      args: [...options.args],
      env: [...options.env],
      cwd: options.cwd,
      capabilities: { bounding: [...caps], effective: [...caps], permitted: [...caps] },
      noNewPrivileges: false,
    },
    root: { path: options.rootfs, readonly: false },
    hostname: options.hostname ?? BUILD_HOSTNAME,
    mounts: [...baseMounts(options.network, options.security), ...options.mounts.map(toSpecMount)],
    linux: {
      namespaces,
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      ...(options.security === 'insecure'
        ? {}
        : { maskedPaths: MASKED_PATHS, readonlyPaths: READONLY_PATHS }),
    },
  };
}

function baseMounts(
  network: ContainerSpecOptions['network'],
  security: ContainerSpecOptions['security'],
): Array<Record<string, unknown>> {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
    },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    // sysfs can only be mounted in a network namespace of our own; with the host's, bind it.
    network !== 'none'
      ? {
          destination: '/sys',
          type: 'bind',
          source: '/sys',
          options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'],
        }
      : { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    {
      destination: '/sys/fs/cgroup',
      type: 'cgroup',
      source: 'cgroup',
      options: ['nosuid', 'noexec', 'nodev', security === 'insecure' ? 'rw' : 'ro'],
    },
  ];
}

function toSpecMount(m: ContainerMount): Record<string, unknown> {
  if (m.type === 'tmpfs') {
    return {
      destination: m.destination,
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'nodev', ...(m.options ?? [])],
    };
  }
  return {
    destination: m.destination,
    type: 'bind',
    source: m.source,
    options: ['rbind', m.readonly ? 'ro' : 'rw', ...(m.options ?? [])],
  };
}

/**
 * `run`: start a container from an image of the store (or a registry), for any platform. The
 * platform's manifest is picked from the index, its layers are unpacked into the builder's
 * snapshots (once), a throwaway snapshot on top is the container's writable layer, and the
 * process runs in runc (under emulation where the CPU differs) with the image's entrypoint,
 * command, environment, user and working directory. Output goes to the caller as it comes; the
 * result is the process's exit code. The writable layer is discarded afterwards (`--rm` is the
 * only mode).
 */
import path from 'node:path';
import { type BuildEngine, defaultEngine } from '../builder/engine.js';
import { openRegistrySession, type RegistrySession } from '../builder/registry-session.js';
import { openContentStore } from '../content/index.js';
import { ManifoldError } from '../errors/index.js';
import type { ExecOp } from '../graph/index.js';
import { formatPlatform, hostPlatform, type Platform, parsePlatform } from '../platform/index.js';
import { parseReference } from '../registry/reference/index.js';
import {
  builderStateDir,
  defaultBuildkitdConfig,
  imageStoreDir,
  type StatePaths,
  statePaths,
} from '../state/index.js';
import { resolveBaseImage, unpackImage } from '../worker/images/index.js';
import { SnapshotStore } from '../worker/snapshots/index.js';

/** Options of {@link runImage}. */
export interface RunImageOptions {
  readonly image: string;
  /** Default: the host's platform. */
  readonly platform?: string | Platform;
  /** Replaces the image's CMD. */
  readonly args?: readonly string[];
  /** Replaces the image's ENTRYPOINT (`--entrypoint`; empty string clears it). */
  readonly entrypoint?: string;
  /** Extra environment, `NAME=value`. */
  readonly env?: readonly string[];
  readonly user?: string;
  readonly workdir?: string;
  readonly network?: 'default' | 'none' | 'host';
  readonly onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void;
  readonly signal?: AbortSignal;
  readonly paths?: StatePaths;
  readonly builder?: string;
  /** Ask the registry even when the store has the image. */
  readonly pull?: boolean;
}

/** Nothing to run: the image has no entrypoint or command and none was given. */
export class NothingToRunError extends ManifoldError {
  constructor(image: string) {
    super('E_RUN_NO_COMMAND', `${image} has no ENTRYPOINT or CMD, and no command was given`, {
      hint: `give a command: manifold run ${image} sh -c '…'`,
    });
    this.name = 'NothingToRunError';
  }
}

/** Runs the image; resolves to the exit code. */
export async function runImage(
  options: RunImageOptions,
  engine: BuildEngine = defaultEngine(),
): Promise<number> {
  const paths = options.paths ?? statePaths();
  const host = hostPlatform();
  const platform =
    options.platform === undefined
      ? host
      : typeof options.platform === 'string'
        ? parsePlatform(options.platform)
        : options.platform;
  engine.checkPlatforms([platform], host);
  const store = await openContentStore(imageStoreDir(paths));
  let session: RegistrySession | undefined;
  const stateDir = builderStateDir(paths, options.builder ?? 'default');
  const snapshots = new SnapshotStore(path.join(stateDir, 'snapshots'));
  try {
    const local = options.pull
      ? undefined
      : await resolveBaseImage(options.image, platform, { store, fetcher: undefined }).catch(() => undefined);
    if (!local) session = await openRegistrySession({ configFile: defaultBuildkitdConfig(paths) });
    const fetcher = session?.fetcher;
    const image = local ?? (await resolveBaseImage(options.image, platform, { store, fetcher, pull: true }));
    const chain = await unpackImage(image.manifest, image.config, {
      store,
      snapshots,
      fetcher,
      reference: parseReference(options.image),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const cfg = image.config.config ?? {};
    const entrypoint =
      options.entrypoint === undefined
        ? [...(cfg.Entrypoint ?? [])]
        : options.entrypoint === ''
          ? []
          : [options.entrypoint];
    const cmd = options.args?.length
      ? [...options.args]
      : options.entrypoint !== undefined
        ? []
        : [...(cfg.Cmd ?? [])];
    const args = [...entrypoint, ...cmd];
    if (args.length === 0) throw new NothingToRunError(options.image);
    const env = mergeEnv(cfg.Env ?? [], options.env ?? []);
    const op: ExecOp = {
      kind: 'exec',
      platform: formatPlatform(platform),
      args,
      env,
      cwd: options.workdir ?? (cfg.WorkingDir || '/'),
      user: options.user ?? cfg.User ?? '',
      network: options.network ?? 'default',
      security: 'sandbox',
      mounts: [{ type: 'layer', target: '/', input: 0 }],
    };
    const active = await snapshots.prepare(chain);
    try {
      return await engine.runStep({
        rootfs: active.root,
        op,
        mounts: [],
        onOutput: options.onOutput,
        signal: options.signal ?? new AbortController().signal,
      });
    } finally {
      await active.abort();
    }
  } finally {
    await store.close();
    await session?.close();
  }
}

function mergeEnv(base: readonly string[], extra: readonly string[]): string[] {
  const map = new Map<string, string>();
  for (const e of [...base, ...extra]) {
    const eq = e.indexOf('=');
    if (eq < 0) {
      const value = process.env[e];
      if (value !== undefined) map.set(e, value);
    } else {
      map.set(e.slice(0, eq), e.slice(eq + 1));
    }
  }
  return [...map].map(([k, v]) => `${k}=${v}`);
}

/**
 * Where Manifold keeps its state. `MANIFOLD_HOME` relocates everything: config and data both
 * live in it. Without it, config goes to `$XDG_CONFIG_HOME/manifold` (`~/.config/manifold`) and
 * data to `$XDG_DATA_HOME/manifold` (`~/.local/share/manifold`). The environment is read here
 * and nowhere else; everything below takes a resolved `StatePaths`.
 *
 * Layout:
 *   <config>/buildkitd.toml        registry host config of the default builder
 *   <config>/builders/<name>.json  builder instances (and `current`)
 *   <data>/images/                 the image store (an OCI image layout)
 *   <data>/manifests/              local manifest lists (`manifest create`)
 *   <data>/builders/<name>/        a builder's state: snapshots, cache, cache mounts
 */
import os from 'node:os';
import path from 'node:path';

/** Resolved state directories. */
export interface StatePaths {
  readonly config: string;
  readonly data: string;
}

/** Reads MANIFOLD_HOME / XDG variables from `env` (default: this process's environment). */
export function statePaths(env: NodeJS.ProcessEnv = process.env): StatePaths {
  const home = env.MANIFOLD_HOME;
  if (home) {
    const root = path.resolve(home);
    return { config: root, data: root };
  }
  const user = env.HOME ?? os.homedir();
  return {
    config: path.join(env.XDG_CONFIG_HOME || path.join(user, '.config'), 'manifold'),
    data: path.join(env.XDG_DATA_HOME || path.join(user, '.local', 'share'), 'manifold'),
  };
}

/** The image store's root. */
export function imageStoreDir(paths: StatePaths): string {
  return path.join(paths.data, 'images');
}

/** Local manifest lists. */
export function manifestListDir(paths: StatePaths): string {
  return path.join(paths.data, 'manifests');
}

/** A builder's state directory. */
export function builderStateDir(paths: StatePaths, builder: string): string {
  return path.join(paths.data, 'builders', builder);
}

/** The default builder's buildkitd.toml. */
export function defaultBuildkitdConfig(paths: StatePaths): string {
  return path.join(paths.config, 'buildkitd.toml');
}

/**
 * The image configuration document (`application/vnd.oci.image.config.v1+json`, or Docker's
 * `application/vnd.docker.container.image.v1+json`): platform, runtime defaults, layer diffIDs
 * and history. Container fields keep Docker's capitalised names, including the Docker-only
 * `Healthcheck`, `OnBuild` and `Shell` that BuildKit writes into OCI configs too.
 */
import type { Digest } from './digest.js';

/** A JSON object with no members, the value type of `ExposedPorts` and `Volumes`. */
export type EmptyObject = Readonly<Record<string, never>>;

/** Docker's health check settings; durations are nanoseconds. */
export interface HealthcheckConfig {
  /** `[]` inherit, `["NONE"]` disable, `["CMD", …]` exec, `["CMD-SHELL", cmd]` shell. */
  readonly Test?: readonly string[];
  readonly Interval?: number;
  readonly Timeout?: number;
  readonly StartPeriod?: number;
  readonly StartInterval?: number;
  readonly Retries?: number;
}

/** Runtime defaults of a container started from the image. */
export interface ContainerConfig {
  readonly User?: string;
  /** Keys like `8080/tcp`; values are empty objects. */
  readonly ExposedPorts?: Readonly<Record<string, EmptyObject>>;
  /** `NAME=value` entries. */
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[];
  readonly Cmd?: readonly string[];
  /** Mount points; values are empty objects. */
  readonly Volumes?: Readonly<Record<string, EmptyObject>>;
  readonly WorkingDir?: string;
  readonly Labels?: Readonly<Record<string, string>>;
  readonly StopSignal?: string;
  /** Windows only: Cmd/Entrypoint are already escaped. */
  readonly ArgsEscaped?: boolean;
  readonly Healthcheck?: HealthcheckConfig;
  readonly OnBuild?: readonly string[];
  readonly Shell?: readonly string[];
}

/** The layers of the root file system, as digests of the uncompressed tars. */
export interface RootFs {
  readonly type: 'layers';
  readonly diff_ids: readonly Digest[];
}

/** One step of the image's history. */
export interface HistoryEntry {
  /** RFC 3339 time. */
  readonly created?: string;
  readonly created_by?: string;
  readonly author?: string;
  readonly comment?: string;
  /** True when the step added no layer (ENV, CMD, …). */
  readonly empty_layer?: boolean;
}

/** The image configuration document. */
export interface ImageConfig {
  /** RFC 3339 time the image was created. */
  readonly created?: string;
  readonly author?: string;
  readonly architecture: string;
  readonly os: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
  readonly variant?: string;
  readonly config?: ContainerConfig;
  readonly rootfs: RootFs;
  readonly history?: readonly HistoryEntry[];
}

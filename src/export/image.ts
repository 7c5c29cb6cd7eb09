/**
 * Image assembly: one manifest per platform (config + layers) and, for several platforms, one
 * index, written to the content store. The config carries what the Dockerfile set (env, cmd,
 * entrypoint, user, workdir, ports, volumes, labels, stop signal, healthcheck, onbuild, shell),
 * `--label`s, the history with `created_by` for every instruction, the diff IDs and the
 * platform. OCI media types by default (as current BuildKit); Docker's when asked.
 */
import type { ContentStore } from '../content/index.js';
import type { StageOutput } from '../dockerfile/convert/index.js';
import { finishConfig } from '../dockerfile/convert/index.js';
import {
  type Annotations,
  convertMediaType,
  type Descriptor,
  type Digest,
  encodeConfig,
  encodeIndex,
  encodeManifest,
  type HistoryEntry,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  type LayerCompression,
  MediaType,
} from '../oci/index.js';
import type { Platform } from '../platform/index.js';
import type { SnapshotStore } from '../worker/snapshots/index.js';
import { ensureLayers } from './layers.js';

/** Options shared by the platforms of one export. */
export interface AssembleOptions {
  readonly store: ContentStore;
  readonly snapshots: SnapshotStore;
  /** OCI media types (default) or Docker's. */
  readonly ociMediaTypes?: boolean;
  /** `--label` values, over the Dockerfile's LABELs. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly manifestAnnotations?: Annotations;
  /** Annotations of the manifest's descriptor (in the index). */
  readonly manifestDescriptorAnnotations?: Annotations;
  /** Creation time of new history entries and of the config (RFC 3339). */
  readonly created: string;
  /** Compression of the layers made for this image (default gzip). */
  readonly compression?: LayerCompression;
  readonly compressionLevel?: number;
  /** Remake build-step layers made at another level. */
  readonly forceCompression?: boolean;
  /** SOURCE_DATE_EPOCH: the time of the config and new history entries is `created`, which the caller sets from it. */
  readonly sourceDateEpoch?: number;
  /** Clamp file times inside the build-step layers to `sourceDateEpoch` (`rewrite-timestamp=true`). */
  readonly rewriteTimestamp?: boolean;
  readonly signal?: AbortSignal;
}

/** One platform's finished image. */
export interface PlatformImage {
  readonly platform: Platform;
  /** The manifest's descriptor, with its platform. */
  readonly descriptor: Descriptor;
  readonly configDigest: Digest;
  readonly config: ImageConfig;
  /** The manifest's layers, bottom first. */
  readonly layers: readonly Descriptor[];
}

/** Builds and stores the manifest of one platform from the stage output and its result chain. */
export async function assemblePlatformImage(
  platform: Platform,
  output: StageOutput,
  chain: readonly string[],
  options: AssembleOptions,
): Promise<PlatformImage> {
  const family = options.ociMediaTypes === false ? 'docker' : 'oci';
  const baseLayerCount = output.baseImage?.config.rootfs.diff_ids.length ?? 0;
  const layerSteps = output.steps.filter((s) => s.layer !== undefined).length;
  if (chain.length !== baseLayerCount + layerSteps) {
    throw new Error(
      `internal: ${chain.length} snapshots for ${baseLayerCount} base layers and ${layerSteps} steps`,
    );
  }
  const layers = await ensureLayers(chain, {
    store: options.store,
    snapshots: options.snapshots,
    ...(options.compression === undefined ? {} : { compression: options.compression }),
    ...(options.compressionLevel === undefined ? {} : { compressionLevel: options.compressionLevel }),
    ...(options.forceCompression ? { forceCompression: true } : {}),
    ...(options.rewriteTimestamp && options.sourceDateEpoch !== undefined
      ? { sourceDateEpoch: options.sourceDateEpoch }
      : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const created = await creationTime(chain.slice(baseLayerCount), options);
  const history: HistoryEntry[] = [...(output.baseImage?.config.history ?? [])];
  let next = baseLayerCount;
  for (const step of output.steps) {
    let entry: HistoryEntry = { created, ...step.entry };
    if (step.layer !== undefined) {
      if (layers[next]?.empty) entry = { ...entry, empty_layer: true };
      next++;
    }
    history.push(entry);
  }
  const kept = layers.filter((l, i) => i < baseLayerCount || !l.empty);
  const containerConfig = finishConfig(output.config);
  const labels = { ...(containerConfig.Labels ?? {}), ...(options.labels ?? {}) };
  // The image is labelled with the target platform, as BuildKit does, whatever its stage ran on.
  const p = platform;
  const config: ImageConfig = {
    created,
    ...(output.config.author ? { author: output.config.author } : {}),
    architecture: p.architecture,
    os: p.os,
    ...(p.variant ? { variant: p.variant } : {}),
    config: { ...containerConfig, ...(Object.keys(labels).length ? { Labels: labels } : {}) },
    rootfs: { type: 'layers', diff_ids: kept.map((l) => l.diffId) },
    history,
  };
  const configBytes = encodeConfig(config);
  const configBlob = await options.store.writeBlob(configBytes);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: family === 'oci' ? MediaType.OciManifest : MediaType.DockerManifest,
    config: {
      mediaType: family === 'oci' ? MediaType.OciConfig : MediaType.DockerConfig,
      digest: configBlob.digest,
      size: configBlob.size,
    },
    layers: kept.map((l) => ({
      mediaType: convertMediaType(l.mediaType, family),
      digest: l.digest,
      size: l.size,
    })),
    ...(options.manifestAnnotations && Object.keys(options.manifestAnnotations).length
      ? { annotations: options.manifestAnnotations }
      : {}),
  };
  const manifestBytes = encodeManifest(manifest);
  const manifestBlob = await options.store.writeBlob(manifestBytes);
  return {
    platform: p,
    descriptor: {
      mediaType: manifest.mediaType!,
      digest: manifestBlob.digest,
      size: manifestBlob.size,
      platform: { architecture: p.architecture, os: p.os, ...(p.variant ? { variant: p.variant } : {}) },
      ...(options.manifestDescriptorAnnotations && Object.keys(options.manifestDescriptorAnnotations).length
        ? { annotations: options.manifestDescriptorAnnotations }
        : {}),
    },
    configDigest: configBlob.digest,
    config,
    layers: manifest.layers,
  };
}

/**
 * When the image was made: SOURCE_DATE_EPOCH when given; else when its newest step snapshot was
 * made, so that a rebuild served from the cache gives the same config, the same manifest and
 * nothing new to store or push; else (no step of its own) the build's time.
 */
async function creationTime(stepSnapshots: readonly string[], options: AssembleOptions): Promise<string> {
  if (options.sourceDateEpoch !== undefined || stepSnapshots.length === 0) return options.created;
  let newest = '';
  for (const id of stepSnapshots) {
    const meta = await options.snapshots.meta(id);
    if (meta && meta.createdAt > newest) newest = meta.createdAt;
  }
  return newest ? newest.replace(/\.\d+Z$/, 'Z') : options.created;
}

/** Builds and stores an index of platform manifests. */
export async function assembleIndex(
  images: readonly PlatformImage[],
  options: { store: ContentStore; ociMediaTypes?: boolean; annotations?: Annotations },
): Promise<Descriptor> {
  const oci = options.ociMediaTypes !== false;
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: oci ? MediaType.OciIndex : MediaType.DockerManifestList,
    manifests: images.map((i) => i.descriptor),
    ...(options.annotations && Object.keys(options.annotations).length
      ? { annotations: options.annotations }
      : {}),
  };
  const bytes = encodeIndex(index);
  const blob = await options.store.writeBlob(bytes);
  return { mediaType: index.mediaType!, digest: blob.digest, size: blob.size };
}

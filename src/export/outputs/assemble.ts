/**
 * Images per variant: the build's per-platform results become one image (a manifest per
 * platform and, for several platforms, an index) for each distinct {@link ImageVariant} the
 * outputs ask for. Each variant is assembled once per build, however many outputs want it; the
 * layers underneath are made once per snapshot and variant (layers.ts), so a second variant
 * costs only what differs (another compression, clamped times) and a config and manifest.
 */
import type { ContentStore } from '../../content/index.js';
import type { StageOutput } from '../../dockerfile/convert/index.js';
import type { Annotations, Descriptor, LayerCompression } from '../../oci/index.js';
import { formatPlatform, type Platform } from '../../platform/index.js';
import type { SnapshotStore } from '../../worker/snapshots/index.js';
import { assembleIndex, assemblePlatformImage } from '../image.js';
import { annotationsKey, mergeAnnotations, needsOciMediaTypes, platformAnnotations } from './annotations.js';
import type { AnnotationSet, AssembledImage, ImageVariant } from './types.js';

/** One platform's result of the build. */
export interface ExportTarget {
  readonly platform: Platform;
  readonly output: StageOutput;
  /** Snapshot chain of the final stage's file system, bottom first. */
  readonly chain: readonly string[];
}

/** What every image of the build shares. */
export interface ImageBase {
  readonly store: ContentStore;
  readonly snapshots: SnapshotStore;
  readonly targets: readonly ExportTarget[];
  /** An index when several platforms are built; for one, its manifest is the image. */
  readonly multiPlatform: boolean;
  /** `--label` values, over the Dockerfile's. */
  readonly labels?: Readonly<Record<string, string>>;
  /** `--annotation` values, under each output's own. */
  readonly annotations?: AnnotationSet;
  /** The build's layer compression, under each output's own. */
  readonly compression?: LayerCompressionDefault;
  /** The build's SOURCE_DATE_EPOCH, in seconds. */
  readonly sourceDateEpoch?: number;
  /** When the build ran (ms since the epoch); the creation time without SOURCE_DATE_EPOCH. */
  readonly buildTime: number;
  readonly signal?: AbortSignal;
}

/** The build-wide compression (BuildOptions' `compression`). */
export interface LayerCompressionDefault {
  readonly type: LayerCompression;
  readonly level?: number;
  readonly force?: boolean;
}

/** Assembles images per variant, each once. */
export class ImageAssembler {
  readonly #base: ImageBase;
  readonly #made = new Map<string, Promise<AssembledImage>>();

  constructor(base: ImageBase) {
    this.#base = base;
  }

  /** The image of `variant`, assembled on first request. */
  get(variant: ImageVariant): Promise<AssembledImage> {
    const key = variantKey(variant);
    let made = this.#made.get(key);
    if (made === undefined) {
      made = this.#assemble(variant);
      this.#made.set(key, made);
    }
    return made;
  }

  async #assemble(variant: ImageVariant): Promise<AssembledImage> {
    const base = this.#base;
    const annotations = base.annotations
      ? mergeAnnotations(base.annotations, variant.annotations)
      : variant.annotations;
    const oci = variant.ociMediaTypes || needsOciMediaTypes(annotations);
    const epoch = variant.sourceDateEpoch ?? base.sourceDateEpoch;
    const created = rfc3339(epoch === undefined ? base.buildTime : epoch * 1000);
    const compression = variant.compression ?? base.compression?.type ?? 'gzip';
    const level =
      variant.compression === undefined
        ? (variant.compressionLevel ?? base.compression?.level)
        : variant.compressionLevel;
    const force = variant.forceCompression ?? base.compression?.force ?? false;
    const images = await Promise.all(
      base.targets.map((t) => {
        const own = platformAnnotations(annotations, formatPlatform(t.platform));
        return assemblePlatformImage(t.platform, t.output, t.chain, {
          store: base.store,
          snapshots: base.snapshots,
          ociMediaTypes: oci,
          labels: base.labels ?? {},
          manifestAnnotations: own.manifest,
          manifestDescriptorAnnotations: own.descriptor,
          created,
          compression,
          ...(level === undefined ? {} : { compressionLevel: level }),
          forceCompression: force,
          rewriteTimestamp: variant.rewriteTimestamp,
          ...(epoch === undefined ? {} : { sourceDateEpoch: epoch }),
          ...(base.signal ? { signal: base.signal } : {}),
        });
      }),
    );
    const first = images[0];
    if (first === undefined) throw new Error('internal: a build without platforms has no image');
    const made = first.config.created ?? created;
    if (base.multiPlatform) {
      const index = await assembleIndex(images, {
        store: base.store,
        ociMediaTypes: oci,
        annotations: annotations.index,
      });
      return { descriptor: withAnnotations(index, annotations.indexDescriptor), images, created: made };
    }
    const { platform: _platform, ...manifest } = first.descriptor;
    return { descriptor: manifest, images, configDigest: first.configDigest, created: made };
  }
}

function withAnnotations(d: Descriptor, a: Annotations): Descriptor {
  return Object.keys(a).length ? { ...d, annotations: { ...d.annotations, ...a } } : d;
}

function variantKey(v: ImageVariant): string {
  return JSON.stringify([
    v.ociMediaTypes,
    v.compression ?? null,
    v.compressionLevel ?? null,
    v.forceCompression ?? null,
    v.rewriteTimestamp,
    v.sourceDateEpoch ?? null,
    annotationsKey(v.annotations),
  ]);
}

/** RFC 3339 in UTC with whole seconds, as Go's time.RFC3339 writes it. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

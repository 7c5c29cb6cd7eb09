/**
 * The typed outputs of a build (what buildx's `-o type=…,key=value` asks for, parsed once by
 * parse.ts) and what exporting them reports. An output names *where* the result goes; the
 * {@link ImageVariant} it carries says *which* image (media types, compression, timestamps,
 * annotations), so two outputs asking for the same variant share one assembled image.
 */
import type { Writable } from 'node:stream';
import type { Annotations, Descriptor, Digest, LayerCompression } from '../../oci/index.js';
import type { Platform } from '../../platform/index.js';
import type { Reference } from '../../registry/reference/index.js';
import type { PlatformImage } from '../image.js';

/** Annotations by where they go (buildx's `annotation[-TYPE][[PLATFORM]].KEY`). */
export interface AnnotationSet {
  /** On the index (multi-platform builds). */
  readonly index: Annotations;
  /** On the index's descriptor (in an OCI layout's index.json, the metadata file). */
  readonly indexDescriptor: Annotations;
  /** On every platform's manifest. */
  readonly manifest: Annotations;
  /** On every platform manifest's descriptor in the index. */
  readonly manifestDescriptor: Annotations;
  /** Per platform (`os/arch[/variant]`), over the above. */
  readonly platformManifest: Readonly<Record<string, Annotations>>;
  readonly platformManifestDescriptor: Readonly<Record<string, Annotations>>;
}

/** Which image an output holds; equal variants give the same digests. */
export interface ImageVariant {
  /** OCI media types, or Docker's (manifest list, schema 2). */
  readonly ociMediaTypes: boolean;
  /** Compression of the layers the build made (pulled layers keep theirs); default the build's. */
  readonly compression?: LayerCompression;
  readonly compressionLevel?: number;
  /** Remake layers made with other settings, pulled ones included; default the build's. */
  readonly forceCompression?: boolean;
  /** Clamp file times in the build-step layers to SOURCE_DATE_EPOCH. */
  readonly rewriteTimestamp: boolean;
  /** SOURCE_DATE_EPOCH for this output (the exporter's `source-date-epoch`), over the build's. */
  readonly sourceDateEpoch?: number;
  readonly annotations: AnnotationSet;
}

/** Where a file output is written: a path, or a stream (`dest=-`: standard output). */
export type Destination = string | Writable;

/** `type=image` (and `registry`): the image store and registries. */
export interface ImageOutput {
  readonly type: 'image';
  readonly names: readonly Reference[];
  readonly push: boolean;
  /** Push manifests by digest only, without the tag. */
  readonly pushByDigest: boolean;
  /** Also name (and push) `NAME@DIGEST`. */
  readonly nameCanonical: boolean;
  /** Name the image in the local store (default true). */
  readonly store: boolean;
  /** Unpack the host platform's image into the builder's snapshots, ready for `run`. */
  readonly unpack: boolean;
  /** With no name: store the image as `PREFIX@DIGEST`. */
  readonly danglingNamePrefix?: string;
  readonly image: ImageVariant;
}

/** `type=oci`: an OCI image layout, as a tar (default) or a directory (`tar=false`). */
export interface OciOutput {
  readonly type: 'oci';
  readonly dest: Destination;
  readonly tar: boolean;
  readonly names: readonly Reference[];
  readonly image: ImageVariant;
}

/**
 * `type=docker`: a tar that `docker load` reads (manifest.json, repositories and an OCI
 * layout); without `dest`, the image is loaded into the local image store under its names.
 */
export interface DockerOutput {
  readonly type: 'docker';
  readonly dest?: Destination;
  readonly names: readonly Reference[];
  readonly image: ImageVariant;
}

/** `type=local` / `type=tar`: the final stage's file system, per platform when split. */
export interface FilesOutput {
  readonly type: 'local' | 'tar';
  readonly dest: Destination;
  /** One `os_arch[_variant]` directory per platform; default: when several platforms are built. */
  readonly platformSplit?: boolean;
  /** Set every file time to this (SOURCE_DATE_EPOCH), in seconds. */
  readonly sourceDateEpoch?: number;
}

/** `type=cacheonly`: nothing leaves the builder. */
export interface CacheOnlyOutput {
  readonly type: 'cacheonly';
}

/** Every output a build can have. */
export type OutputSpec = ImageOutput | OciOutput | DockerOutput | FilesOutput | CacheOnlyOutput;

/** An assembled image of one variant, in the content store. */
export interface AssembledImage {
  /** The index for several platforms, the manifest for one (without platform). */
  readonly descriptor: Descriptor;
  readonly images: readonly PlatformImage[];
  /** The config of a single-platform image. */
  readonly configDigest?: Digest;
  /** When the image was made (RFC 3339): SOURCE_DATE_EPOCH, else the build's time. */
  readonly created: string;
}

/** What one output did (buildx's exporter response, typed). */
export interface OutputResult {
  readonly type: OutputSpec['type'];
  /** For image outputs (image, oci, docker): the image written. */
  readonly image?: AssembledImage;
  /** The names the image carries (full references), as `image.name` reports them. */
  readonly names: readonly string[];
  /** Names given in the local image store. */
  readonly stored: readonly string[];
  /** References pushed (with their tag, or `@digest` when pushed by digest). */
  readonly pushed: readonly string[];
  /** Files written: a tar's path, a directory, or `-` for a stream. */
  readonly written?: string;
  /** Platforms unpacked into the builder's snapshots. */
  readonly unpacked?: readonly Platform[];
}

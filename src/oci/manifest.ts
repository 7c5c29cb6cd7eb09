/**
 * Image manifests, image indexes and the `oci-layout` file as typed JSON values. Docker schema 2
 * manifests and manifest lists have the same shape and are read into the same types.
 */
import type { Annotations, Descriptor } from './descriptor.js';

/** An image manifest (OCI, or Docker schema 2): a config and an ordered list of layers. */
export interface ImageManifest {
  readonly schemaVersion: 2;
  /** Media type of this document; optional in OCI, always written by Manifold. */
  readonly mediaType?: string;
  /** Type of an artifact, when this manifest is not an image. */
  readonly artifactType?: string;
  readonly config: Descriptor;
  /** Layers, base first. */
  readonly layers: readonly Descriptor[];
  /** Manifest this one refers to (referrers API). */
  readonly subject?: Descriptor;
  readonly annotations?: Annotations;
}

/** An image index (OCI) or manifest list (Docker): manifests for several platforms. */
export interface ImageIndex {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly manifests: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Annotations;
}

/** Content of an OCI image layout's `oci-layout` file. */
export interface ImageLayoutHeader {
  readonly imageLayoutVersion: string;
}

/** The only image layout version defined. */
export const OCI_LAYOUT_VERSION = '1.0.0';

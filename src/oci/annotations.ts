/**
 * Annotation keys with a defined meaning: the OCI pre-defined keys (image-spec
 * `annotations.md`) and the ones BuildKit and containerd use on index entries.
 */

/** Pre-defined and well-known annotation keys. */
export const Annotation = {
  /** Date and time the image was built (RFC 3339). */
  Created: 'org.opencontainers.image.created',
  /** Contact details of the people or organisation responsible for the image. */
  Authors: 'org.opencontainers.image.authors',
  /** URL to find more information on the image. */
  Url: 'org.opencontainers.image.url',
  /** URL to get documentation on the image. */
  Documentation: 'org.opencontainers.image.documentation',
  /** URL to get the source code that built the image. */
  Source: 'org.opencontainers.image.source',
  /** Version of the packaged software. */
  Version: 'org.opencontainers.image.version',
  /** Source control revision the image was built from. */
  Revision: 'org.opencontainers.image.revision',
  /** Name of the distributing entity. */
  Vendor: 'org.opencontainers.image.vendor',
  /** SPDX license expression of the contained software. */
  Licenses: 'org.opencontainers.image.licenses',
  /** Name of a reference in an OCI image layout's `index.json` (a tag, or a full reference). */
  RefName: 'org.opencontainers.image.ref.name',
  /** Human-readable title of the image. */
  Title: 'org.opencontainers.image.title',
  /** Human-readable description of the image. */
  Description: 'org.opencontainers.image.description',
  /** Digest of the image this one is based on. */
  BaseDigest: 'org.opencontainers.image.base.digest',
  /** Reference of the image this one is based on. */
  BaseName: 'org.opencontainers.image.base.name',
  /** Full image name, as containerd writes it into an exported `index.json`. */
  ContainerdImageName: 'io.containerd.image.name',
  /** BuildKit: kind of a manifest that is not an image (`attestation-manifest`). */
  DockerReferenceType: 'vnd.docker.reference.type',
  /** BuildKit: digest of the image manifest an attestation manifest describes. */
  DockerReferenceDigest: 'vnd.docker.reference.digest',
  /** in-toto predicate type of an attestation layer. */
  InTotoPredicateType: 'in-toto.io/predicate-type',
} as const;

/** Value of `vnd.docker.reference.type` on an attestation manifest's index entry. */
export const ATTESTATION_MANIFEST_REFERENCE_TYPE = 'attestation-manifest';

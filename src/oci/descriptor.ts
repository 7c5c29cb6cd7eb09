/**
 * Content descriptors and platforms, as JSON values with the OCI field names
 * (`os.version`, `os.features`), plus the spec's empty descriptor.
 */
import type { Digest } from './digest.js';
import { MediaType } from './media-types.js';

/** String-to-string annotations of a descriptor, manifest or index. */
export type Annotations = Readonly<Record<string, string>>;

/** The platform object of an index entry (OCI JSON names). */
export interface OciPlatform {
  readonly architecture: string;
  readonly os: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
  readonly variant?: string;
}

/** A content descriptor: what a blob is, its digest and size, and where else to find it. */
export interface Descriptor {
  /** Media type of the referenced content. */
  readonly mediaType: string;
  /** Digest of the referenced bytes. */
  readonly digest: Digest;
  /** Size of the referenced bytes. */
  readonly size: number;
  /** Other places the blob may be fetched from (non-distributable layers). */
  readonly urls?: readonly string[];
  readonly annotations?: Annotations;
  /** The content itself, standard base64 with padding (small blobs only). */
  readonly data?: string;
  /** Platform of an image manifest referenced from an index. */
  readonly platform?: OciPlatform;
  /** Artifact type of a referenced artifact manifest. */
  readonly artifactType?: string;
}

/** The blob `{}`: the config of artifacts and attestation manifests that carry none. */
export const EMPTY_JSON_BYTES: Buffer = Buffer.from('{}');

/** The spec's empty descriptor (`application/vnd.oci.empty.v1+json`, `{}`, data inlined). */
export const EMPTY_DESCRIPTOR: Descriptor = Object.freeze({
  mediaType: MediaType.OciEmpty,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' as Digest,
  size: 2,
  data: 'e30=',
});

/**
 * Reading manifests, indexes and configs from their bytes (a registry response, a blob).
 *
 * The kind of a manifest document comes from, in order: its own `mediaType` member, the
 * Content-Type it was served with (parameters ignored, and only when it names a manifest or index
 * type), and last its shape (`manifests` → OCI index; `config` plus `layers` → OCI manifest),
 * as containerd does for documents that omit `mediaType`. A document whose members contradict its
 * media type (an index with `layers`, a manifest with `manifests`) is rejected, as is Docker
 * schema 1 and any media type that is not an OCI or Docker schema 2 manifest or index. The digest
 * returned is that of the exact bytes given: documents are never re-serialised.
 */
import { decodeImageConfig, decodeIndex, decodeManifest } from './decode.js';
import { type Digest, sha256Digest } from './digest.js';
import { OciDecodeError, UnsupportedMediaTypeError } from './errors.js';
import type { ImageConfig } from './image-config.js';
import type { ImageIndex, ImageManifest } from './manifest.js';
import {
  baseMediaType,
  isDockerSchema1MediaType,
  isIndexMediaType,
  isManifestMediaType,
  MediaType,
} from './media-types.js';

interface ParsedCommon {
  /** The document's media type, as resolved above. */
  readonly mediaType: string;
  /** sha256 of the exact bytes. */
  readonly digest: Digest;
  /** Length of the bytes. */
  readonly size: number;
  /** The bytes themselves, as given. */
  readonly bytes: Buffer;
}

/** A parsed image manifest. */
export interface ParsedManifest extends ParsedCommon {
  readonly kind: 'manifest';
  readonly manifest: ImageManifest;
}

/** A parsed image index or manifest list. */
export interface ParsedIndex extends ParsedCommon {
  readonly kind: 'index';
  readonly index: ImageIndex;
}

/** What `parseManifestOrIndex` returns. */
export type ParsedManifestOrIndex = ParsedManifest | ParsedIndex;

const WHAT = 'manifest or index';

/** Parses JSON bytes into an object, or throws OciDecodeError for `what`. */
export function parseJsonObject(bytes: Uint8Array | string, what: string): Record<string, unknown> {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new OciDecodeError(what, '', `not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OciDecodeError(what, '', 'expected a JSON object');
  }
  return value as Record<string, unknown>;
}

function rejectSchema1(mediaType: string | undefined, body: Record<string, unknown>): void {
  if ((mediaType !== undefined && isDockerSchema1MediaType(mediaType)) || body.schemaVersion === 1) {
    throw new UnsupportedMediaTypeError(
      mediaType ?? MediaType.DockerSchema1Manifest,
      'Docker schema 1 is not supported',
      {
        hint: 'push the image again with a current client: it writes schema 2 or OCI manifests',
      },
    );
  }
}

function resolveMediaType(body: Record<string, unknown>, contentType: string | undefined): string {
  const own = body.mediaType;
  if (own !== undefined && own !== null && typeof own !== 'string') {
    throw new OciDecodeError(WHAT, 'mediaType', 'expected a string');
  }
  const header = contentType === undefined ? undefined : baseMediaType(contentType);
  const served =
    header !== undefined && (isIndexMediaType(header) || isManifestMediaType(header)) ? header : undefined;
  rejectSchema1(typeof own === 'string' ? own : header, body);
  if (typeof own === 'string' && own !== '') {
    if (served !== undefined && served !== own) {
      throw new OciDecodeError(
        WHAT,
        'mediaType',
        `${JSON.stringify(own)} differs from the Content-Type ${JSON.stringify(served)}`,
      );
    }
    return own;
  }
  if (served !== undefined) return served;
  if (Array.isArray(body.manifests)) return MediaType.OciIndex;
  if (body.config !== undefined && Array.isArray(body.layers)) return MediaType.OciManifest;
  throw new OciDecodeError(
    WHAT,
    '',
    'no mediaType, and neither "manifests" nor "config" and "layers" members',
  );
}

/**
 * Parses a manifest or index from its bytes.
 * @param contentType the Content-Type it was served with, if any.
 * @throws OciDecodeError for malformed or contradictory documents, UnsupportedMediaTypeError for
 *   media types other than OCI / Docker schema 2 manifests and indexes.
 */
export function parseManifestOrIndex(
  bytes: Uint8Array | string,
  contentType?: string,
): ParsedManifestOrIndex {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
  const body = parseJsonObject(buf, WHAT);
  const mediaType = resolveMediaType(body, contentType);
  const common = { mediaType, digest: sha256Digest(buf), size: buf.length, bytes: buf };
  if (isIndexMediaType(mediaType)) {
    for (const member of ['config', 'layers']) {
      if (body[member] !== undefined) {
        throw new OciDecodeError(WHAT, member, `an index (${mediaType}) must not have a "${member}" member`);
      }
    }
    return { kind: 'index', index: decodeIndex(body), ...common };
  }
  if (isManifestMediaType(mediaType)) {
    if (body.manifests !== undefined) {
      throw new OciDecodeError(
        WHAT,
        'manifests',
        `a manifest (${mediaType}) must not have a "manifests" member`,
      );
    }
    return { kind: 'manifest', manifest: decodeManifest(body), ...common };
  }
  throw new UnsupportedMediaTypeError(
    mediaType,
    'expected an OCI or Docker schema 2 image manifest or index',
    {
      hint: `supported: ${MediaType.OciManifest}, ${MediaType.OciIndex}, ${MediaType.DockerManifest}, ${MediaType.DockerManifestList}`,
    },
  );
}

/** Parses an image config blob. @throws OciDecodeError */
export function parseImageConfig(bytes: Uint8Array | string): ImageConfig {
  return decodeImageConfig(parseJsonObject(bytes, 'image config'));
}

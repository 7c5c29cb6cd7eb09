/**
 * Guarding against manifest/index confusion (CVE-2021-41190) in what a registry serves.
 *
 * A manifest document must be a JSON object and not Docker schema 1 (`schemaVersion: 1` or
 * `fsLayers`). Its kind comes from the Content-Type it was served with, else its own
 * `mediaType`: served as an image manifest it must not carry `manifests` nor declare an index
 * media type; served as an index it must not carry `config` or `layers` nor declare a manifest
 * media type. OCI and Docker types of the same kind are interchangeable. The media type
 * reported is the Content-Type when it names a manifest or index, else the document's own,
 * else the OCI type its shape implies (`manifests` → index; `config` and `layers` → manifest).
 */
import { baseMediaType, isIndexMediaType, isManifestMediaType, MediaType } from '../oci/index.js';

/** Every manifest and index media type the client accepts, OCI and Docker. */
export const MANIFEST_ACCEPT: readonly string[] = [
  MediaType.OciIndex,
  MediaType.OciManifest,
  MediaType.DockerManifestList,
  MediaType.DockerManifest,
];

type Kind = 'manifest' | 'index';

function kindOf(mediaType: string | undefined): Kind | undefined {
  if (mediaType === undefined) return undefined;
  if (isManifestMediaType(mediaType)) return 'manifest';
  if (isIndexMediaType(mediaType)) return 'index';
  return undefined;
}

/**
 * Checks a served document and returns its media type.
 * @returns `{ mediaType }` or `{ problem }` describing why it must be refused.
 */
export function checkManifestDocument(
  bytes: Uint8Array,
  contentType: string | undefined,
): { readonly mediaType: string } | { readonly problem: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { problem: 'it is not valid JSON' };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return { problem: 'it is not a JSON object' };
  const rec = doc as Record<string, unknown>;
  if (rec.schemaVersion === 1 || rec.fsLayers !== undefined) {
    return { problem: 'it is a Docker schema 1 manifest, which is not supported' };
  }
  const served = contentType === undefined ? undefined : baseMediaType(contentType);
  const own = typeof rec.mediaType === 'string' && rec.mediaType !== '' ? rec.mediaType : undefined;
  const servedKind = kindOf(served);
  const ownKind = kindOf(own);
  const kind = servedKind ?? ownKind;
  if (servedKind !== undefined && own !== undefined && ownKind !== servedKind) {
    return { problem: `it was served as ${served} but declares mediaType ${own}` };
  }
  if (kind === 'manifest' && rec.manifests !== undefined) {
    return { problem: 'an image manifest must not have a "manifests" member' };
  }
  if (kind === 'index' && (rec.config !== undefined || rec.layers !== undefined)) {
    return { problem: 'an index must not have "config" or "layers" members' };
  }
  const byShape = Array.isArray(rec.manifests)
    ? MediaType.OciIndex
    : rec.config !== undefined && Array.isArray(rec.layers)
      ? MediaType.OciManifest
      : undefined;
  const mediaType = (servedKind !== undefined ? served : undefined) ?? own ?? byShape;
  if (mediaType === undefined) {
    return { problem: 'it has no media type (no Content-Type and no mediaType member)' };
  }
  return { mediaType };
}

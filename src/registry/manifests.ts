/**
 * Manifest requests against one endpoint: GET, HEAD and PUT of `/v2/<name>/manifests/<ref>`.
 *
 * - GET sends Accept for every OCI and Docker manifest and index type, reads at most the cap
 *   (4 MiB by default), refuses confused documents (`manifest-kind.ts`) and returns the exact
 *   bytes. Fetched by digest, the bytes must hash to it (the Docker-Content-Digest header is not
 *   trusted). Fetched by tag, the sha256 of the bytes is the digest, and a well-formed
 *   Docker-Content-Digest that disagrees with it is an error.
 * - HEAD gives a descriptor from Docker-Content-Digest, Content-Length and Content-Type; when one
 *   is missing, or the registry refuses HEAD (405), it falls back to a GET. 404 means "not
 *   here" (undefined). A 403 on HEAD, which has no body, is repeated once as GET to show the
 *   registry's explanation.
 * - PUT checks, when the target is a digest, that the bytes hash to it before sending; any
 *   Docker-Content-Digest in the answer must equal the digest of the bytes.
 */
import {
  createDigester,
  type Digest,
  digestAlgorithm,
  isDigest,
  isDigestAlgorithm,
  parseDigest,
  sha256Digest,
} from '../oci/index.js';
import { BodyTooLargeError, readCapped } from './body.js';
import { parseContentLength } from './content-headers.js';
import { RegistryError, registryDigestMismatch } from './errors.js';
import type { RegistryEndpoint } from './hosts.js';
import { checkManifestDocument, MANIFEST_ACCEPT } from './manifest-kind.js';
import { repositoryScope } from './scope.js';
import { header, type RegistryResponse, type RegistryTransport } from './transport.js';

/** A repository of a registry: what blob and tag operations address. */
export interface RepositoryRef {
  readonly registry: string;
  readonly repository: string;
}

/** A manifest reference: a repository plus a tag and/or a digest (the digest wins). */
export interface ManifestRef extends RepositoryRef {
  readonly tag?: string;
  readonly digest?: Digest;
}

/** A manifest as the registry served it. */
export interface FetchedManifest {
  /** The exact bytes. */
  readonly bytes: Buffer;
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
}

/** What HEAD tells about a manifest. */
export interface ManifestDescriptor {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
}

/** Options shared by the manifest calls. */
export interface ManifestCallOptions {
  readonly accept?: readonly string[];
  readonly signal?: AbortSignal;
  /** Retry temporary failures (false on mirrors, which fall through instead). */
  readonly retry?: boolean;
  /** Largest manifest accepted, in bytes. */
  readonly maxBytes: number;
}

/** `registry/repository:tag` or `registry/repository@digest`. */
export function manifestLabel(ref: ManifestRef): string {
  const base = `${ref.registry}/${ref.repository}`;
  return ref.digest !== undefined ? `${base}@${ref.digest}` : `${base}:${ref.tag ?? 'latest'}`;
}

function target(ref: ManifestRef): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

function protocolError(ep: RegistryEndpoint, message: string): RegistryError {
  return new RegistryError('E_REGISTRY_PROTOCOL', message, { registry: ep.host, temporary: false });
}

/** GET a manifest from one endpoint. */
export async function fetchManifest(
  t: RegistryTransport,
  ep: RegistryEndpoint,
  ref: ManifestRef,
  opts: ManifestCallOptions,
): Promise<FetchedManifest> {
  const label = manifestLabel(ref);
  const res = await t.send({
    endpoint: ep,
    method: 'GET',
    url: t.apiUrl(ep, `${ref.repository}/manifests/${target(ref)}`),
    headers: { accept: (opts.accept ?? MANIFEST_ACCEPT).join(', ') },
    scopes: [repositoryScope(ref.repository, 'pull')],
    expect: [200],
    what: `manifest ${label}`,
    ...(opts.retry === undefined ? {} : { retry: opts.retry }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  return readManifestAnswer(ep, ref, res, opts.maxBytes);
}

async function readManifestAnswer(
  ep: RegistryEndpoint,
  ref: ManifestRef,
  res: RegistryResponse,
  maxBytes: number,
): Promise<FetchedManifest> {
  const label = manifestLabel(ref);
  let bytes: Buffer;
  try {
    bytes = await readCapped(res.body, res.headers, maxBytes);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      throw protocolError(ep, `manifest ${label} is larger than the ${maxBytes}-byte limit for manifests`);
    }
    throw err;
  }
  const checked = checkManifestDocument(bytes, header(res.headers['content-type']));
  if ('problem' in checked)
    throw protocolError(
      ep,
      `registry ${ep.host} served an unusable manifest for ${label}: ${checked.problem}`,
    );
  let digest: Digest;
  if (ref.digest !== undefined) {
    const actual = hashWith(bytes, ref.digest);
    if (actual !== ref.digest)
      throw registryDigestMismatch(`manifest ${label} from ${ep.host}`, ref.digest, actual);
    digest = ref.digest;
  } else {
    digest = sha256Digest(bytes);
    const claimed = header(res.headers['docker-content-digest']);
    if (claimed !== undefined && isDigest(claimed) && hashWith(bytes, claimed) !== claimed) {
      throw registryDigestMismatch(
        `manifest ${label} from ${ep.host} (Docker-Content-Digest)`,
        claimed,
        hashWith(bytes, claimed),
      );
    }
  }
  return { bytes, mediaType: checked.mediaType, digest, size: bytes.length };
}

function hashWith(bytes: Uint8Array, like: Digest): Digest {
  const alg = digestAlgorithm(like);
  return isDigestAlgorithm(alg) ? createDigester(alg).update(bytes).digest() : sha256Digest(bytes);
}

/** HEAD a manifest on one endpoint; undefined when the endpoint does not have it. */
export async function headManifestAt(
  t: RegistryTransport,
  ep: RegistryEndpoint,
  ref: ManifestRef,
  opts: ManifestCallOptions,
): Promise<ManifestDescriptor | undefined> {
  const common = {
    endpoint: ep,
    url: t.apiUrl(ep, `${ref.repository}/manifests/${target(ref)}`),
    headers: { accept: (opts.accept ?? MANIFEST_ACCEPT).join(', ') },
    scopes: [repositoryScope(ref.repository, 'pull')],
    what: `manifest ${manifestLabel(ref)}`,
    ...(opts.retry === undefined ? {} : { retry: opts.retry }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  };
  const res = await t.send({ ...common, method: 'HEAD', expect: [200, 403, 404, 405] });
  await res.body.dump();
  if (res.status === 404) return undefined;
  if (res.status === 403) {
    // HEAD answers carry no body: ask once with GET for the registry's explanation.
    const again = await t.send({ ...common, method: 'GET', expect: [200], retry: false });
    await again.body.dump();
    throw protocolError(ep, `registry ${ep.host} answered 403 to HEAD and 200 to GET for ${common.what}`);
  }
  const type = header(res.headers['content-type']);
  const size = parseContentLength(res.headers['content-length']);
  const claimed = header(res.headers['docker-content-digest']);
  if (res.status === 200 && type !== undefined && size !== undefined && claimed !== undefined) {
    if (!isDigest(claimed)) throw protocolError(ep, `${claimed} in header not a valid digest`);
    const base = type.split(';')[0]?.trim() ?? type;
    if (size > opts.maxBytes)
      throw protocolError(ep, `${common.what} is larger than the ${opts.maxBytes}-byte limit`);
    return { mediaType: base, digest: ref.digest ?? parseDigest(claimed), size };
  }
  const got = await fetchManifest(t, ep, ref, opts);
  return { mediaType: got.mediaType, digest: got.digest, size: got.size };
}

/** PUT a manifest to one endpoint; returns its digest. */
export async function putManifestAt(
  t: RegistryTransport,
  ep: RegistryEndpoint,
  repo: RepositoryRef,
  tagOrDigest: string,
  bytes: Uint8Array,
  mediaType: string,
  opts: { readonly signal?: AbortSignal; readonly maxBytes: number },
): Promise<Digest> {
  const label = `${repo.registry}/${repo.repository}${isDigest(tagOrDigest) ? '@' : ':'}${tagOrDigest}`;
  if (bytes.length > opts.maxBytes)
    throw protocolError(ep, `manifest ${label} is larger than ${opts.maxBytes} bytes`);
  const digest = isDigest(tagOrDigest) ? hashWith(bytes, tagOrDigest) : sha256Digest(bytes);
  if (isDigest(tagOrDigest) && digest !== tagOrDigest) {
    throw registryDigestMismatch(`manifest ${label} to push`, tagOrDigest, digest, {
      hint: 'a manifest pushed by digest must be the exact bytes with that digest',
    });
  }
  const payload = Buffer.from(bytes);
  const res = await t.send({
    endpoint: ep,
    method: 'PUT',
    url: t.apiUrl(ep, `${repo.repository}/manifests/${tagOrDigest}`),
    headers: { 'content-type': mediaType, 'content-length': String(payload.length) },
    body: () => payload,
    scopes: [repositoryScope(repo.repository, 'push')],
    expect: [200, 201, 202, 204],
    what: `manifest ${label}`,
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  await res.body.dump();
  const claimed = header(res.headers['docker-content-digest']);
  if (claimed !== undefined && isDigest(claimed) && hashWith(payload, claimed) !== claimed) {
    throw registryDigestMismatch(
      `manifest ${label} as stored by ${ep.host}`,
      hashWith(payload, claimed),
      claimed,
    );
  }
  return digest;
}

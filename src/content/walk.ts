/**
 * What a blob references: an index its manifests, a manifest its config and layers.
 *
 * gc must never free a blob that a stored document references, including documents that other
 * tools wrote and that a strict decoder would refuse. So this reader is lenient: it parses the
 * JSON and follows every well-formed descriptor under `manifests`, `config`, `layers` and
 * `blobs` (the withdrawn OCI artifact manifest), and nothing else. `subject` is not followed: a
 * referrer (a signature, an SBOM) does not keep its subject alive. Configs and layers are leaves
 * and are never read. A descriptor without a media type (an extra gc root given as a bare digest)
 * is sniffed: a small blob that parses as an index or manifest is walked as one.
 */
import {
  type Digest,
  isDigest,
  isIndexMediaType,
  isManifestMediaType,
  type OciPlatform,
} from '../oci/index.js';

/** A blob to visit: a full descriptor, or a bare digest whose kind is unknown. */
export interface WalkNode {
  readonly digest: Digest;
  /** Undefined for a bare digest: the blob is sniffed. */
  readonly mediaType?: string;
  readonly platform?: OciPlatform;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** How the walker reads blobs: size (undefined when absent) and small JSON bytes. */
export interface WalkSource {
  blobSize(digest: Digest): Promise<number | undefined>;
  readJson(digest: Digest): Promise<Buffer>;
}

/** Blobs larger than this are never sniffed for JSON (documents are a few KiB). */
const SNIFF_LIMIT = 4 * 1024 * 1024;

/** True when the descriptor's media type says it is an index or manifest worth reading. */
export function isDocumentNode(node: WalkNode): boolean {
  return (
    node.mediaType !== undefined && (isIndexMediaType(node.mediaType) || isManifestMediaType(node.mediaType))
  );
}

/**
 * The children of a document's bytes (empty for anything that is not an index or manifest).
 * Never throws: unreadable JSON has no children the walker can know.
 */
export function documentChildren(bytes: Buffer): WalkNode[] {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    return [];
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  const doc = body as Record<string, unknown>;
  const out: WalkNode[] = [];
  for (const key of ['manifests', 'layers', 'blobs']) {
    const list = doc[key];
    if (Array.isArray(list)) for (const item of list) pushDescriptor(out, item);
  }
  pushDescriptor(out, doc.config);
  return out;
}

/** The `config` descriptor of a manifest's bytes, or undefined. Never throws. */
export function documentConfig(bytes: Buffer): WalkNode | undefined {
  try {
    const body = JSON.parse(bytes.toString('utf8')) as Record<string, unknown> | null;
    const out: WalkNode[] = [];
    if (typeof body === 'object' && body !== null) pushDescriptor(out, body.config);
    return out[0];
  } catch {
    return undefined;
  }
}

function pushDescriptor(out: WalkNode[], value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const v = value as Record<string, unknown>;
  if (!isDigest(v.digest)) return;
  out.push({
    digest: v.digest,
    mediaType: typeof v.mediaType === 'string' ? v.mediaType : '',
    ...(typeof v.platform === 'object' && v.platform !== null ? { platform: v.platform as OciPlatform } : {}),
    ...(typeof v.annotations === 'object' && v.annotations !== null
      ? { annotations: v.annotations as Record<string, string> }
      : {}),
  });
}

/** True when a document's JSON looks like an index or manifest (for bare-digest roots). */
function looksLikeDocument(bytes: Buffer): boolean {
  if (bytes[0] !== 0x7b /* { */) return false;
  try {
    const v = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    return Array.isArray(v.manifests) || (typeof v.config === 'object' && Array.isArray(v.layers));
  } catch {
    return false;
  }
}

/** Visitor callbacks of `walk`. */
export interface WalkVisitor {
  /** A present blob, with its size and, for documents, its children. */
  present?(node: WalkNode, size: number, children: readonly WalkNode[]): void;
  /** A referenced blob that is not in the store. */
  missing?(node: WalkNode, parent: WalkNode | undefined): void;
}

/**
 * Visits every blob reachable from `roots` once (depth first, by digest). Returns the set of
 * digests reached that are present in the store.
 */
export async function walk(
  source: WalkSource,
  roots: Iterable<WalkNode>,
  visitor: WalkVisitor = {},
): Promise<Set<Digest>> {
  const seen = new Set<Digest>();
  const present = new Set<Digest>();
  const stack: { node: WalkNode; parent: WalkNode | undefined }[] = [...roots].map((node) => ({
    node,
    parent: undefined,
  }));
  while (stack.length > 0) {
    const { node, parent } = stack.pop()!;
    if (seen.has(node.digest)) continue;
    seen.add(node.digest);
    const size = await source.blobSize(node.digest);
    if (size === undefined) {
      visitor.missing?.(node, parent);
      continue;
    }
    present.add(node.digest);
    const children = await childrenOf(source, node, size);
    visitor.present?.(node, size, children);
    for (const child of children) stack.push({ node: child, parent: node });
  }
  return present;
}

async function childrenOf(source: WalkSource, node: WalkNode, size: number): Promise<WalkNode[]> {
  if (isDocumentNode(node)) return documentChildren(await source.readJson(node.digest));
  if (node.mediaType !== undefined || size > SNIFF_LIMIT) return [];
  const bytes = await source.readJson(node.digest);
  return looksLikeDocument(bytes) ? documentChildren(bytes) : [];
}

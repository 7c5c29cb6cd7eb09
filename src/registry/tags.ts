/**
 * Listing the tags of a repository: `GET /v2/<name>/tags/list?n=<page>`, following the `Link:
 * <…>; rel="next"` header page by page (each page capped at 4 MiB, at most 10 000 pages). Every
 * tag the registry returns must match the tag grammar (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`): a
 * malformed one is an error, never turned into a path or URL (CVE-2024-3727).
 */
import { redirectProblem } from './address-policy.js';
import { readCapped } from './body.js';
import { RegistryError } from './errors.js';
import type { RegistryEndpoint } from './hosts.js';
import type { RepositoryRef } from './manifests.js';
import { repositoryScope } from './scope.js';
import { header, type RegistryTransport } from './transport.js';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const PAGE_BYTES = 4 << 20;
const PAGE_SIZE = 1000;
const MAX_PAGES = 10_000;

/** True for a string that is a valid tag. */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** The `rel="next"` target of a Link header, if any. */
export function nextLink(link: string | undefined): string | undefined {
  if (link === undefined) return undefined;
  for (const part of link.split(',')) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m !== null && /(^|;)\s*rel="?next"?\s*(;|$)/i.test(m[2] as string)) return m[1];
  }
  return undefined;
}

/** Every tag of a repository, in the registry's order. */
export async function listTagsAt(
  t: RegistryTransport,
  ep: RegistryEndpoint,
  repo: RepositoryRef,
  signal?: AbortSignal,
): Promise<string[]> {
  const label = `${repo.registry}/${repo.repository}`;
  const tags: string[] = [];
  let url: URL | undefined = t.apiUrl(ep, `${repo.repository}/tags/list`, { n: String(PAGE_SIZE) });
  for (let page = 0; url !== undefined; page++) {
    if (page >= MAX_PAGES) throw protocol(ep, `tag list of ${label} has more than ${MAX_PAGES} pages`);
    const res = await t.send({
      endpoint: ep,
      method: 'GET',
      url,
      scopes: [repositoryScope(repo.repository, 'pull')],
      expect: [200],
      what: `tag list of ${label}`,
      ...(signal === undefined ? {} : { signal }),
    });
    const bytes = await readCapped(res.body, res.headers, PAGE_BYTES).catch((err: unknown) => {
      throw protocol(ep, `tag list page of ${label} is not readable: ${(err as Error).message}`);
    });
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw protocol(ep, `tag list of ${label} is not JSON`);
    }
    const list = (doc as { tags?: unknown } | null)?.tags;
    if (list !== null && list !== undefined && !Array.isArray(list))
      throw protocol(ep, `tag list of ${label} has no "tags" array`);
    for (const tag of list ?? []) {
      if (typeof tag !== 'string' || !isValidTag(tag)) {
        throw protocol(ep, `registry ${ep.host} listed an invalid tag ${JSON.stringify(tag)} for ${label}`);
      }
      tags.push(tag);
    }
    const next = nextLink(header(res.headers.link));
    if (next === undefined) {
      url = undefined;
    } else {
      const target = new URL(next, res.url);
      const problem = redirectProblem(res.url, target);
      if (problem !== undefined) throw protocol(ep, `refusing the next-page link of ${label}: ${problem}`);
      url = target;
    }
  }
  return tags;
}

function protocol(ep: RegistryEndpoint, message: string): RegistryError {
  return new RegistryError('E_REGISTRY_PROTOCOL', message, { registry: ep.host, temporary: false });
}

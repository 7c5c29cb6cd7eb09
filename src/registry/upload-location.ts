/**
 * Upload Locations: where a registry says the next part of an upload goes. A Location may be
 * absolute or relative (resolved against the URL that answered, query kept); one on another
 * host must not be an internal address (`address-policy.ts`), and gets no credentials from the
 * transport. A missing Location is an error.
 */
import { redirectProblem } from './address-policy.js';
import { RegistryError } from './errors.js';
import type { RegistryEndpoint } from './hosts.js';
import { header, type RegistryResponse } from './transport.js';

/** The upload URL an answer points to (see the module comment). */
export function nextLocation(ep: RegistryEndpoint, res: Pick<RegistryResponse, 'headers' | 'url'>): URL {
  const location = header(res.headers.location);
  if (location === undefined || location === '') {
    throw new RegistryError(
      'E_REGISTRY_PROTOCOL',
      `registry ${ep.host} started an upload without a Location header`,
      {
        registry: ep.host,
        temporary: false,
      },
    );
  }
  const next = new URL(location, res.url);
  const problem = redirectProblem(res.url, next);
  if (problem !== undefined) {
    throw new RegistryError(
      'E_REGISTRY_PROTOCOL',
      `refusing the upload Location of registry ${ep.host}: ${problem}`,
      {
        registry: ep.host,
        temporary: false,
      },
    );
  }
  return next;
}

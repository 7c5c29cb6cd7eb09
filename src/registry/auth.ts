/**
 * Authentication state of one client: which hosts want what, and the tokens it holds.
 *
 * Requests go out anonymously until a host answers 401. Its `WWW-Authenticate` challenge is
 * then remembered per host:port: `Basic` means the host's own credentials go in every later
 * request; `Bearer` means a token for the request's scopes (plus the challenge's) is fetched
 * from the realm, cached until it expires (keyed by host, realm and service) and reused by any
 * request whose scopes it covers; one fetch per scope set is in flight at a time. A 401 to a
 * request that already carried a token fetches a fresh one once (the transport then gives up on
 * a second 401), which also covers `insufficient_scope` (the new token asks for the union).
 * Credentials come from the `CredentialSource` under the key of the endpoint actually contacted
 * (a mirror's own host, never the origin's), and are only ever attached to that host.
 */
import type { Dispatcher } from 'undici';
import { urlAddress } from './address-policy.js';
import { type AuthChallenge, challengeScopes, parseChallenges, selectChallenge } from './challenge.js';
import type { CredentialSource, RegistryCredential } from './credentials.js';
import type { RegistryEndpoint } from './hosts.js';
import { mergeScopes, scopesCover } from './scope.js';
import { type BearerToken, fetchToken } from './token.js';

/** What the client should do after a 401. */
export type ChallengeAnswer = { readonly authorization: string } | { readonly failure: string };

/** Options of an `Authenticator`. */
export interface AuthenticatorOptions {
  readonly credentials: CredentialSource;
  readonly dispatcher: Dispatcher;
  readonly userAgent: string;
  readonly now?: () => number;
}

type HostState =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'basic' | 'bearer'; readonly challenge: AuthChallenge };

interface CachedToken extends BearerToken {
  readonly scopes: readonly string[];
}

/** Seconds of validity a cached token must still have to be reused. */
const EXPIRY_MARGIN_MS = 10_000;

/** Per-client authentication state (see the module comment). */
export class Authenticator {
  readonly #opts: AuthenticatorOptions;
  readonly #now: () => number;
  readonly #hosts = new Map<string, HostState>();
  readonly #tokens = new Map<string, CachedToken[]>();
  readonly #inflight = new Map<string, Promise<CachedToken>>();
  readonly #creds = new Map<string, Promise<RegistryCredential | undefined>>();
  readonly #refreshed = new Map<string, string>();

  constructor(options: AuthenticatorOptions) {
    this.#opts = options;
    this.#now = options.now ?? Date.now;
  }

  /** True once the client knows how `url`'s host wants to be addressed. */
  knows(url: URL): boolean {
    return this.#hosts.has(urlAddress(url));
  }

  /** Records that `url`'s host answered without a challenge. */
  learnAnonymous(url: URL): void {
    if (!this.#hosts.has(urlAddress(url))) this.#hosts.set(urlAddress(url), { kind: 'anonymous' });
  }

  /** The Authorization header for a request to `url` needing `scopes`, if the host wants one. */
  async authorization(
    endpoint: RegistryEndpoint,
    url: URL,
    scopes: readonly string[],
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const state = this.#hosts.get(urlAddress(url));
    if (state === undefined || state.kind === 'anonymous') return undefined;
    if (state.kind === 'basic') return basicHeader(await this.credential(endpoint));
    const token = await this.#token(endpoint, url, state.challenge, mergeScopes(scopes), false, signal);
    return `Bearer ${token.token}`;
  }

  /**
   * Answers a 401 from `url`: the header to retry with, or why there is none.
   * `previous` is the Authorization the rejected request carried.
   */
  async answer(
    endpoint: RegistryEndpoint,
    url: URL,
    wwwAuthenticate: string | readonly string[] | undefined,
    scopes: readonly string[],
    previous: string | undefined,
    signal?: AbortSignal,
  ): Promise<ChallengeAnswer> {
    const challenge = selectChallenge(parseChallenges(wwwAuthenticate));
    if (challenge === undefined)
      return { failure: 'it answered 401 without a usable WWW-Authenticate challenge' };
    const address = urlAddress(url);
    if (challenge.scheme === 'basic') {
      this.#hosts.set(address, { kind: 'basic', challenge });
      const header = basicHeader(await this.credential(endpoint));
      if (header === undefined)
        return { failure: 'it wants basic authentication and there are no credentials' };
      if (previous?.startsWith('Basic ')) return { failure: 'it rejected them' };
      return { authorization: header };
    }
    if (challenge.scheme !== 'bearer')
      return { failure: `it wants the unsupported auth scheme "${challenge.scheme}"` };
    this.#hosts.set(address, { kind: 'bearer', challenge });
    const want = mergeScopes(scopes, challengeScopes(challenge));
    const token = await this.#token(
      endpoint,
      url,
      challenge,
      want,
      previous?.startsWith('Bearer ') === true,
      signal,
    );
    if (previous === `Bearer ${token.token}`) return { failure: 'it rejected a freshly issued token' };
    return { authorization: `Bearer ${token.token}` };
  }

  /** The credentials for an endpoint (memoized per client). */
  credential(endpoint: RegistryEndpoint): Promise<RegistryCredential | undefined> {
    const key = credentialKey(endpoint);
    let hit = this.#creds.get(key);
    if (hit === undefined) {
      hit = this.#opts.credentials.get(key);
      hit.catch(() => this.#creds.delete(key));
      this.#creds.set(key, hit);
    }
    return hit;
  }

  /** "credentials for X from …" or "no credentials (…)", for error messages. */
  async describeCredentials(endpoint: RegistryEndpoint): Promise<string> {
    let cred: RegistryCredential | undefined;
    try {
      cred = await this.credential(endpoint);
    } catch {
      return 'credentials that could not be read';
    }
    if (cred !== undefined) return cred.source;
    return `no credentials (${this.#opts.credentials.describe(credentialKey(endpoint))})`;
  }

  async #token(
    endpoint: RegistryEndpoint,
    url: URL,
    challenge: AuthChallenge,
    scopes: readonly string[],
    fresh: boolean,
    signal: AbortSignal | undefined,
  ): Promise<CachedToken> {
    const key = `${urlAddress(url)}|${challenge.params.realm ?? ''}|${challenge.params.service ?? ''}`;
    const now = this.#now();
    const live = (this.#tokens.get(key) ?? []).filter((t) => t.expiresAt - EXPIRY_MARGIN_MS > now);
    if (fresh) {
      this.#tokens.set(
        key,
        live.filter((t) => !scopesCover(t.scopes, scopes)),
      );
    } else {
      this.#tokens.set(key, live);
      const hit = live.find((t) => scopesCover(t.scopes, scopes));
      if (hit !== undefined) return hit;
    }
    const flightKey = `${key}|${scopes.join(' ')}`;
    let flight = this.#inflight.get(flightKey);
    if (flight === undefined) {
      flight = this.#fetch(endpoint, url, challenge, scopes, signal).then((token) => {
        this.#tokens.set(key, [...(this.#tokens.get(key) ?? []), token]);
        return token;
      });
      const cleanup = (): void => {
        this.#inflight.delete(flightKey);
      };
      flight.then(cleanup, cleanup);
      this.#inflight.set(flightKey, flight);
    }
    return flight;
  }

  async #fetch(
    endpoint: RegistryEndpoint,
    url: URL,
    challenge: AuthChallenge,
    scopes: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<CachedToken> {
    const ckey = credentialKey(endpoint);
    const base = await this.credential(endpoint);
    const refreshed = this.#refreshed.get(ckey);
    const credential =
      base !== undefined && refreshed !== undefined ? { ...base, identityToken: refreshed } : base;
    const token = await fetchToken({
      challenge,
      scopes,
      credential,
      registryUrl: url,
      dispatcher: this.#opts.dispatcher,
      userAgent: this.#opts.userAgent,
      now: this.#now,
      ...(signal === undefined ? {} : { signal }),
    });
    if (token.refreshToken !== undefined && credential?.identityToken !== undefined) {
      this.#refreshed.set(ckey, token.refreshToken);
    }
    return { ...token, scopes };
  }
}

/** The key credentials are looked up under: the mirror's host, or the registry's name. */
export function credentialKey(endpoint: RegistryEndpoint): string {
  return endpoint.mirror ? endpoint.host : endpoint.registry;
}

function basicHeader(cred: RegistryCredential | undefined): string | undefined {
  if (cred?.username === undefined || cred.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
}

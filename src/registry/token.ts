/**
 * Getting a bearer token from the realm of a registry's challenge (the distribution token spec).
 *
 * - No credentials: anonymous `GET <realm>?service=…&scope=…&scope=…` (one `scope` per scope).
 * - Username and password: the same GET with `Authorization: Basic`.
 * - An identity token (`docker login` against an OAuth server): `POST <realm>` with the form
 *   `grant_type=refresh_token&refresh_token=…&service=…&scope=…&client_id=manifold`; when the
 *   server does not do OAuth (404, 405, 400, 401) and a username and password exist, the GET
 *   with Basic is used instead. A `refresh_token` in the answer replaces the identity token.
 * The answer carries `token` or `access_token`; `expires_in` below 60 s counts as 60 s (and is
 * 60 s when absent); `issued_at` missing or zero means now. The realm is checked first (see
 * `address-policy.ts`), redirects are not followed, and at most 1 MiB of answer is read.
 */
import { type Dispatcher, request } from 'undici';
import { realmProblem } from './address-policy.js';
import type { AuthChallenge } from './challenge.js';
import type { RegistryCredential } from './credentials.js';
import { readErrorBody } from './error-body.js';
import { RegistryError } from './errors.js';
import { redactUrl } from './redact.js';
import { isTransientNetworkError } from './retry.js';

/** A token and when it stops being usable. */
export interface BearerToken {
  readonly token: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** A new refresh token, when the server issued one. */
  readonly refreshToken?: string;
}

/** What a token request needs. */
export interface TokenRequest {
  readonly challenge: AuthChallenge;
  readonly scopes: readonly string[];
  readonly credential: RegistryCredential | undefined;
  /** The registry URL the challenge came from (realm checks). */
  readonly registryUrl: URL;
  readonly dispatcher: Dispatcher;
  readonly userAgent: string;
  readonly now: () => number;
  readonly signal?: AbortSignal;
}

const TOKEN_BODY_LIMIT = 1 << 20;
const MIN_EXPIRY_S = 60;

/**
 * Parses a token answer (see the module comment).
 * @throws Error when the body is not JSON or holds no token.
 */
export function parseTokenResponse(text: string, nowMs: number): BearerToken {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error('token answer is not JSON');
  }
  const rec = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  const token =
    typeof rec.token === 'string' && rec.token !== ''
      ? rec.token
      : typeof rec.access_token === 'string' && rec.access_token !== ''
        ? rec.access_token
        : undefined;
  if (token === undefined) throw new Error('token answer has neither "token" nor "access_token"');
  const expiresIn =
    typeof rec.expires_in === 'number' && rec.expires_in > MIN_EXPIRY_S ? rec.expires_in : MIN_EXPIRY_S;
  let issued = typeof rec.issued_at === 'string' ? Date.parse(rec.issued_at) : Number.NaN;
  if (Number.isNaN(issued) || issued <= 0) issued = nowMs;
  const refresh =
    typeof rec.refresh_token === 'string' && rec.refresh_token !== '' ? rec.refresh_token : undefined;
  return {
    token,
    expiresAt: issued + expiresIn * 1000,
    ...(refresh === undefined ? {} : { refreshToken: refresh }),
  };
}

/** Fetches a token for `req.scopes` (see the module comment). */
export async function fetchToken(req: TokenRequest): Promise<BearerToken> {
  const realm = req.challenge.params.realm;
  const registry = req.registryUrl.host;
  if (realm === undefined || realm === '') {
    throw tokenError(registry, 'the bearer challenge has no realm', undefined);
  }
  const problem = realmProblem(realm, req.registryUrl);
  if (problem !== undefined) throw tokenError(registry, `refusing the token realm: ${problem}`, undefined);
  const cred = req.credential;
  if (cred?.identityToken !== undefined) {
    const answer = await post(req, realm, cred.identityToken);
    if (answer.status === 200) return parseAnswer(answer.text, req, realm);
    const oauthUnsupported = [400, 401, 404, 405].includes(answer.status);
    if (!oauthUnsupported || cred.username === undefined || cred.password === undefined) {
      throw tokenError(
        registry,
        `token server ${redactUrl(realm)} answered ${answer.status} to the OAuth request`,
        answer.status,
      );
    }
  }
  const answer = await get(req, realm);
  if (answer.status !== 200) {
    const who = cred === undefined ? 'anonymous' : cred.source;
    throw tokenError(
      registry,
      `token server ${redactUrl(realm)} answered ${answer.status} to a token request (${who})${answer.status === 401 ? ': credentials rejected' : ''}`,
      answer.status,
    );
  }
  return parseAnswer(answer.text, req, realm);
}

function parseAnswer(text: string, req: TokenRequest, realm: string): BearerToken {
  try {
    return parseTokenResponse(text, req.now());
  } catch (err) {
    throw tokenError(
      req.registryUrl.host,
      `bad answer from token server ${redactUrl(realm)}: ${(err as Error).message}`,
      200,
    );
  }
}

function tokenError(registry: string, message: string, status: number | undefined): RegistryError {
  return new RegistryError(
    status === 401 || status === 403 ? 'E_REGISTRY_UNAUTHORIZED' : 'E_REGISTRY_PROTOCOL',
    message,
    {
      registry,
      ...(status === undefined ? {} : { status }),
      temporary: status !== undefined && status >= 500,
      hint: 'check the credentials for this registry (config.json) and that its token server is reachable',
    },
  );
}

interface Answer {
  readonly status: number;
  readonly text: string;
}

async function get(req: TokenRequest, realm: string): Promise<Answer> {
  const url = new URL(realm);
  const service = req.challenge.params.service;
  if (service !== undefined && service !== '') url.searchParams.set('service', service);
  for (const scope of req.scopes) url.searchParams.append('scope', scope);
  const headers: Record<string, string> = { 'user-agent': req.userAgent };
  const cred = req.credential;
  if (cred?.username !== undefined && cred.password !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
  }
  return exchange(req, url, 'GET', headers, undefined);
}

async function post(req: TokenRequest, realm: string, refreshToken: string): Promise<Answer> {
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: 'manifold',
  });
  const service = req.challenge.params.service;
  if (service !== undefined && service !== '') form.set('service', service);
  if (req.scopes.length > 0) form.set('scope', req.scopes.join(' '));
  const headers = { 'user-agent': req.userAgent, 'content-type': 'application/x-www-form-urlencoded' };
  return exchange(req, new URL(realm), 'POST', headers, form.toString());
}

async function exchange(
  req: TokenRequest,
  url: URL,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body: string | undefined,
): Promise<Answer> {
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      method,
      headers,
      body: body ?? null,
      dispatcher: req.dispatcher,
      ...(req.signal === undefined ? {} : { signal: req.signal }),
    });
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') throw err;
    throw new RegistryError(
      'E_REGISTRY_CONNECTION',
      `cannot reach token server ${redactUrl(url)} of registry ${req.registryUrl.host}: ${(err as Error).message}`,
      { registry: req.registryUrl.host, temporary: isTransientNetworkError(err), cause: err },
    );
  }
  const read = await readErrorBody(res.body, TOKEN_BODY_LIMIT);
  return { status: res.statusCode, text: read.text };
}

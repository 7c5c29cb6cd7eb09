/**
 * One registry request, done properly: authorization, redirects, https→http fallback, retries
 * and errors that say what to do.
 *
 * - Authorization: the endpoint host's header (from `Authenticator`) is attached only to
 *   requests for that host:port. A 401 from it is answered once (basic credentials or a fresh
 *   token); a second 401 is an `E_REGISTRY_UNAUTHORIZED` naming the credentials tried. Before
 *   the first request with a body to a host whose challenge is unknown, `GET /v2/` learns it,
 *   so a large upload is not sent only to be refused.
 * - Redirects (301, 302, 303, 307, 308; at most 10) are followed unless the caller expects that
 *   status; Authorization is dropped on a hop to another host, and a cross-host hop to an
 *   internal address is refused (`address-policy.ts`).
 * - An endpoint with `httpFallback` whose HTTPS attempt meets a plain HTTP server switches that
 *   host to HTTP for the rest of the client's life (BuildKit's insecure + http rule).
 * - Retries (`retry.ts`): statuses 408/429/5xx whose codes are temporary, and dropped
 *   connections, up to the policy's attempts, waiting with backoff or `Retry-After`. A request
 *   body is a factory, so every attempt sends it afresh. `retry: false` makes one attempt.
 * - An unexpected status reads at most 64 KiB of the error body and becomes a `RegistryError`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';
import { type Dispatcher, request } from 'undici';
import { canonicalAddress, redirectProblem } from './address-policy.js';
import { Authenticator } from './auth.js';
import { connectionError, type FailureContext, isPlainHttpAnswer } from './connection-errors.js';
import type { CredentialSource } from './credentials.js';
import { readErrorBody } from './error-body.js';
import { type RegistryDiagnostic, RegistryError } from './errors.js';
import type { RegistryEndpoint } from './hosts.js';
import { redactUrl } from './redact.js';
import {
  isRetryableStatus,
  isTransientNetworkError,
  parseRetryAfter,
  type RetryPolicy,
  retryDelay,
  sleep,
} from './retry.js';
import { statusError } from './status-errors.js';

/** HTTP methods the client uses. */
export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** A request body: made afresh for every attempt. */
export type BodyFactory = () => Readable | Uint8Array | string;

/** One request to a registry endpoint. */
export interface RegistryRequest {
  readonly endpoint: RegistryEndpoint;
  readonly method: HttpMethod;
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: BodyFactory;
  /** Token scopes the request needs. */
  readonly scopes: readonly string[];
  /** Statuses handed back to the caller; anything else is an error. */
  readonly expect: readonly number[];
  /** What is asked for, for messages (`manifest host/repo:tag`). */
  readonly what?: string;
  /** Retry temporary failures (default true). */
  readonly retry?: boolean;
  readonly signal?: AbortSignal;
}

/** An answer with an expected status; the caller consumes or dumps `body`. */
export interface RegistryResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Dispatcher.ResponseData['body'];
  /** The URL that answered (after redirects and fallback). */
  readonly url: URL;
}

/** What a transport needs. */
export interface TransportOptions {
  readonly dispatcher: Dispatcher;
  readonly credentials: CredentialSource;
  readonly retry: RetryPolicy;
  /** The buildkitd.toml the hosts came from, for hints. */
  readonly configFile: string | undefined;
  readonly userAgent: string;
  readonly random?: () => number;
  readonly now?: () => number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

interface Exchange {
  readonly res: Dispatcher.ResponseData;
  readonly url: URL;
}

/** An error answer, read. */
interface Failure {
  readonly kind: 'failure';
  readonly url: URL;
  readonly status: number;
  readonly statusText: string;
  readonly diagnostics: readonly RegistryDiagnostic[];
  readonly text: string;
  readonly retryAfter: string | undefined;
  /** Why authorization failed, for 401s. */
  readonly failure?: string;
}

type Outcome = (Exchange & { readonly kind: 'answer' }) | Failure;

async function readFailure(out: Exchange & { readonly kind?: 'answer' }): Promise<Failure> {
  const read = await readErrorBody(out.res.body);
  return {
    kind: 'failure',
    url: out.url,
    status: out.res.statusCode,
    statusText: out.res.statusText || STATUS_CODES[out.res.statusCode] || '',
    diagnostics: read.diagnostics,
    text: read.text,
    retryAfter: header(out.res.headers['retry-after']),
  };
}

/** Sends registry requests (see the module comment). */
export class RegistryTransport {
  readonly auth: Authenticator;
  readonly #opts: TransportOptions;
  readonly #plainHosts = new Set<string>();

  constructor(options: TransportOptions) {
    this.#opts = options;
    this.auth = new Authenticator({
      credentials: options.credentials,
      dispatcher: options.dispatcher,
      userAgent: options.userAgent,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  }

  /** The buildkitd.toml the hosts came from. */
  get configFile(): string | undefined {
    return this.#opts.configFile;
  }

  /** `<scheme>://<host><api path>/<path>` for an endpoint (with `ns=` on mirrors). */
  apiUrl(endpoint: RegistryEndpoint, path: string, query: Record<string, string> = {}): URL {
    const scheme = this.#plainHosts.has(endpoint.host) ? 'http' : endpoint.scheme;
    const url = new URL(`${scheme}://${endpoint.host}${endpoint.path}/${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    if (endpoint.mirror) url.searchParams.set('ns', endpoint.registry);
    return url;
  }

  /** Sends `req`, retrying as the policy allows; resolves with an expected answer. */
  async send(req: RegistryRequest): Promise<RegistryResponse> {
    const policy = this.#opts.retry;
    const max = req.retry === false ? 1 : policy.maxAttempts;
    for (let attempt = 1; ; attempt++) {
      let out: Outcome;
      try {
        out = await this.#authorized(req);
      } catch (err) {
        const mapped = connectionError(err, this.#context(req, this.#effective(req.url, req.endpoint)));
        if (attempt < max && !req.signal?.aborted && isTransientNetworkError(mapped)) {
          await sleep(retryDelay(attempt, policy, undefined, this.#opts.random), req.signal);
          continue;
        }
        throw mapped;
      }
      if (out.kind === 'answer' && req.expect.includes(out.res.statusCode)) {
        return { status: out.res.statusCode, headers: out.res.headers, body: out.res.body, url: out.url };
      }
      let failed = out.kind === 'answer' ? await readFailure(out) : out;
      if (failed.status === 400 && failed.text === '' && failed.url.protocol === 'http:') {
        failed = { ...failed, text: await this.#explain400(req.endpoint, failed.url, req.signal) };
      }
      let tried = await this.auth.describeCredentials(req.endpoint);
      if (failed.failure !== undefined) tried = `${tried} (${failed.failure})`;
      const error = statusError(failed, this.#context(req, failed.url), tried);
      if (attempt < max && isRetryableStatus(failed.status) && error.temporary) {
        const after = parseRetryAfter(failed.retryAfter, (this.#opts.now ?? Date.now)());
        await sleep(retryDelay(attempt, policy, after, this.#opts.random), req.signal);
        continue;
      }
      throw error;
    }
  }

  #context(req: RegistryRequest, url: URL): FailureContext {
    return {
      endpoint: req.endpoint,
      method: req.method,
      url,
      configFile: this.#opts.configFile,
      ...(req.what === undefined ? {} : { what: req.what }),
    };
  }

  #onEndpointHost(url: URL, endpoint: RegistryEndpoint): boolean {
    return canonicalAddress('https', url.host) === canonicalAddress('https', endpoint.host);
  }

  async #authorized(req: RegistryRequest): Promise<Outcome> {
    const { endpoint, scopes, signal } = req;
    const auth = this.auth;
    const url = this.#effective(req.url, endpoint);
    const own = this.#onEndpointHost(url, endpoint);
    if (own && req.body !== undefined && !auth.knows(url)) await this.#ping(endpoint, scopes, signal);
    let authorization = own
      ? await auth.authorization(endpoint, this.#effective(url, endpoint), scopes, signal)
      : undefined;
    let out = await this.#follow(req, authorization);
    if (out.res.statusCode !== 401 || req.expect.includes(401) || !this.#onEndpointHost(out.url, endpoint)) {
      if (own && out.res.statusCode < 400) auth.learnAnonymous(out.url);
      return { kind: 'answer', ...out };
    }
    const challenge = out.res.headers['www-authenticate'];
    const first = await readFailure({ kind: 'answer', ...out });
    const answer = await auth.answer(endpoint, out.url, challenge, scopes, authorization, signal);
    if ('failure' in answer) return { ...first, failure: answer.failure };
    authorization = answer.authorization;
    out = await this.#follow(req, authorization);
    if (out.res.statusCode !== 401) return { kind: 'answer', ...out };
    return { ...(await readFailure({ kind: 'answer', ...out })), failure: 'it rejected them' };
  }

  /**
   * A bodiless 400 (an answer to HEAD) over plain HTTP may come from an HTTPS-only server; one
   * GET of `/v2/` shows its explanation. Never throws.
   */
  async #explain400(endpoint: RegistryEndpoint, url: URL, signal: AbortSignal | undefined): Promise<string> {
    try {
      const probe = new URL(`${url.protocol}//${url.host}/v2/`);
      const { res } = await this.#http(
        endpoint,
        'GET',
        probe,
        { 'user-agent': this.#opts.userAgent },
        undefined,
        signal,
      );
      if (res.statusCode === 400) return (await readErrorBody(res.body)).text;
      await res.body.dump();
      return '';
    } catch {
      return '';
    }
  }

  async #ping(
    endpoint: RegistryEndpoint,
    scopes: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const url = this.apiUrl(endpoint, '');
    const { res, url: answered } = await this.#http(
      endpoint,
      'GET',
      url,
      { 'user-agent': this.#opts.userAgent },
      undefined,
      signal,
    );
    const challenge = res.headers['www-authenticate'];
    await res.body.dump({ limit: 65536 });
    // Any answer but 401 means "no challenge here": remember it, so the ping is not repeated.
    if (res.statusCode === 401)
      await this.auth.answer(endpoint, answered, challenge, scopes, undefined, signal);
    else this.auth.learnAnonymous(answered);
  }

  async #follow(req: RegistryRequest, authorization: string | undefined): Promise<Exchange> {
    let url = this.#effective(req.url, req.endpoint);
    let method: HttpMethod = req.method;
    let body = req.body;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { ...req.headers, 'user-agent': this.#opts.userAgent };
      if (authorization !== undefined && this.#onEndpointHost(url, req.endpoint))
        headers.authorization = authorization;
      const out = await this.#http(req.endpoint, method, url, headers, body, req.signal);
      const status = out.res.statusCode;
      const location = header(out.res.headers.location);
      if (!REDIRECTS.has(status) || req.expect.includes(status) || location === undefined) return out;
      await out.res.body.dump({ limit: 65536 });
      const next = new URL(location, out.url);
      const problem =
        hop >= MAX_REDIRECTS ? `more than ${MAX_REDIRECTS} redirects` : redirectProblem(out.url, next);
      if (problem !== undefined) {
        throw new RegistryError(
          'E_REGISTRY_PROTOCOL',
          `refusing to follow the redirect to ${redactUrl(next)}: ${problem}`,
          {
            registry: req.endpoint.host,
            status,
            temporary: false,
            url: redactUrl(out.url),
          },
        );
      }
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
  }

  #effective(url: URL, endpoint: RegistryEndpoint): URL {
    if (url.protocol !== 'https:' || url.host !== endpoint.host || !this.#plainHosts.has(endpoint.host))
      return url;
    const plain = new URL(url);
    plain.protocol = 'http:';
    return plain;
  }

  async #http(
    endpoint: RegistryEndpoint,
    method: HttpMethod,
    url: URL,
    headers: Record<string, string>,
    body: BodyFactory | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Exchange> {
    const target = this.#effective(url, endpoint);
    const payload = body?.();
    try {
      const res = await request(target, {
        method,
        headers,
        body: payload ?? null,
        dispatcher: this.#opts.dispatcher,
        ...(signal === undefined ? {} : { signal }),
      });
      return { res, url: target };
    } catch (err) {
      if (payload instanceof Readable) payload.destroy();
      if (
        endpoint.httpFallback &&
        target.protocol === 'https:' &&
        target.host === endpoint.host &&
        isPlainHttpAnswer(err)
      ) {
        this.#plainHosts.add(endpoint.host);
        return this.#http(endpoint, method, url, headers, body, signal);
      }
      throw err;
    }
  }
}

/** The first value of a header. */
export function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Error answers (an HTTP status the caller did not expect) turned into `RegistryError`s.
 *
 * 401: which registry, what was asked, and which credentials were tried ("no credentials" or
 * "credentials for X from config.json"). 403: denied, with the registry's message. 404: which
 * name was not found. 429: rate limited. A Go HTTPS server's answer to plain HTTP ("Client sent
 * an HTTP request to an HTTPS server") means the registry speaks only HTTPS. Anything else is
 * "unexpected status from METHOD request to URL: STATUS" followed by the registry's messages.
 */

import { type FailureContext, tableKey } from './connection-errors.js';
import { formatDiagnostics } from './error-body.js';
import type { RegistryDiagnostic } from './errors.js';
import { RegistryError } from './errors.js';
import { redactUrl } from './redact.js';
import { isLoopbackRegistry } from './reference/index.js';

/** An error answer as read. */
export interface ErrorAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly diagnostics: readonly RegistryDiagnostic[];
  /** Up to 64 KiB of the body. */
  readonly text: string;
}

const HTTPS_ONLY = /client sent an http request to an https server/i;

/** Builds the error for an answer the caller did not expect. */
export function statusError(
  answer: ErrorAnswer,
  ctx: FailureContext,
  credentialsTried: string,
): RegistryError {
  if (answer.status === 400 && ctx.url.protocol === 'http:' && HTTPS_ONLY.test(answer.text)) {
    return httpsOnlyError(answer, ctx);
  }
  const host = ctx.url.host;
  const url = redactUrl(ctx.url);
  const what = ctx.what ?? `${ctx.method} ${url}`;
  const said = answer.diagnostics.length > 0 ? `: ${formatDiagnostics(answer.diagnostics)}` : '';
  const init = {
    registry: host,
    status: answer.status,
    diagnostics: answer.diagnostics,
    method: ctx.method,
    url,
  };
  const key = tableKey(ctx.endpoint);
  switch (answer.status) {
    case 401:
      return new RegistryError(
        'E_REGISTRY_UNAUTHORIZED',
        `unauthorized: registry ${host} refused ${what} with ${credentialsTried}${said}`,
        {
          ...init,
          temporary: false,
          hint: `log in with \`docker login ${key}\` (or add an "auths" entry for ${key} to config.json) with an account that may access it`,
        },
      );
    case 403:
      return new RegistryError(
        'E_REGISTRY_DENIED',
        `denied: registry ${host} forbids ${what} with ${credentialsTried}${said}`,
        {
          ...init,
          temporary: false,
          hint: 'the account has no permission for this repository, or the registry refuses the operation',
        },
      );
    case 404:
      return new RegistryError(
        'E_REGISTRY_NOT_FOUND',
        `not found: ${what} does not exist in registry ${host}${said}`,
        {
          ...init,
          temporary: false,
          hint: 'check the repository name, tag and digest',
        },
      );
    case 429:
      return new RegistryError(
        'E_REGISTRY_RATE_LIMITED',
        `rate limited: registry ${host} answered 429 to ${what}${said}`,
        {
          ...init,
          hint: 'wait and try again, or log in to get a higher limit',
        },
      );
    default: {
      const plain = answer.diagnostics.length === 0 ? '' : `\n${formatDiagnostics(answer.diagnostics)}`;
      const line = `${answer.status} ${answer.statusText}`.trimEnd();
      return new RegistryError(
        'E_REGISTRY_STATUS',
        `unexpected status from ${ctx.method} request to ${url}: ${line}${plain}`,
        init,
      );
    }
  }
}

/** A Go HTTPS server's 400 to a plain HTTP request. */
function httpsOnlyError(answer: ErrorAnswer, ctx: FailureContext): RegistryError {
  const host = ctx.url.host;
  const key = tableKey(ctx.endpoint);
  const file = ctx.configFile ?? 'buildkitd.toml';
  const configured = ctx.endpoint.httpSetting === true;
  const why = configured
    ? `${file} says http = true for it`
    : isLoopbackRegistry(ctx.endpoint.host)
      ? 'Manifold, as BuildKit, speaks plain HTTP to loopback registries unless told otherwise'
      : 'it was reached over plain HTTP';
  return new RegistryError(
    'E_REGISTRY_HTTPS_ONLY',
    `registry ${host} speaks only HTTPS but was sent plain HTTP (${why})`,
    {
      registry: host,
      status: answer.status,
      method: ctx.method,
      url: redactUrl(ctx.url),
      temporary: false,
      hint: `${configured ? 'remove http = true' : 'set http = false'} under [registry."${key}"] in ${file} (add ca = ["/path/to/ca.pem"] if its certificate is self-signed)`,
    },
  );
}

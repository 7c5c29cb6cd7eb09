/** Auth fixtures for the client tests: a token-server hook, a credential table, a test DNS. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { CredentialSource, RegistryCredential } from '../../../src/registry/index.js';
import type { FakeRegistry, Hook } from './fake-registry.js';

/** Resolves every `*.test` name to 127.0.0.1, so tests can have "other hosts" on loopback. */
export const lookup = ((hostname: string, options: unknown, callback: unknown) => {
  const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
  if (!hostname.endsWith('.test')) {
    cb(Object.assign(new Error(`unexpected lookup ${hostname}`), { code: 'ENOTFOUND' }));
    return;
  }
  if (all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
  else cb(null, '127.0.0.1', 4);
}) as LookupFunction;

export function creds(table: Record<string, Omit<RegistryCredential, 'source'>>): CredentialSource {
  return {
    describe: (registry) => `none for ${registry} in the test table`,
    get: async (registry) => {
      const c = table[registry];
      return c === undefined
        ? undefined
        : { ...c, source: `credentials for ${registry} from the test table` };
    },
  };
}

export interface TokenServer {
  readonly issued: {
    scopes: string[];
    authorization: string | undefined;
    method: string;
    form?: URLSearchParams;
  }[];
  /** Override the token endpoint's answer. */
  answer?: (
    req: IncomingMessage,
    form: URLSearchParams | undefined,
  ) => { status: number; body: unknown } | undefined;
  /** Reject every token (the registry answers 401 anyway). */
  rejectAll?: boolean;
}

/** A bearer-token registry: `/token` issues tokens, `/v2/…` demands one with the right scope. */
export function bearer(reg: FakeRegistry, server: TokenServer, realmHost = reg.host): Hook {
  let n = 0;
  const grants = new Map<string, string[]>();
  const deny = (res: ServerResponse, scope: string, error?: string): true => {
    const challenge = `Bearer realm="http://${realmHost}/token",service="fake",scope="${scope}"${error === undefined ? '' : `,error="${error}"`}`;
    res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    return true;
  };
  return (req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token') {
      const form = req.method === 'POST' ? new URLSearchParams(body.toString()) : undefined;
      const scopes =
        form === undefined
          ? url.searchParams.getAll('scope')
          : (form.get('scope') ?? '').split(' ').filter(Boolean);
      server.issued.push({
        scopes,
        authorization: req.headers.authorization,
        method: req.method ?? '',
        ...(form ? { form } : {}),
      });
      const custom = server.answer?.(req, form);
      const out = custom ?? { status: 200, body: { token: `tok-${++n}`, expires_in: 300 } };
      if (custom === undefined) grants.set(`tok-${n}`, scopes);
      res.writeHead(out.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out.body));
      return true;
    }
    const m = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(url.pathname);
    if (url.pathname === '/v2/' || m === null) {
      const auth = req.headers.authorization;
      if (auth === undefined || !grants.has(auth.replace('Bearer ', ''))) return deny(res, '');
      return false;
    }
    const action = req.method === 'GET' || req.method === 'HEAD' ? 'pull' : 'push';
    const need = `repository:${m[1]}:${action === 'pull' ? 'pull' : 'pull,push'}`;
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    const granted = token === undefined ? undefined : grants.get(token);
    if (granted === undefined || server.rejectAll === true)
      return deny(res, need, token === undefined ? undefined : 'invalid_token');
    const ok = granted.some((g) => g === need || (action === 'pull' && g === `repository:${m[1]}:pull,push`));
    return ok ? false : deny(res, need, 'insufficient_scope');
  };
}

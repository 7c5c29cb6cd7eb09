/**
 * `WWW-Authenticate` challenges (RFC 7235), as registries send them on 401.
 *
 * A header holds one or more challenges: a scheme token, then `name=value` parameters separated
 * by commas, where a value is a token or a quoted string in which a backslash escapes the next
 * character. Schemes and parameter names are case-insensitive: schemes are returned lower-case,
 * parameter names too. An empty quoted value is kept as `''`. A malformed header (an unterminated
 * quote, a parameter without a value) yields no challenge rather than a guess.
 * `selectChallenge` prefers bearer over basic, and otherwise reports the first unsupported
 * scheme so the error can name it.
 */

/** One parsed challenge. */
export interface AuthChallenge {
  /** Lower-case scheme: `bearer`, `basic`, or whatever the server sent. */
  readonly scheme: string;
  /** Parameters by lower-case name. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** Parses every challenge of one or several `WWW-Authenticate` header values. */
export function parseChallenges(headers: string | readonly string[] | undefined): AuthChallenge[] {
  if (headers === undefined) return [];
  const values = typeof headers === 'string' ? [headers] : headers;
  const out: AuthChallenge[] = [];
  for (const value of values) {
    const parsed = parseHeader(value);
    if (parsed !== undefined) out.push(...parsed);
  }
  return out;
}

/** The challenge the client should answer: bearer, else basic, else the first one (unsupported). */
export function selectChallenge(challenges: readonly AuthChallenge[]): AuthChallenge | undefined {
  return (
    challenges.find((c) => c.scheme === 'bearer') ??
    challenges.find((c) => c.scheme === 'basic') ??
    challenges[0]
  );
}

/** The scopes a bearer challenge asks for: its `scope` split on spaces. */
export function challengeScopes(challenge: AuthChallenge): string[] {
  return (challenge.params.scope ?? '').split(' ').filter((s) => s !== '');
}

function parseHeader(header: string): AuthChallenge[] | undefined {
  const out: AuthChallenge[] = [];
  let rest = header.trim();
  while (rest !== '') {
    const scheme = TOKEN.exec(rest)?.[0];
    if (scheme === undefined) return undefined;
    rest = rest.slice(scheme.length).trimStart();
    const params: Record<string, string> = {};
    for (;;) {
      if (rest === '') break;
      const name = TOKEN.exec(rest)?.[0];
      if (name === undefined) return undefined;
      const afterName = rest.slice(name.length).trimStart();
      if (!afterName.startsWith('=')) break; // a new challenge starts with this token
      const value = readValue(afterName.slice(1).trimStart());
      if (value === undefined) return undefined;
      params[name.toLowerCase()] = value.value;
      rest = value.rest.trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
      else if (rest !== '') return undefined;
    }
    out.push({ scheme: scheme.toLowerCase(), params });
    rest = rest.replace(/^,\s*/, '');
  }
  return out;
}

function readValue(s: string): { value: string; rest: string } | undefined {
  if (!s.startsWith('"')) {
    const token = TOKEN.exec(s)?.[0];
    return token === undefined ? undefined : { value: token, rest: s.slice(token.length) };
  }
  let value = '';
  for (let i = 1; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '\\') {
      i++;
      if (i >= s.length) return undefined;
      value += s[i];
    } else if (ch === '"') {
      return { value, rest: s.slice(i + 1) };
    } else {
      value += ch;
    }
  }
  return undefined;
}

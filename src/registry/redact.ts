/**
 * URLs as they may appear in errors: a password in the userinfo becomes `xxxxx`, every non-empty
 * query value becomes `REDACTED` (upload Locations and pre-signed storage URLs carry secrets
 * there) except `ns`, which only names the upstream registry. Query parameters are sorted by key;
 * the fragment is left alone; text that is not a URL is returned unchanged.
 */

/** The redacted form of `url` (see the module comment). */
export function redactUrl(url: string | URL): string {
  let u: URL;
  try {
    u = new URL(String(url));
  } catch {
    return String(url);
  }
  if (u.password !== '') u.password = 'xxxxx';
  if (u.search !== '') {
    const entries = [...u.searchParams.entries()]
      .map(([k, v], i) => ({ k, v: v === '' || k === 'ns' ? v : 'REDACTED', i }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i));
    u.search = new URLSearchParams(entries.map((e): [string, string] => [e.k, e.v])).toString();
  }
  return u.toString();
}

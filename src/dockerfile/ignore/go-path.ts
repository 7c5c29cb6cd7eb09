/**
 * The Go string and path rules that `.dockerignore` handling depends on, on `/`-separated paths
 * (Unix `filepath` behaves like `path`):
 *
 * - {@link cleanPath} is `path.Clean`: one `/` between elements, no `.` elements, `..` removes the
 *   element before it (and is dropped at the root of a rooted path), no trailing `/`; the empty
 *   result is `.`.
 * - {@link dirPath} is `filepath.Dir`: everything before the last `/`, cleaned (`Dir("a/b/")` is
 *   `a/b`, `Dir("a")` is `.`, `Dir("/")` is `/`).
 * - {@link trimSpace} is `strings.TrimSpace`: it trims Unicode white space as Go defines it, which
 *   includes U+0085 and excludes U+FEFF (JavaScript's `trim` does the opposite for both).
 */

/** Go's `path.Clean` for `/`-separated paths. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const element of p.split('/')) {
    if (element === '' || element === '.') continue;
    if (element !== '..') {
      out.push(element);
    } else if (out.length > 0 && out[out.length - 1] !== '..') {
      out.pop();
    } else if (!rooted) {
      out.push('..');
    }
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Go's `filepath.Dir` for `/`-separated paths. */
export function dirPath(p: string): string {
  const slash = p.lastIndexOf('/');
  return cleanPath(p.slice(0, slash + 1));
}

/** The characters Go's `unicode.IsSpace` accepts. */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const GO_TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'gu');

/** Go's `strings.TrimSpace`. */
export function trimSpace(s: string): string {
  return s.replace(GO_TRIM, '');
}

/**
 * Descriptions of stages and ARGs, as BuildKit finds them: among the comment lines just above
 * the instruction, the first one that starts with the name and a space; the rest of that line
 * is the description (`# build compiles the binary` above `FROM golang AS build`). Stage names
 * are matched in lower case, as BuildKit stores them; ARG names as written.
 */

/** The description of `name` in `comments`, or `''`. */
export function describedIn(comments: readonly string[], name: string): string {
  if (name === '') return '';
  const prefix = `${name} `;
  for (const line of comments) if (line.startsWith(prefix)) return line.slice(prefix.length);
  return '';
}

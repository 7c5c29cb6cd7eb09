/**
 * One record of Go's `encoding/csv` (`csv.NewReader(strings.NewReader(s)).Read()`), which
 * buildx and BuildKit use to split values such as `--call`, `--output`, `--secret` and
 * `RUN --mount` into `key=value` fields: fields are separated by commas; a double quote starts or
 * ends a quoted part, in which commas are kept; `""` inside a quoted part is one `"`.
 *
 * For a one-line record Go accepts, the fields are Go's. Go rejects a quote that does not open
 * or close a field (`a"b`, `"a"b`); here such quotes are read leniently, as quote marks that
 * group, rather than failing.
 */

/** The fields of one CSV record (see the module comment). */
export function splitCsvRecord(text: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && quoted && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

/**
 * Go's standard-library text formats, reproduced byte for byte: users compare Manifold's output
 * with what docker, buildx and BuildKit (all written in Go) print and push, so a JSON escape, a
 * quoted string or a column width that differs by one byte is a visible bug.
 *
 * - json.ts: `encoding/json` — `json.Marshal` escaping, map (sorted) and struct (ordered)
 *   objects, `json.Indent` and `json.MarshalIndent`;
 * - quote.ts: `strconv.Quote` (`%q`), which is not JSON's escaping;
 * - tabwriter.ts: `text/tabwriter` with space padding, `minwidth` and `padding`;
 * - csv.ts: one record of `encoding/csv`, as buildx and BuildKit split flag values.
 *
 * This is the lowest layer of the project: it imports nothing from it.
 */
export { splitCsvRecord } from './csv.js';
export {
  type GoValue,
  goIndent,
  goJsonQuote,
  goMarshalIndent,
  goMarshalOrdered,
  goMarshalValue,
  goSortedKeys,
  type JsonValue,
} from './json.js';
export { goStrconvQuote } from './quote.js';
export { type TabwriteOptions, tabwrite } from './tabwriter.js';

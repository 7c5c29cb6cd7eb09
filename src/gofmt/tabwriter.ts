/**
 * Go's `text/tabwriter` as buildx, docker and BuildKit's printers use it
 * (`tabwriter.NewWriter(w, minwidth, 0, padding, ' ', 0)`: space padding, no flags):
 *
 * - a line is split into cells at tabs; every cell but the last is tab-terminated and belongs
 *   to a column, the last one does not and is written as is;
 * - a column block is a run of consecutive lines that have a tab-terminated cell in that
 *   column; its width is its widest cell (in code points, not bytes) plus the padding, and at
 *   least `minwidth`;
 * - each tab-terminated cell is padded with spaces to its block's width, empty cells included
 *   and also when nothing follows it, so such lines end in spaces, as Go's do;
 * - text without a final newline is flushed as a last line without one; empty text writes
 *   nothing.
 */

/** Go's `minwidth` and `padding` (defaults 0 and 1, buildx's). */
export interface TabwriteOptions {
  readonly minWidth?: number;
  readonly padding?: number;
}

interface Sizes {
  readonly minWidth: number;
  readonly padding: number;
}

/** Aligns `text` (lines ending in `\n`) as Go's tabwriter does and returns it. */
export function tabwrite(text: string, options: TabwriteOptions = {}): string {
  const sizes: Sizes = { minWidth: options.minWidth ?? 0, padding: options.padding ?? 1 };
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((line) => line.split('\t'));
  const out: string[] = [];
  format(lines, 0, lines.length, [], sizes, out);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}

function width(cell: string): number {
  return Array.from(cell).length;
}

/** Lays out lines `first`..`end` whose columns before `widths.length` are already sized. */
function format(
  lines: readonly (readonly string[])[],
  first: number,
  end: number,
  widths: number[],
  sizes: Sizes,
  out: string[],
): void {
  const column = widths.length;
  let line0 = first;
  for (let i = first; i < end; i++) {
    if (column >= (lines[i] ?? []).length - 1) continue;
    writeLines(lines, line0, i, widths, out);
    line0 = i;
    let w = sizes.minWidth;
    for (; i < end; i++) {
      const cells = lines[i] ?? [];
      if (column >= cells.length - 1) break;
      w = Math.max(w, width(cells[column] ?? '') + sizes.padding);
    }
    widths.push(w);
    format(lines, line0, i, widths, sizes, out);
    widths.pop();
    line0 = i;
  }
  writeLines(lines, line0, end, widths, out);
}

function writeLines(
  lines: readonly (readonly string[])[],
  from: number,
  to: number,
  widths: readonly number[],
  out: string[],
): void {
  for (let i = from; i < to; i++) {
    const cells = lines[i] ?? [];
    let s = '';
    cells.forEach((cell, j) => {
      s += cell;
      const w = widths[j];
      if (j < cells.length - 1 && w !== undefined) s += ' '.repeat(Math.max(0, w - width(cell)));
    });
    out.push(s);
  }
}

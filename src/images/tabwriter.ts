/**
 * The part of Go's `text/tabwriter` that buildx's and docker's human views use
 * (`NewWriter(out, minwidth, 0, padding, ' ', 0)`): cells end with a tab; a column block is a run of
 * consecutive lines that have a cell in that column; every tab-terminated cell of a block is
 * padded with spaces to the block's widest cell plus the padding (at least minwidth), empty
 * cells included; the text
 * after a line's last tab is written as is. Widths count characters (runes), not bytes.
 */

/** Go's `minwidth` and `padding` (defaults 0 and 1, buildx's). */
export interface TabwriteOptions {
  readonly minWidth?: number;
  readonly padding?: number;
}

/** Aligns `text` (lines ending in `\n`) as Go's tabwriter does and returns it. */
export function tabwrite(text: string, options: TabwriteOptions = {}): string {
  const sizes = { minWidth: options.minWidth ?? 0, padding: options.padding ?? 1 };
  const lines = text.split('\n');
  const trailingNewline = lines[lines.length - 1] === '';
  if (trailingNewline) lines.pop();
  const cells = lines.map((l) => l.split('\t'));
  const out: string[] = [];
  format(cells, 0, cells.length, [], sizes, out);
  return out.join('\n') + (trailingNewline ? '\n' : '');
}

function runeWidth(s: string): number {
  return [...s].length;
}

function format(
  lines: readonly string[][],
  first: number,
  end: number,
  widths: number[],
  sizes: { readonly minWidth: number; readonly padding: number },
  out: string[],
): void {
  const column = widths.length;
  let line0 = first;
  for (let i = first; i < end; i++) {
    if (column >= (lines[i] as string[]).length - 1) continue;
    writeLines(lines, line0, i, widths, out);
    line0 = i;
    let width = sizes.minWidth;
    for (; i < end; i++) {
      const line = lines[i] as string[];
      if (column >= line.length - 1) break;
      width = Math.max(width, runeWidth(line[column] as string) + sizes.padding);
    }
    widths.push(width);
    format(lines, line0, i, widths, sizes, out);
    widths.pop();
    line0 = i;
    i--;
  }
  writeLines(lines, line0, end, widths, out);
}

function writeLines(
  lines: readonly string[][],
  from: number,
  to: number,
  widths: readonly number[],
  out: string[],
): void {
  for (let i = from; i < to; i++) {
    const line = lines[i] as string[];
    let s = '';
    line.forEach((cell, j) => {
      s += cell;
      const w = widths[j];
      if (j < line.length - 1 && w !== undefined) s += ' '.repeat(Math.max(0, w - runeWidth(cell)));
    });
    out.push(s);
  }
}

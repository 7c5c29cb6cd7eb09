/**
 * Go's `text/tabwriter` as BuildKit's printers use it (`tabwriter.NewWriter(w, 0, 0, padding,
 * ' ', 0)`), so that `--call=outline` and `--call=targets` tables line up exactly as buildx's:
 *
 * - a line is split into cells at tabs; every cell but the last is tab-terminated and belongs
 *   to a column, the last one does not;
 * - a column block is a run of consecutive lines that have a cell in that column; its width is
 *   its widest cell (in code points) plus the padding;
 * - each tab-terminated cell is written padded with spaces to its column's width — also when
 *   nothing follows it, so such lines end in spaces, as Go's do.
 */

function width(cell: string): number {
  return Array.from(cell).length;
}

class Table {
  private out = '';
  private readonly widths: number[] = [];

  constructor(
    private readonly lines: readonly (readonly string[])[],
    private readonly padding: number,
    private readonly endsWithNewline: boolean,
  ) {}

  render(): string {
    this.format(0, this.lines.length);
    return this.out;
  }

  private writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const cells = this.lines[i] ?? [];
      cells.forEach((cell, j) => {
        this.out += cell;
        const w = this.widths[j];
        if (w !== undefined && j < cells.length - 1) this.out += ' '.repeat(Math.max(0, w - width(cell)));
      });
      if (i + 1 < this.lines.length || this.endsWithNewline) this.out += '\n';
    }
  }

  private format(first: number, last: number): void {
    let line0 = first;
    const column = this.widths.length;
    for (let t = first; t < last; t++) {
      if (column >= (this.lines[t]?.length ?? 0) - 1) continue;
      this.writeLines(line0, t);
      line0 = t;
      let w = 0;
      for (; t < last; t++) {
        const cells = this.lines[t] ?? [];
        if (column >= cells.length - 1) break;
        w = Math.max(w, width(cells[column] ?? '') + this.padding);
      }
      this.widths.push(w);
      this.format(line0, t);
      this.widths.pop();
      line0 = t;
    }
    this.writeLines(line0, last);
  }
}

/** Formats tab-separated `text` as a Go tabwriter with `padding` and space padding would. */
export function tabwrite(text: string, padding: number): string {
  const endsWithNewline = text.endsWith('\n');
  const raw = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  return new Table(
    raw.map((line) => line.split('\t')),
    padding,
    endsWithNewline,
  ).render();
}

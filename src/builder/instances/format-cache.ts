/**
 * `du` and `prune` output, as buildx prints them: a table (ID, RECLAIMABLE, SIZE, LAST ACCESSED;
 * `*` after an ID marks a mutable record, after a size a shared one), largest first, then the
 * totals (`Shared:` and `Private:` only when something is shared, `Reclaimable:`, `Total:`);
 * `--verbose` prints one `Key: value` block per record instead. `prune` prints the table of what
 * it removed and `Total:` with the bytes freed.
 */
import type { CacheRecord, CacheTotals } from './cache-records.js';
import { formatAgo, formatSize } from './units.js';

/** The `du` (and `prune`) table, without totals. */
export function formatCacheTable(records: readonly CacheRecord[], now: Date = new Date()): string {
  const rows = [
    ['ID', 'RECLAIMABLE', 'SIZE', 'LAST ACCESSED'],
    ...sortRecords(records).map((r) => [
      `${r.id}${r.mutable ? '*' : ''}`,
      String(r.reclaimable),
      `${formatSize(r.size)}${r.shared ? '*' : ''}`,
      formatAgo(r.lastUsedAt, now),
    ]),
  ];
  return table(rows);
}

/** `du --verbose`: one block per record. */
export function formatCacheVerbose(records: readonly CacheRecord[], now: Date = new Date()): string {
  return sortRecords(records)
    .map((r) => {
      const rows: [string, string][] = [
        ['ID', r.id],
        ...(r.parent ? [['Parent', r.parent] as [string, string]] : []),
        ['Created at', r.createdAt.toISOString()],
        ['Mutable', String(r.mutable)],
        ['Reclaimable', String(r.reclaimable)],
        ['Shared', String(r.shared)],
        ['Size', formatSize(r.size)],
        ['Description', r.description],
        ['Usage count', String(r.usageCount)],
        ['Last used', formatAgo(r.lastUsedAt, now)],
        ['Type', r.type],
      ];
      return `${keyValues(rows)}\n`;
    })
    .join('');
}

/** The totals under the `du` table. */
export function formatCacheTotals(totals: CacheTotals): string {
  const rows: [string, string][] = [
    ...(totals.shared > 0
      ? ([
          ['Shared', formatSize(totals.shared)],
          ['Private', formatSize(totals.private)],
        ] as [string, string][])
      : []),
    ['Reclaimable', formatSize(totals.reclaimable)],
    ['Total', formatSize(totals.total)],
  ];
  return keyValues(rows);
}

/** What `prune` prints: the removed records (when any) and `Total:` freed. */
export function formatPruneResult(
  removed: readonly CacheRecord[],
  reclaimed: number,
  now: Date = new Date(),
): string {
  return `${removed.length ? formatCacheTable(removed, now) : ''}${keyValues([['Total', formatSize(reclaimed)]])}`;
}

function sortRecords(records: readonly CacheRecord[]): CacheRecord[] {
  return [...records].sort((a, b) => b.size - a.size || b.lastUsedAt.getTime() - a.lastUsedAt.getTime());
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  return rows
    .map(
      (r) => `${r.map((c, col) => (col === r.length - 1 ? c : c.padEnd((widths[col] ?? 0) + 3))).join('')}\n`,
    )
    .join('');
}

function keyValues(rows: readonly [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length)) + 3;
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}\n`).join('');
}

/**
 * Number formats shared by the renderers, as BuildKit's progress UI writes them: byte counts in
 * decimal units with two decimals (`3.40MB`, `512B`), durations in tenths of a second, and log
 * offsets with three, two or one decimals below 10 s, 100 s and beyond.
 */

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** Bytes as BuildKit's status lines show them: `512B`, `35.99kB`, `3.40MB`. */
export function formatStatusBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)}B` : `${value.toFixed(2)}${UNITS[unit]}`;
}

/** Formats a byte count as Docker does (`1.2MB`, decimal units, three significant digits). */
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value}B` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)}${UNITS[unit]}`;
}

/** A transfer rate, `12.3MB/s`; empty when no time has passed. */
export function formatRate(bytes: number, ms: number): string {
  if (ms <= 0) return '';
  return `${formatBytes(Math.round((bytes * 1000) / ms))}/s`;
}

/** A duration in seconds with one decimal (`1.2`), never negative. */
export function formatSeconds(ms: number): string {
  return (Math.max(ms, 0) / 1000).toFixed(1);
}

/** A log line's offset from its vertex's start: `0.123`, `12.34`, `123.4`. */
export function formatLogOffset(ms: number): string {
  const sec = Math.max(ms, 0) / 1000;
  return sec.toFixed(sec < 10 ? 3 : sec < 100 ? 2 : 1);
}

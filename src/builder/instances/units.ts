/**
 * Human units as Docker's tools print and read them: sizes printed in decimal units with four
 * significant digits (`811.7MB`, `8.224kB`, `0B`), sizes read in binary units (`10GB` is 10 GiB,
 * as `--keep-storage` and buildkitd.toml read them), Go durations (`24h`, `1h30m`, `90s`), and
 * "how long ago" in Docker's words (`About an hour ago`, `13 days ago`).
 */
import { PruneOptionError } from './errors.js';

const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** A byte count as Docker prints it: 1000-based units, four significant digits. */
export function formatSize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < DECIMAL.length - 1) {
    size /= 1000;
    unit++;
  }
  return `${Number(size.toPrecision(4))}${DECIMAL[unit]}`;
}

const BINARY: Readonly<Record<string, number>> = {
  '': 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/**
 * Reads a size: a number of bytes, or a number with `k`, `m`, `g`, `t` or `p` (1024-based; `b`,
 * `ib` and `B` suffixes allowed), e.g. `512mb`, `10GB`, `1.5g`. Undefined for anything else.
 */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(text.trim());
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * (BINARY[(m[2] ?? '').toLowerCase()] ?? 1));
}

/** Like {@link parseSize}, throwing {@link PruneOptionError} naming `what`. */
export function requireSize(text: string, what: string): number {
  const n = parseSize(text);
  if (n === undefined) {
    throw new PruneOptionError(
      `invalid size "${text}" for ${what}`,
      'write a number of bytes or a number with a unit: 512MB, 10GB (1024-based)',
    );
  }
  return n;
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Reads a Go duration (`24h`, `1h30m`, `1.5h`, `90s`, `0`) into milliseconds; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (t === '0') return 0;
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(m[1]) * (DURATION_UNITS[m[2] ?? ''] ?? 0);
  }
  return total;
}

/** How long ago `then` was, as Docker says it ("2 days ago"); `now` defaults to the clock. */
export function formatAgo(then: Date, now: Date = new Date()): string {
  return `${humanDuration(now.getTime() - then.getTime())} ago`;
}

/** Docker's human duration: "Less than a second", "About a minute", "3 hours", "2 weeks". */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

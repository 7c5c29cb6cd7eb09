/** Go duration strings (`30s`, `1m30s`, `1.5h`, `500ms`) ↔ nanoseconds, both ways, as Go reads and writes them. */
const UNITS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[-+]/, '');
  if (body === '') return undefined;
  for (;;) {
    re.lastIndex = at;
    const m = re.exec(body);
    if (!m) break;
    total += Number.parseFloat(m[1] ?? '0') * (UNITS[m[2] ?? 's'] ?? 0);
    at = re.lastIndex;
  }
  return at === body.length ? Math.round(sign * total) : undefined;
}

/**
 * Nanoseconds → Go's `time.Duration.String()`: `0s`, `500ms`, `1.5µs`, `30s`, `1m30s`,
 * `1h0m0s`. BuildKit writes durations this way in HEALTHCHECK history lines.
 */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  let rest = Math.abs(Math.round(ns));
  let text: string;
  if (rest < 1e9) {
    if (rest < 1e3) text = `${rest}ns`;
    else if (rest < 1e6) text = `${decimal(rest, 3)}µs`;
    else text = `${decimal(rest, 6)}ms`;
  } else {
    const hours = Math.floor(rest / 3600e9);
    rest -= hours * 3600e9;
    const minutes = Math.floor(rest / 60e9);
    rest -= minutes * 60e9;
    const seconds = `${decimal(rest, 9)}s`;
    text = hours > 0 ? `${hours}h${minutes}m${seconds}` : minutes > 0 ? `${minutes}m${seconds}` : seconds;
  }
  return ns < 0 ? `-${text}` : text;
}

/** `value / 10^digits` with the fraction's trailing zeros dropped. */
function decimal(value: number, digits: number): string {
  const unit = 10 ** digits;
  const whole = Math.floor(value / unit);
  const fraction = value - whole * unit;
  if (fraction === 0) return String(whole);
  return `${whole}.${String(fraction).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** Go duration strings (`30s`, `1m30s`, `1.5h`, `500ms`) → nanoseconds; undefined when malformed. */
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

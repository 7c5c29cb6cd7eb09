/**
 * EXPOSE port specs, read as BuildKit reads them: `[ip:][hostPort:]port[-port][/proto]`, proto
 * `tcp` (default), `udp` or `sctp` in any case; a range gives one `N/proto` per port; only the
 * container port is kept. Errors use BuildKit's words.
 */

/** `80` → `["80/tcp"]`; `8000-8002/UDP` → three udp ports. Throws `Error` with BuildKit's text. */
export function parsePortSpec(raw: string): string[] {
  const parts = raw.split(':');
  const containerPart = parts[parts.length - 1] ?? '';
  const hostPort = parts.length >= 2 ? (parts[parts.length - 2] ?? '') : '';
  const ip = parts.length >= 3 ? parts.slice(0, -2).join(':') : '';
  const slash = containerPart.indexOf('/');
  const port = slash < 0 ? containerPart : containerPart.slice(0, slash);
  const proto = (slash < 0 ? '' : containerPart.slice(slash + 1)).toLowerCase() || 'tcp';
  if (port === '') throw new Error(`no port specified: ${containerPart}<empty>`);
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') throw new Error(`invalid proto: ${proto}`);
  if (ip !== '' && !/^\[?[0-9a-fA-F:.]+\]?$/.test(ip)) throw new Error(`invalid IP address: ${ip}`);
  const range = portRange(port);
  if (!range) throw new Error(`invalid containerPort: ${port}`);
  if (hostPort !== '') {
    const host = portRange(hostPort);
    if (!host) throw new Error(`invalid hostPort: ${hostPort}`);
    if (range[1] - range[0] !== host[1] - host[0] && range[0] !== range[1]) {
      throw new Error(`invalid ranges specified for container and host Ports: ${port} and ${hostPort}`);
    }
  }
  const out: string[] = [];
  for (let p = range[0]; p <= range[1]; p++) out.push(`${p}/${proto}`);
  return out;
}

function portRange(text: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start > 65535 || end > 65535 || end < start) return undefined;
  return [start, end];
}

/** Linux signal names (without `SIG`) that STOPSIGNAL accepts, as moby/sys/signal lists them. */
const SIGNALS: ReadonlySet<string> = new Set(
  (
    'ABRT ALRM BUS CHLD CLD CONT FPE HUP ILL INT IO IOT KILL PIPE POLL PROF PWR QUIT SEGV STKFLT ' +
    'STOP SYS TERM TRAP TSTP TTIN TTOU URG USR1 USR2 VTALRM WINCH XCPU XFSZ'
  ).split(' '),
);

/** True for a signal STOPSIGNAL accepts: a number above 0, a name, `SIG`+name, `RTMIN+n`. */
export function isValidSignal(raw: string): boolean {
  if (/^\d+$/.test(raw)) return Number(raw) > 0;
  const name = raw.toUpperCase().replace(/^SIG/, '');
  return SIGNALS.has(name) || /^RT(MIN|MAX)([+-]\d+)?$/.test(name);
}

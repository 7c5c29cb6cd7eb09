/**
 * `ls` and `inspect` output, laid out as buildx prints it: `ls` is a table of builders, each
 * with its node on a `\_` line (NAME/NODE, DRIVER/ENDPOINT, STATUS, BUILDKIT, PLATFORMS), the
 * current builder's name marked `*` and platforms set with `--platform` marked `*`; `ls --format
 * json` prints one JSON object per builder per line; `inspect` prints `Key: value` blocks.
 */
import { formatPlatform } from '../../platform/index.js';
import type { BuilderInfo } from './describe.js';
import { formatSize, humanDuration } from './units.js';

/** The `ls` table. */
export function formatBuilderTable(infos: readonly BuilderInfo[]): string {
  const rows: string[][] = [['NAME/NODE', 'DRIVER/ENDPOINT', 'STATUS', 'BUILDKIT', 'PLATFORMS']];
  for (const info of infos) {
    rows.push([`${info.name}${info.current ? '*' : ''}`, info.driver, '', '', '']);
    rows.push([
      ` \\_ ${info.node.name}`,
      ` \\_ ${info.node.endpoint}`,
      info.error ? 'error' : info.status,
      info.status === 'running' ? info.version : '',
      platformText(info),
    ]);
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  const lines = rows.map((r) =>
    r
      .map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd((widths[col] ?? 0) + 3)))
      .join('')
      .trimEnd(),
  );
  const errors = infos.filter((i) => i.error).map((i) => `Cannot load builder ${i.name}: ${i.error}`);
  return `${[...lines, ...(errors.length ? ['', ...errors] : [])].join('\n')}\n`;
}

/** `ls --format json`: one object per builder, one per line. */
export function formatBuilderJson(infos: readonly BuilderInfo[]): string {
  return infos
    .map((info) =>
      JSON.stringify({
        Name: info.name,
        Driver: info.driver,
        RequestedDriver: info.requestedDriver,
        Current: info.current,
        ...(info.lastActivity ? { LastActivity: info.lastActivity } : {}),
        Dynamic: false,
        Nodes: [
          {
            Name: info.node.name,
            Endpoint: info.node.endpoint,
            DriverOpts: info.driverOpts,
            Status: info.status,
            Version: info.version,
            Platforms: info.platforms.platforms.map((p) => ({
              architecture: p.architecture,
              os: p.os,
              ...(p.variant ? { variant: p.variant } : {}),
            })),
          },
        ],
        ...(info.error ? { Err: info.error } : {}),
      }),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** `inspect`. */
export function formatBuilderInspect(info: BuilderInfo, now: Date = new Date()): string {
  const top: [string, string][] = [
    ['Name', info.name],
    [
      'Driver',
      info.requestedDriver === info.driver
        ? info.driver
        : `${info.driver} (asked for ${info.requestedDriver})`,
    ],
  ];
  if (info.lastActivity) {
    top.push([
      'Last Activity',
      `${info.lastActivity} (${humanDuration(now.getTime() - Date.parse(info.lastActivity))} ago)`,
    ]);
  }
  const opts = Object.entries(info.driverOpts);
  const node: [string, string][] = [
    ['Name', info.node.name],
    ['Endpoint', info.node.endpoint],
    ...(opts.length
      ? [
          ['Driver Options', `${opts.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')} (ignored)`] as [
            string,
            string,
          ],
        ]
      : []),
    ['Status', info.error ? `error: ${info.error}` : info.status],
    ['BuildKit version', `${info.version} (Manifold, in-process)`],
    ['Platforms', platformText(info)],
    ['  native', modeList(info, (m) => m.how === 'native')],
    ['  emulated', modeList(info, (m) => m.how === 'binfmt' || m.how === 'qemu', true)],
  ];
  const missing = info.modes.filter((m) => m.how === 'none');
  if (missing.length)
    node.push([
      '  no emulator',
      `${missing.map((m) => m.platform).join(', ')} (manifold binfmt --install …)`,
    ]);
  node.push(...configLines(info), ['State', info.stateDir]);
  return `${block(top)}\nNodes:\n${block(node)}`;
}

function configLines(info: BuilderInfo): [string, string][] {
  const out: [string, string][] = [];
  const source =
    info.configSource && info.configSource !== info.configFile ? ` (copied from ${info.configSource})` : '';
  out.push([
    'Configuration',
    info.configFile ? `${info.configFile}${source}` : `none (no ${info.configPath})`,
  ]);
  for (const r of info.registries) {
    const parts = [
      ...(r.mirrors.length ? [`mirrors ${r.mirrors.join(', ')}`] : []),
      ...(r.http === true ? ['http'] : []),
      ...(r.insecure ? ['insecure'] : []),
    ];
    out.push([`  registry ${r.host}`, parts.join('; ') || 'defaults']);
  }
  if (info.maxParallelism !== undefined) out.push(['  max-parallelism', String(info.maxParallelism)]);
  const gc = [
    ...(info.gc.keepBytes !== undefined ? [`keep ${formatSize(info.gc.keepBytes)}`] : []),
    ...(info.gc.keepDuration !== undefined
      ? [`drop records unused for ${humanDuration(info.gc.keepDuration)}`]
      : []),
  ];
  if (!info.gc.enabled) out.push(['  gc', 'disabled']);
  else if (gc.length) out.push(['  gc', gc.join(', ')]);
  if (info.ignored.length) out.push(['  ignored', info.ignored.join(', ')]);
  return out;
}

function platformText(info: BuilderInfo): string {
  const star = info.platforms.source === 'create' ? '*' : '';
  return info.platforms.platforms.map((p) => `${formatPlatform(p)}${star}`).join(', ');
}

function modeList(
  info: BuilderInfo,
  keep: (m: BuilderInfo['modes'][number]) => boolean,
  via = false,
): string {
  const list = info.modes.filter(keep).map((m) => (via && m.via ? `${m.platform} (${m.via})` : m.platform));
  return list.length ? list.join(', ') : 'none';
}

function block(rows: readonly [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}\n`).join('');
}

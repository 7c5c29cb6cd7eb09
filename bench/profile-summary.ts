/**
 * Summarizes V8 CPU profiles (`node --cpu-prof`, e.g. from `npm run bench -- --cpu-prof`, in
 * bench/out/profiles/): where the main thread's time went, as self time per function
 * (`name file:line`) and per source file, with the idle and GC shares, so the hot spots of a
 * scenario can be read without a profiler UI.
 *
 *   node --import tsx bench/profile-summary.ts [--top N] FILE.cpuprofile…
 *
 * Several files are added up (the repetitions of one scenario). Paths are shown relative to
 * the compiled tree (`dist/…`), or as `node:…` for Node's own code.
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time in microseconds per key. */
type Tally = Map<string, number>;

function shortUrl(url: string): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return url;
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + 1);
  return url.replace(/^file:\/\//, '');
}

function add(t: Tally, key: string, us: number): void {
  t.set(key, (t.get(key) ?? 0) + us);
}

/** Adds one profile's self times to the tallies; returns its duration in microseconds. */
function tallyProfile(p: Profile, byFunction: Tally, byFile: Tally): number {
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  for (let i = 0; i < p.samples.length; i++) {
    const node = nodes.get(p.samples[i]!);
    const us = p.timeDeltas[i + 1] ?? 0;
    if (!node) continue;
    const f = node.callFrame;
    const file = shortUrl(f.url);
    const name = f.functionName || '(anonymous)';
    add(byFunction, f.url ? `${name} ${file}:${f.lineNumber + 1}` : name, us);
    add(byFile, f.url ? file : name, us);
  }
  return p.endTime - p.startTime;
}

function table(title: string, t: Tally, total: number, top: number): string {
  const rows = [...t.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = rows.map(
    ([k, us]) =>
      `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`,
  );
  return [`${title}:`, ...lines].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let top = 25;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--top') top = Number(args[++i]);
    else files.push(args[i]!);
  }
  if (files.length === 0) throw new Error('usage: profile-summary.ts [--top N] FILE.cpuprofile…');
  const byFunction: Tally = new Map();
  const byFile: Tally = new Map();
  let total = 0;
  for (const f of files)
    total += tallyProfile(JSON.parse(await readFile(f, 'utf8')) as Profile, byFunction, byFile);
  const busy = total - (byFunction.get('(idle)') ?? 0);
  process.stdout.write(
    `${files.length} profile(s), ${(total / 1000).toFixed(0)} ms of wall time, main thread busy ${(busy / 1000).toFixed(0)} ms ` +
      `(${((100 * busy) / total).toFixed(0)}%)\n\n${table('self time by function', byFunction, total, top)}\n\n` +
      `${table('self time by file', byFile, total, top)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});

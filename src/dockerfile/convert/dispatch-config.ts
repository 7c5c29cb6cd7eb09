/**
 * Instructions that change only the image config and the stage's scopes: ARG, ENV, LABEL, CMD,
 * ENTRYPOINT, USER, EXPOSE, VOLUME, STOPSIGNAL, HEALTHCHECK, SHELL, ONBUILD, MAINTAINER. Each
 * adds an empty-layer history entry, as BuildKit records them. WORKDIR is here too: it also
 * makes the directory (a file op), which becomes a layer only where the directory was missing.
 */
import path from 'node:path';
import type { VertexMeta } from '../../graph/index.js';
import type {
  ArgInstruction,
  CmdInstruction,
  HealthcheckInstruction,
  KeyValueInstruction,
  ListInstruction,
  OnbuildInstruction,
  ShellInstruction,
  SingleValueInstruction,
} from '../instructions/index.js';
import { goQuote } from '../parser/index.js';
import type { DispatchContext } from './context.js';
import { isPlatformArg } from './platform-args.js';
import type { StageBuilder } from './stage-builder.js';

/** The inputs ARG resolution needs besides the stage. */
export interface ArgSources {
  /** `--build-arg` values. */
  readonly buildArgs: ReadonlyMap<string, string>;
  /** The automatic platform ARGs for this target. */
  readonly platformArgs: ReadonlyMap<string, string>;
  /** Global (before the first FROM) ARG values. */
  readonly globalArgs: ReadonlyMap<string, string | undefined>;
}

/**
 * ARG inside a stage: a `--build-arg` value wins, then the default written here, then (for a
 * name declared without a value) the automatic platform value or the global ARG's value.
 */
export function dispatchArg(b: StageBuilder, ins: ArgInstruction, sources: ArgSources): void {
  for (const decl of ins.args) {
    let value: string | undefined;
    if (sources.buildArgs.has(decl.name) && !isPlatformArg(decl.name))
      value = sources.buildArgs.get(decl.name);
    else if (decl.value !== undefined) value = b.expand(decl.value, ins.node);
    else if (isPlatformArg(decl.name)) value = sources.platformArgs.get(decl.name);
    else value = sources.globalArgs.get(decl.name);
    b.args.set(decl.name, value);
    b.addHistory(`ARG ${decl.value === undefined ? decl.name : `${decl.name}=${decl.value}`}`);
  }
}

export function dispatchKeyValues(b: StageBuilder, ins: KeyValueInstruction): void {
  const written: string[] = [];
  for (const pair of ins.pairs) {
    const key = b.expand(pair.key, ins.node);
    const value = b.expand(pair.value, ins.node);
    if (ins.kind === 'env') b.setEnv(key, value);
    else b.config.labels.set(key, value);
    written.push(`${key}=${value}`);
  }
  b.addHistory(`${ins.kind.toUpperCase()} ${written.join(' ')}`);
}

export function dispatchCommand(b: StageBuilder, ins: CmdInstruction): void {
  const args = ins.command.shellForm ? [...b.shell(), ins.command.args[0] ?? ''] : [...ins.command.args];
  if (ins.kind === 'cmd') {
    b.config.cmd = args;
    b.cmdSet = true;
  } else {
    b.config.entrypoint = args;
    // An ENTRYPOINT resets a CMD inherited from the base, but not one set in this stage.
    if (!b.cmdSet) b.config.cmd = undefined;
  }
  b.addHistory(`${ins.kind.toUpperCase()} [${args.map(goQuote).join(' ')}]`);
}

export function dispatchWorkdir(b: StageBuilder, ins: SingleValueInstruction, ctx: DispatchContext): void {
  const value = b.expand(ins.value, ins.node);
  const dir = path.posix.resolve(b.cwd(), value);
  b.config.workdir = dir;
  const meta: VertexMeta = {
    name: ctx.vertexName(b, ins.node),
    location: { file: b.file, startLine: ins.node.startLine, endLine: ins.node.endLine },
    ...(ctx.ignoreCache(b) ? { ignoreCache: true } : {}),
  };
  b.fs = b.fs.file([{ action: 'mkdir', path: dir, mode: 0o755, parents: true }], meta);
  b.addHistory(`WORKDIR ${dir}`, b.fs);
}

export function dispatchSingle(b: StageBuilder, ins: SingleValueInstruction): void {
  if (ins.kind === 'maintainer') {
    b.config.author = ins.value;
    b.addHistory(`MAINTAINER ${ins.value}`);
    return;
  }
  const value = b.expand(ins.value, ins.node);
  if (ins.kind === 'user') b.config.user = value;
  else if (ins.kind === 'stopsignal') b.config.stopSignal = value;
  b.addHistory(`${ins.kind.toUpperCase()} ${value}`);
}

export function dispatchList(b: StageBuilder, ins: ListInstruction): void {
  if (ins.kind === 'volume') {
    const volumes = ins.values.map((v) => b.expand(v, ins.node)).filter((v) => v !== '');
    for (const v of volumes) b.config.volumes.add(v);
    b.addHistory(`VOLUME [${volumes.join(' ')}]`);
    return;
  }
  const ports = ins.values.flatMap((v) => b.expandWords(v, ins.node)).flatMap(expandPortRange);
  for (const p of ports) b.config.exposedPorts.add(p);
  b.addHistory(`EXPOSE ${ports.join(' ')}`);
}

/** `80` → `80/tcp`; `8000-8002/udp` → three ports. */
export function expandPortRange(spec: string): string[] {
  const [range = '', proto = 'tcp'] = spec.split('/');
  const m = /^(\d+)(?:-(\d+))?$/.exec(range);
  if (!m) return [`${range}/${proto.toLowerCase()}`];
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  const out: string[] = [];
  for (let p = start; p <= end; p++) out.push(`${p}/${proto.toLowerCase()}`);
  return out;
}

export function dispatchHealthcheck(b: StageBuilder, ins: HealthcheckInstruction): void {
  const { test, interval, timeout, startPeriod, startInterval, retries } = ins;
  b.config.healthcheck = {
    Test: [...test],
    ...(interval === undefined ? {} : { Interval: interval }),
    ...(timeout === undefined ? {} : { Timeout: timeout }),
    ...(startPeriod === undefined ? {} : { StartPeriod: startPeriod }),
    ...(startInterval === undefined ? {} : { StartInterval: startInterval }),
    ...(retries === undefined ? {} : { Retries: retries }),
  };
  b.addHistory(`HEALTHCHECK [${test.map(goQuote).join(' ')}]`);
}

export function dispatchShell(b: StageBuilder, ins: ShellInstruction): void {
  b.config.shell = [...ins.shell];
  b.addHistory(`SHELL [${ins.shell.map(goQuote).join(' ')}]`);
}

export function dispatchOnbuild(b: StageBuilder, ins: OnbuildInstruction): void {
  b.config.onBuild.push(ins.expression);
  b.addHistory(`ONBUILD ${ins.expression}`);
}

/**
 * Instructions that change only the image config and the stage's scope: ARG, ENV, LABEL, CMD,
 * ENTRYPOINT, USER, EXPOSE, VOLUME, STOPSIGNAL, HEALTHCHECK, SHELL, ONBUILD, MAINTAINER. Each
 * adds an empty-layer history entry worded as BuildKit words it (ONBUILD adds none). WORKDIR is
 * here too: it also makes the directory (a file op owned by USER), except for `/`.
 *
 * Expansion follows BuildKit: an instruction's words are all expanded against the scope as it
 * was before the instruction (so `ENV A=1 B=$A` gives B the earlier A); ARG is the exception,
 * each default seeing the names declared before it on the same line.
 */

import path from 'node:path';
import { goStrconvQuote } from '../../gofmt/index.js';
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
import { formatGoDuration } from '../instructions/index.js';
import type { DispatchContext } from './context.js';
import { parseChown } from './dispatch-copy.js';
import { DockerfileConvertError } from './errors.js';
import { isValidSignal, parsePortSpec } from './ports.js';
import type { StageBuilder } from './stage-builder.js';

/** The inputs ARG resolution needs besides the stage. */
export interface ArgSources {
  /** `--build-arg` values. */
  readonly buildArgs: ReadonlyMap<string, string>;
  /**
   * The global scope: the automatic platform ARGs (overridden by `--build-arg`), then the global
   * ARGs (before the first FROM) that have a value.
   */
  readonly globalScope: ReadonlyMap<string, string>;
}

/**
 * ARG inside a stage: a `--build-arg` value wins (for any name, declared globally or not), then
 * the default written here, then, for a name declared without a value, its value in the global
 * scope (a global ARG, or an automatic platform ARG). History: `ARG NAME=value …`, `ARG NAME`
 * for a name left without a value.
 */
export function dispatchArg(b: StageBuilder, ins: ArgInstruction, sources: ArgSources): void {
  const written: string[] = [];
  for (const decl of ins.args) {
    let value: string | undefined;
    if (sources.buildArgs.has(decl.name)) value = sources.buildArgs.get(decl.name);
    else if (decl.value !== undefined) value = b.expand(decl.value, ins.node);
    else value = sources.globalScope.get(decl.name);
    b.declareArg(decl.name, value);
    written.push(value === undefined ? decl.name : `${decl.name}=${value}`);
  }
  b.addHistory(`ARG ${written.join(' ')}`);
}

export function dispatchKeyValues(b: StageBuilder, ins: KeyValueInstruction): void {
  const pairs = ins.pairs.map(
    (pair) => [b.expand(pair.key, ins.node), b.expand(pair.value, ins.node)] as const,
  );
  for (const [key, value] of pairs) {
    if (ins.kind === 'env') b.setEnv(key, value);
    else b.config.labels.set(key, value);
  }
  b.addHistory(`${ins.kind.toUpperCase()} ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`);
}

export function dispatchCommand(b: StageBuilder, ins: CmdInstruction): void {
  const args = ins.command.shellForm ? [...b.shell(), ins.command.args.join(' ')] : [...ins.command.args];
  if (ins.kind === 'cmd') {
    b.config.cmd = args;
    b.config.argsEscaped = true; // BuildKit sets it with every CMD (for Docker's Windows images)
    b.cmdSet = true;
  } else {
    b.config.entrypoint = args;
    // An ENTRYPOINT resets a CMD inherited from the base, but not one set in this stage.
    if (!b.cmdSet) b.config.cmd = undefined;
  }
  b.addHistory(`${ins.kind.toUpperCase()} [${args.map(goStrconvQuote).join(' ')}]`);
}

/** WORKDIR: relative to the current one; made (with USER as owner) unless it is `/`. */
export function dispatchWorkdir(b: StageBuilder, ins: SingleValueInstruction, ctx: DispatchContext): void {
  const value = b.expand(ins.value, ins.node);
  const dir = path.posix.resolve('/', b.config.workdir || '/', value);
  b.config.workdir = dir;
  if (dir === '/') {
    b.addHistory('WORKDIR /');
    return;
  }
  const meta: VertexMeta = {
    name: ctx.vertexName(b, ins.node),
    location: { file: b.file, startLine: ins.node.startLine, endLine: ins.node.endLine },
    ...(ctx.ignoreCache(b) ? { ignoreCache: true } : {}),
  };
  const chown = b.config.user ? { chown: parseChown(b.config.user) } : {};
  b.fs = b.fs.file([{ action: 'mkdir', path: dir, mode: 0o755, parents: true, ...chown }], meta);
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
  else if (ins.kind === 'stopsignal') {
    if (!isValidSignal(value)) {
      throw new DockerfileConvertError(
        b.file,
        ins.node,
        `Invalid signal: ${value}`,
        'write a signal name such as SIGTERM or SIGQUIT, or its number',
      );
    }
    b.config.stopSignal = value;
  }
  b.addHistory(`${ins.kind.toUpperCase()} ${value}`);
}

export function dispatchList(b: StageBuilder, ins: ListInstruction): void {
  if (ins.kind === 'volume') {
    const volumes = ins.values.map((v) => b.expand(v, ins.node));
    if (volumes.includes('')) {
      throw new DockerfileConvertError(
        b.file,
        ins.node,
        'VOLUME specified can not be an empty string',
        'name the mount point, e.g. VOLUME /data',
      );
    }
    for (const v of volumes) b.config.volumes.add(v);
    b.addHistory(`VOLUME [${volumes.join(' ')}]`);
    return;
  }
  const ports: string[] = [];
  for (const word of ins.values.flatMap((v) => b.expandWords(v, ins.node))) {
    try {
      ports.push(...parsePortSpec(word));
    } catch (err) {
      throw new DockerfileConvertError(
        b.file,
        ins.node,
        (err as Error).message,
        'write EXPOSE PORT[/tcp|udp|sctp], or a range such as 8000-8010/udp',
      );
    }
  }
  for (const p of ports) b.config.exposedPorts.add(p);
  b.addHistory(`EXPOSE [${ports.join(' ')}]`);
}

/** HEALTHCHECK; history as Go prints the config (`{Test:[…] Interval:30s … Retries:0}`). */
export function dispatchHealthcheck(b: StageBuilder, ins: HealthcheckInstruction): void {
  const { test, interval, timeout, startPeriod, startInterval, retries } = ins;
  const set = <K extends string>(key: K, v: number | undefined) =>
    v ? ({ [key]: v } as { [P in K]: number }) : {};
  b.config.healthcheck = {
    Test: [...test],
    ...set('Interval', interval),
    ...set('Timeout', timeout),
    ...set('StartPeriod', startPeriod),
    ...set('StartInterval', startInterval),
    ...set('Retries', retries),
  };
  const d = (v: number | undefined) => formatGoDuration(v ?? 0);
  b.addHistory(
    `HEALTHCHECK {Test:[${test.join(' ')}] Interval:${d(interval)} Timeout:${d(timeout)} ` +
      `StartPeriod:${d(startPeriod)} StartInterval:${d(startInterval)} Retries:${retries ?? 0}}`,
  );
}

export function dispatchShell(b: StageBuilder, ins: ShellInstruction): void {
  b.config.shell = [...ins.shell];
  b.addHistory(`SHELL [${ins.shell.join(' ')}]`);
}

/** ONBUILD: stored in the config for images built FROM this one; BuildKit writes no history. */
export function dispatchOnbuild(b: StageBuilder, ins: OnbuildInstruction): void {
  b.config.onBuild.push(ins.expression);
}

/**
 * One stage's instructions, walked as BuildKit's `dispatch` walks them, for the checks that need
 * the stage's scope and for the outline:
 *
 * - before an instruction runs, the words BuildKit expands are expanded against the stage's
 *   environment (ENV and LABEL keys and values; COPY/ADD --chown, --chmod, ADD --checksum,
 *   sources and destination, then unquoted heredoc bodies; WORKDIR; USER; VOLUME; STOPSIGNAL;
 *   RUN --mount values). Each name a word reads that is neither set nor a declared ARG of the
 *   stage gives UndefinedVar, with a "did you mean" among the names that are set. ARG defaults
 *   are expanded the same way, one ARG at a time. RUN, CMD and ENTRYPOINT commands are left to
 *   the shell and not checked;
 * - ENV and LABEL in the legacy `key value` form give LegacyKeyValueFormat; ARG and ENV names
 *   that look like secrets (a word `apikey auth credential(s) key password pword passwd secret
 *   token` between `_` or the ends, unless a word is `public`) give SecretsUsedInArgOrEnv;
 * - a second CMD, ENTRYPOINT or HEALTHCHECK in a stage gives MultipleInstructionsDisallowed at
 *   the earlier one; CMD or ENTRYPOINT in shell form with no SHELL set gives JSONArgsRecommended;
 * - the first WORKDIR of a stage chain that is relative gives WorkdirRelativePath.
 *
 * The environment of a stage built on an image starts with PATH only: the image's own config is
 * not read (a check needs no registry), so a variable only the image defines reads as undefined.
 */
import path from 'node:path';
import { splitCsvRecord } from '../../gofmt/index.js';
import { DEFAULT_PATH, parseMount } from '../convert/index.js';
import type {
  ArgInstruction,
  CopyInstruction,
  KeyValueInstruction,
  RunInstruction,
  StageInstruction,
} from '../instructions/index.js';
import { type InstructionNode, parseHeredocWord } from '../parser/index.js';
import { type ExpansionResult, ShellExpansionError, type ShellLexer } from '../shell/index.js';
import type { GlobalArgs } from './from-checks.js';
import type { Linter } from './linter.js';
import { MESSAGES, RULES } from './rules.js';
import { VarScope } from './scope.js';
import { suggest } from './suggest.js';
import { nodeLines, type StageState, WalkStop } from './walk-state.js';

/** What dispatching needs besides the stage. */
export interface DispatchContext {
  readonly lexer: ShellLexer;
  /** `\` escapes, quotes kept: how heredoc bodies are expanded. */
  readonly rawLexer: ShellLexer;
  readonly linter: Linter;
  readonly globals: GlobalArgs;
  readonly buildArgs: ReadonlyMap<string, string>;
  /** The stage a `COPY --from` value names, if it names one. */
  readonly stageFor: (from: string) => StageState | undefined;
}

/** ARGs BuildKit reads itself and never puts in the environment. */
const NON_ENV_ARGS = new Set(['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);
const SECRET = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const SECRET_ALLOWED = /(?:_|^)(?:public)(?:_|$)/i;
const ONCE_ONLY = new Set(['cmd', 'entrypoint', 'healthcheck']);

function checkSecretName(
  instruction: 'ARG' | 'ENV',
  key: string,
  node: InstructionNode,
  linter: Linter,
): void {
  if (SECRET.test(key) && !SECRET_ALLOWED.test(key)) {
    linter.run(
      RULES.SecretsUsedInArgOrEnv,
      nodeLines(node),
      MESSAGES.secretsUsedInArgOrEnv(instruction, key),
    );
  }
}

/** Expands `word` in the stage's scope and reports the names it read that are undefined. */
function expand(
  st: StageState,
  word: string,
  node: InstructionNode,
  ctx: DispatchContext,
  lexer = ctx.lexer,
) {
  let result: ExpansionResult;
  try {
    result = lexer.processWordWithMatches(word, st.env);
  } catch (err) {
    if (err instanceof ShellExpansionError) throw new WalkStop(err.reason, nodeLines(node));
    throw err;
  }
  for (const name of result.unmatched) {
    if (st.buildArgs.includes(name) || NON_ENV_ARGS.has(name)) continue;
    ctx.linter.run(
      RULES.UndefinedVar,
      nodeLines(node),
      MESSAGES.undefinedVar(name, suggest(name, st.env.keys())),
    );
  }
  return result.result;
}

function dispatchKeyValues(st: StageState, ins: KeyValueInstruction, ctx: DispatchContext): void {
  const pairs = ins.pairs.map((p) => ({
    key: expand(st, p.key, ins.node, ctx),
    value: expand(st, p.value, ins.node, ctx),
    legacy: p.legacy,
  }));
  for (const pair of pairs) {
    if (pair.legacy) {
      ctx.linter.run(
        RULES.LegacyKeyValueFormat,
        nodeLines(ins.node),
        MESSAGES.legacyKeyValueFormat(ins.node.keyword),
      );
    }
    if (ins.kind === 'env') {
      checkSecretName('ENV', pair.key, ins.node, ctx.linter);
      st.env.set(pair.key, pair.value);
    }
  }
}

function dispatchArg(st: StageState, ins: ArgInstruction, ctx: DispatchContext): void {
  ins.args.forEach((decl, position) => {
    checkSecretName('ARG', decl.name, ins.node, ctx.linter);
    const given = ctx.buildArgs.get(decl.name);
    let value: string | undefined;
    let inherited = false;
    if (given !== undefined) value = given;
    else if (decl.value !== undefined) value = expand(st, decl.value, ins.node, ctx);
    else {
      value = ctx.globals.scope.get(decl.name);
      inherited = value !== undefined;
    }
    if (value !== undefined && !NON_ENV_ARGS.has(decl.name)) st.env.set(decl.name, value);
    if (!inherited) {
      st.outline.allArgs.set(decl.name, {
        name: decl.name,
        value,
        node: ins.node,
        position,
        deps: new Set(),
      });
    }
    st.outline.usedArgs.add(decl.name);
    st.buildArgs.push(decl.name);
  });
}

function isHeredocSource(word: string, ins: CopyInstruction): boolean {
  try {
    const marker = parseHeredocWord(word);
    return marker !== undefined && ins.heredocs.some((h) => h.name === marker.name);
  } catch {
    return false;
  }
}

function dispatchCopy(st: StageState, ins: CopyInstruction, ctx: DispatchContext): void {
  for (const flag of [ins.chown, ins.chmod, ins.kind === 'add' ? ins.checksum : undefined]) {
    if (flag !== undefined) expand(st, flag, ins.node, ctx);
  }
  for (const source of ins.sources) if (!isHeredocSource(source, ins)) expand(st, source, ins.node, ctx);
  expand(st, ins.dest, ins.node, ctx);
  for (const doc of ins.heredocs) if (doc.expand) expand(st, doc.content, ins.node, ctx, ctx.rawLexer);
  if (ins.kind !== 'copy' || ins.from === undefined) return;
  const source = ctx.stageFor(ins.from);
  if (source && !source.dispatched) {
    throw new WalkStop(
      `cannot copy from stage "${ins.from}", it needs to be defined before current stage "${st.displayName}"`,
      nodeLines(ins.node),
    );
  }
}

function dispatchRun(st: StageState, ins: RunInstruction, ctx: DispatchContext): void {
  for (const raw of ins.mounts) {
    const fields = splitCsvRecord(raw).map((field) => {
      const eq = field.indexOf('=');
      return eq < 0 ? field : `${field.slice(0, eq)}=${expand(st, field.slice(eq + 1), ins.node, ctx)}`;
    });
    const mount = parseMount(fields.join(','));
    if ('problem' in mount) continue; // the build reports it; a check has nothing to add
    if (mount.type === 'secret') {
      const id = mount.source || mount.id || (mount.target ? path.posix.basename(mount.target) : '');
      if (id !== '' && !st.outline.secrets.has(id)) {
        st.outline.secrets.set(id, { required: mount.required, node: ins.node });
      }
    } else if (mount.type === 'ssh') {
      const id = mount.id || 'default';
      if (!st.outline.ssh.has(id)) st.outline.ssh.set(id, { required: mount.required, node: ins.node });
    }
  }
}

function dispatchOnceOnly(st: StageState, ins: StageInstruction, ctx: DispatchContext): void {
  const earlier = st.once.get(ins.kind);
  if (earlier) {
    ctx.linter.run(
      RULES.MultipleInstructionsDisallowed,
      nodeLines(earlier),
      MESSAGES.multipleInstructionsDisallowed(ins.node.keyword),
    );
  }
  st.once.set(ins.kind, ins.node);
  if ((ins.kind === 'cmd' || ins.kind === 'entrypoint') && ins.command.shellForm && !st.shellSet) {
    ctx.linter.run(
      RULES.JSONArgsRecommended,
      nodeLines(ins.node),
      MESSAGES.jsonArgsRecommended(ins.node.keyword),
    );
  }
}

function dispatchInstruction(st: StageState, ins: StageInstruction, ctx: DispatchContext): void {
  switch (ins.kind) {
    case 'env':
    case 'label':
      dispatchKeyValues(st, ins, ctx);
      return;
    case 'arg':
      dispatchArg(st, ins, ctx);
      return;
    case 'copy':
    case 'add':
      dispatchCopy(st, ins, ctx);
      return;
    case 'run':
      dispatchRun(st, ins, ctx);
      return;
    case 'workdir': {
      const dir = expand(st, ins.value, ins.node, ctx);
      if (!st.workdirSet && !dir.startsWith('/')) {
        ctx.linter.run(RULES.WorkdirRelativePath, nodeLines(ins.node), MESSAGES.workdirRelativePath(dir));
      }
      st.workdirSet = true;
      return;
    }
    case 'user':
    case 'stopsignal':
      expand(st, ins.value, ins.node, ctx);
      return;
    case 'volume':
      for (const v of ins.values) expand(st, v, ins.node, ctx);
      return;
    case 'shell':
      st.shellSet = true;
      return;
    default:
      if (ONCE_ONLY.has(ins.kind)) dispatchOnceOnly(st, ins, ctx);
  }
}

/** Walks one stage: inherits from its base stage (or starts with PATH), then runs each instruction. */
export function dispatchStage(st: StageState, ctx: DispatchContext): void {
  if (st.base) st.inheritFromBase();
  else st.env = new VarScope([['PATH', DEFAULT_PATH.slice('PATH='.length)]]);
  st.dispatched = true;
  for (const ins of st.stage.instructions) dispatchInstruction(st, ins, ctx);
}

/**
 * The global scope of one target: what FROM lines, `FROM --platform=` and stage ARGs declared
 * without a value see. As BuildKit builds it:
 * 1. the eight automatic platform ARGs for the target, each replaced by a `--build-arg` of the
 *    same name if one is given;
 * 2. then each global ARG (before the first FROM) in order: its `--build-arg` value, else its
 *    default expanded against the scope so far; one with neither leaves the scope as it is (so a
 *    bare `ARG TARGETARCH` there keeps the automatic value, and a default replaces it).
 * A `--build-arg` for a name not declared globally does not enter this scope (a stage's `ARG`
 * picks it up).
 */
import type { Platform } from '../../platform/index.js';
import type { ArgInstruction } from '../instructions/index.js';
import type { ShellLexer } from '../shell/index.js';
import { platformArgs } from './platform-args.js';
import { type ExpansionRecord, locateExpansionError } from './stage-builder.js';

/** Evaluates the global scope; records every expansion in `expansions`. */
export function globalScope(
  metaArgs: readonly ArgInstruction[],
  buildArgs: ReadonlyMap<string, string>,
  target: Platform,
  buildPlatform: Platform,
  lexer: ShellLexer,
  file: string,
  expansions: ExpansionRecord[],
): Map<string, string> {
  const scope = new Map<string, string>();
  for (const [name, value] of platformArgs(target, buildPlatform))
    scope.set(name, buildArgs.get(name) ?? value);
  for (const arg of metaArgs) {
    for (const decl of arg.args) {
      let value = buildArgs.get(decl.name);
      if (value === undefined && decl.value !== undefined) {
        try {
          const result = lexer.processWordWithMatches(decl.value, scope);
          expansions.push({ node: arg.node, result });
          value = result.result;
        } catch (err) {
          throw locateExpansionError(err, file, arg.node);
        }
      }
      if (value !== undefined) scope.set(decl.name, value);
    }
  }
  return scope;
}

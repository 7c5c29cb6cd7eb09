/**
 * Which Dockerfile instructions the builder expands variables in, and which leave `$` to a shell.
 *
 * Sources, checked against each other:
 * - the Dockerfile reference, "Environment replacement": ADD COPY ENV EXPOSE FROM LABEL
 *   STOPSIGNAL USER VOLUME WORKDIR, and ONBUILD when combined with one of those; RUN, CMD and
 *   ENTRYPOINT leave substitution to the command shell;
 * - BuildKit `frontend/dockerfile/instructions/commands.go`: the commands with an `Expand`
 *   method are ENV, LABEL, ADD, COPY, WORKDIR, USER, VOLUME, STOPSIGNAL, ARG (not in the
 *   reference list, but BuildKit expands `ARG NAME=$OTHER`) and RUN (its `--mount` options only);
 *   `dispatchExpose` in `dockerfile2llb` expands EXPOSE with `ProcessWords` (splitting words);
 *   FROM's image name and `--platform` are expanded with the global ARGs (those before the first
 *   FROM), by the converter. ONBUILD stores its trigger unexpanded; the trigger is expanded by
 *   its own rule when it runs in the downstream build.
 */

/** Every Dockerfile instruction keyword, upper case. */
export type InstructionName =
  | 'ADD'
  | 'ARG'
  | 'CMD'
  | 'COPY'
  | 'ENTRYPOINT'
  | 'ENV'
  | 'EXPOSE'
  | 'FROM'
  | 'HEALTHCHECK'
  | 'LABEL'
  | 'MAINTAINER'
  | 'ONBUILD'
  | 'RUN'
  | 'SHELL'
  | 'STOPSIGNAL'
  | 'USER'
  | 'VOLUME'
  | 'WORKDIR';

/**
 * How an instruction treats `$`:
 * * - `builder`: the builder expands its arguments with `ShellLexer`;
 * - `shell`: in shell form the text goes to the shell unchanged (the shell expands it when it
 *   runs); in exec (JSON) form nothing expands at all;
 * - `deferred`: expanded later, by the rule of the instruction it wraps (ONBUILD);
 * - `none`: never expanded.
 */
export type ExpansionMode = 'builder' | 'shell' | 'deferred' | 'none';

/** How one instruction treats variables. */
export interface InstructionExpansion {
  readonly mode: ExpansionMode;
  /** Which parts the builder expands (empty when none). */
  readonly parts: readonly string[];
  /** True when the expanded text is split into several words (`processWords`). */
  readonly splitsWords: boolean;
}

function rule(mode: ExpansionMode, parts: readonly string[] = [], splitsWords = false): InstructionExpansion {
  return Object.freeze({ mode, parts: Object.freeze([...parts]), splitsWords });
}

/** The expansion rule of every instruction. */
export const INSTRUCTION_EXPANSION: Readonly<Record<InstructionName, InstructionExpansion>> = Object.freeze({
  ADD: rule('builder', ['sources', 'destination', '--chown', '--checksum']),
  ARG: rule('builder', ['names', 'default values']),
  CMD: rule('shell'),
  COPY: rule('builder', ['sources', 'destination', '--chown']),
  ENTRYPOINT: rule('shell'),
  ENV: rule('builder', ['names', 'values']),
  EXPOSE: rule('builder', ['ports'], true),
  FROM: rule('builder', ['image', '--platform']),
  HEALTHCHECK: rule('shell'),
  LABEL: rule('builder', ['keys', 'values']),
  MAINTAINER: rule('none'),
  ONBUILD: rule('deferred'),
  RUN: rule('shell', ['--mount options']),
  SHELL: rule('none'),
  STOPSIGNAL: rule('builder', ['signal']),
  USER: rule('builder', ['user']),
  VOLUME: rule('builder', ['paths']),
  WORKDIR: rule('builder', ['path']),
});

/** The instructions whose arguments the builder expands (upper case). */
export const EXPANDING_INSTRUCTIONS: ReadonlySet<InstructionName> = new Set(
  (Object.keys(INSTRUCTION_EXPANSION) as InstructionName[]).filter(
    (name) => INSTRUCTION_EXPANSION[name].mode === 'builder',
  ),
);

/** True when the builder expands variables in the arguments of `instruction` (any case). */
export function expandsVariables(instruction: string): boolean {
  return (EXPANDING_INSTRUCTIONS as ReadonlySet<string>).has(instruction.toUpperCase());
}

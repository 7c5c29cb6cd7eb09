/**
 * BuildKit's build-check rules (frontend/dockerfile/linter/ruleset.go): each rule's name,
 * one-line description, documentation URL and message, word for word, so that output and JSON
 * match `docker buildx build --call=check`. The table of rules and what triggers them is the
 * test data under test/fixtures/call/; the rule pages are
 * https://docs.docker.com/reference/build-checks/<kebab-case-name>/.
 *
 * Messages quote with Go's `%q` where BuildKit does (`Duplicate stage name "a"`), and with
 * single quotes where BuildKit writes `'%s'`.
 */
import { goStrconvQuote } from '../../gofmt/index.js';

/** One rule: what `--call=check` prints as its name, description and URL. */
export interface LintRule {
  readonly name: string;
  readonly description: string;
  /** Documentation page; empty for rules BuildKit publishes without one. */
  readonly url: string;
  /** Experimental rules run only when `# check=experimental=…` names them. */
  readonly experimental: boolean;
}

const DOCS = 'https://docs.docker.com/go/dockerfile/rule/';

function rule(name: string, slug: string, description: string, experimental = false): LintRule {
  return Object.freeze({ name, description, url: `${DOCS}${slug}/`, experimental });
}

/** Every rule Manifold runs, by name. */
export const RULES = Object.freeze({
  StageNameCasing: rule('StageNameCasing', 'stage-name-casing', 'Stage names should be lowercase'),
  FromAsCasing: rule(
    'FromAsCasing',
    'from-as-casing',
    "The 'as' keyword should match the case of the 'from' keyword",
  ),
  NoEmptyContinuation: rule(
    'NoEmptyContinuation',
    'no-empty-continuation',
    'Empty continuation lines will become errors in a future release',
  ),
  ConsistentInstructionCasing: rule(
    'ConsistentInstructionCasing',
    'consistent-instruction-casing',
    'All commands within the Dockerfile should use the same casing (either upper or lower)',
  ),
  DuplicateStageName: rule('DuplicateStageName', 'duplicate-stage-name', 'Stage names should be unique'),
  ReservedStageName: rule(
    'ReservedStageName',
    'reserved-stage-name',
    'Reserved words should not be used as stage names',
  ),
  JSONArgsRecommended: rule(
    'JSONArgsRecommended',
    'json-args-recommended',
    'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
  ),
  MaintainerDeprecated: rule(
    'MaintainerDeprecated',
    'maintainer-deprecated',
    'The MAINTAINER instruction is deprecated, use a label instead to define an image author',
  ),
  UndefinedArgInFrom: rule(
    'UndefinedArgInFrom',
    'undefined-arg-in-from',
    'FROM command must use declared ARGs',
  ),
  WorkdirRelativePath: rule(
    'WorkdirRelativePath',
    'workdir-relative-path',
    'Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes',
  ),
  UndefinedVar: rule('UndefinedVar', 'undefined-var', 'Variables should be defined before their use'),
  MultipleInstructionsDisallowed: rule(
    'MultipleInstructionsDisallowed',
    'multiple-instructions-disallowed',
    'Multiple instructions of the same type should not be used in the same stage',
  ),
  LegacyKeyValueFormat: rule(
    'LegacyKeyValueFormat',
    'legacy-key-value-format',
    'Legacy key/value format with whitespace separator should not be used',
  ),
  RedundantTargetPlatform: rule(
    'RedundantTargetPlatform',
    'redundant-target-platform',
    'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
  ),
  SecretsUsedInArgOrEnv: rule(
    'SecretsUsedInArgOrEnv',
    'secrets-used-in-arg-or-env',
    'Sensitive data should not be used in the ARG or ENV commands',
  ),
  InvalidDefaultArgInFrom: rule(
    'InvalidDefaultArgInFrom',
    'invalid-default-arg-in-from',
    'Default value for global ARG results in an empty or invalid base image name',
  ),
  FromPlatformFlagConstDisallowed: rule(
    'FromPlatformFlagConstDisallowed',
    'from-platform-flag-const-disallowed',
    'FROM --platform flag should not use a constant value',
  ),
} satisfies Record<string, LintRule>);

/** The name of a rule Manifold runs. */
export type RuleName = keyof typeof RULES;

/** The message (BuildKit's "detail") of each rule, built from what the check found. */
export const MESSAGES = Object.freeze({
  stageNameCasing: (stageName: string) => `Stage name '${stageName}' should be lowercase`,
  fromAsCasing: (from: string, as: string) => `'${as}' and '${from}' keywords' casing do not match`,
  noEmptyContinuation: () => 'Empty continuation line',
  consistentInstructionCasing: (command: string, casing: 'lowercase' | 'uppercase') =>
    `Command '${command}' should match the case of the command majority (${casing})`,
  duplicateStageName: (stageName: string) =>
    `Duplicate stage name ${goStrconvQuote(stageName)}, stage names should be unique`,
  reservedStageName: (stageName: string) =>
    `Stage name should not use the same name as reserved stage ${goStrconvQuote(stageName)}`,
  jsonArgsRecommended: (instruction: string) =>
    `JSON arguments recommended for ${instruction} to prevent unintended behavior related to OS signals`,
  maintainerDeprecated: () => 'Maintainer instruction is deprecated in favor of using label',
  undefinedArgInFrom: (arg: string, suggestion: string) =>
    `FROM argument '${arg}' is not declared${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
  workdirRelativePath: (workdir: string) =>
    `Relative workdir ${goStrconvQuote(workdir)} can have unexpected results if the base image changes`,
  undefinedVar: (name: string, suggestion: string) =>
    `Usage of undefined variable '$${name}'${suggestion ? ` (did you mean $${suggestion}?)` : ''}`,
  multipleInstructionsDisallowed: (instruction: string) =>
    `Multiple ${instruction} instructions should not be used in the same stage because only the last one will be used`,
  legacyKeyValueFormat: (instruction: string) =>
    `"${instruction} key=value" should be used instead of legacy "${instruction} key value" format`,
  redundantTargetPlatform: (platform: string) =>
    `Setting platform to predefined ${platform} in FROM is redundant as this is the default behavior`,
  secretsUsedInArgOrEnv: (instruction: 'ARG' | 'ENV', key: string) =>
    `Do not use ARG or ENV instructions for sensitive data (${instruction} ${goStrconvQuote(key)})`,
  invalidDefaultArgInFrom: (baseName: string) =>
    `Default value for ARG ${baseName} results in empty or invalid base image name`,
  fromPlatformFlagConstDisallowed: (platform: string) =>
    `FROM --platform flag should not use constant value ${goStrconvQuote(platform)}`,
});

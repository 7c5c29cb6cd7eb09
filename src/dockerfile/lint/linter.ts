/**
 * The collector of build-check warnings, as BuildKit's `linter.Linter`: a rule named in
 * `skip=` (or every rule with `skip=all`) is not reported; an experimental rule is reported
 * only when `experimental=` names it (or says `all`); every reported rule is remembered, so
 * that `error=true` can fail the check with "lint violation found for rules: …" at the end.
 * Warnings keep the order in which the checks found them (the JSON output's order).
 */
import type { CheckConfig } from './check-config.js';
import type { LintRule } from './rules.js';

/** A range of 1-based lines (BuildKit's `parser.Range`; columns are always 0 there). */
export interface LineRange {
  readonly start: number;
  readonly end: number;
}

/** One finding, as BuildKit's `lint.Warning`. */
export interface LintWarning {
  readonly ruleName: string;
  readonly description: string;
  readonly url: string;
  /** The message, e.g. `Stage name 'Build' should be lowercase`. */
  readonly detail: string;
  /** Where in the Dockerfile (usually the instruction's lines). */
  readonly location: readonly LineRange[];
}

/** Collects warnings for one check run. */
export class Linter {
  private readonly found: LintWarning[] = [];
  private readonly called: string[] = [];
  private readonly skipped: ReadonlySet<string>;
  private readonly experimental: ReadonlySet<string>;

  /** @param enabled false for runs that only need the walk (outline), not the warnings. */
  constructor(
    private readonly config: CheckConfig,
    private readonly enabled = true,
  ) {
    this.skipped = new Set(config.skipRules);
    this.experimental = new Set(config.experimentalRules);
  }

  /** Reports `rule` at `location` with `detail`, unless the configuration turns it off. */
  run(rule: LintRule, location: readonly LineRange[], detail: string): void {
    if (!this.enabled) return;
    if (rule.experimental) {
      if (!this.config.experimentalAll && !this.experimental.has(rule.name)) return;
    } else if (this.config.skipAll || this.skipped.has(rule.name)) {
      return;
    }
    this.called.push(rule.name);
    this.found.push({
      ruleName: rule.name,
      description: rule.description,
      url: rule.url,
      detail,
      location: location.map((r) => ({ ...r })),
    });
  }

  /** The warnings so far, in the order found. */
  warnings(): readonly LintWarning[] {
    return this.found;
  }

  /**
   * With `error=true` and at least one warning: BuildKit's error text naming the rules (each
   * once, in the order first found); otherwise undefined.
   */
  violationMessage(): string | undefined {
    if (!this.config.returnAsError || this.called.length === 0) return undefined;
    return `lint violation found for rules: ${[...new Set(this.called)].join(', ')}`;
  }
}

/** The one-range location of lines `start`..`end`. */
export function lines(start: number, end = start): LineRange[] {
  return [{ start, end }];
}

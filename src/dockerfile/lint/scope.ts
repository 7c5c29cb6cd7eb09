/**
 * A variable scope in the order names were first set (BuildKit's `EnvList`): the global ARGs,
 * or the environment of a stage (its base's ENV, then its own ENV and ARG values). It is a
 * {@link ShellEnv}, so the word lexer reads it directly; `keys()` order is the order in which
 * "did you mean" candidates are tried.
 */
import type { ShellEnv } from '../shell/index.js';

/** A mutable, ordered variable scope owned by one walk. */
export class VarScope implements ShellEnv {
  private readonly values: Map<string, string>;

  constructor(entries: Iterable<readonly [string, string]> = []) {
    this.values = new Map(entries);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  keys(): string[] {
    return [...this.values.keys()];
  }

  set(name: string, value: string): void {
    this.values.set(name, value);
  }

  /** An independent copy. */
  clone(): VarScope {
    return new VarScope(this.values);
  }
}

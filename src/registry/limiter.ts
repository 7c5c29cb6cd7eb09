/**
 * A counting semaphore: at most `limit` holders at once, the rest wait in arrival order. The
 * client holds one slot per manifest request, per blob push and per blob download (until the
 * download stream ends, fails or is destroyed), which bounds its parallelism and its memory.
 */

/** Gives back a slot; calling it twice is harmless. */
export type Release = () => void;

/** A counting semaphore (see the module comment). */
export class Limiter {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`concurrency limit must be an integer ≥ 1, got ${limit}`);
    this.#limit = limit;
  }

  /** Slots in use. */
  get active(): number {
    return this.#active;
  }

  /** Waits for a slot. */
  async acquire(): Promise<Release> {
    if (this.#active >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next === undefined) this.#active--;
      else next();
    };
  }

  /** Runs `fn` holding a slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/**
 * The retry policy of the distribution client.
 *
 * A request is tried at most `maxAttempts` times (5: containerd's and containers/image's
 * budget). It is retried on 408, 429, 500, 502, 503 and 504 (unless the registry's error codes
 * say the failure is permanent, see `isTemporaryAnswer`) and on dropped connections (reset,
 * broken pipe, socket closed mid-body, timeouts). Other 4xx answers and refused connections
 * are not retried. The wait before retry n (n ≥ 1) is `initialDelayMs · factor^(n-1)`, capped
 * at `maxDelayMs`, spread by ±`jitter` so that parallel clients do not retry in lockstep. A
 * valid `Retry-After` (delta seconds, or an HTTP date in the future) replaces the computed
 * wait, capped at `retryAfterCapMs` (60 s, containers/image's cap); a past date or garbage
 * falls back to the computed wait. An abort signal ends a wait at once.
 */
import { isRegistryError } from './errors.js';

/** How the client retries (all times in milliseconds). */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
  /** Fraction of the wait added or removed at random (0.2 = ±20 %). */
  readonly jitter: number;
  readonly retryAfterCapMs: number;
}

/** Defaults: 5 attempts, waits of about 0.5, 1, 2, 4 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 500,
  factor: 2,
  maxDelayMs: 10_000,
  jitter: 0.2,
  retryAfterCapMs: 60_000,
};

/** The policy with defaults filled in; rejects nonsense values. */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...partial };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`retry maxAttempts must be an integer ≥ 1, got ${policy.maxAttempts}`);
  }
  if (policy.jitter < 0 || policy.jitter > 1)
    throw new RangeError(`retry jitter must be in [0, 1], got ${policy.jitter}`);
  return policy;
}

/** HTTP statuses worth another attempt. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** True for a status worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * Milliseconds a `Retry-After` value asks for, or undefined when absent, unparsable or in the
 * past (the caller then uses its computed wait). Not capped here.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at) || !/[a-z]/i.test(v)) return undefined;
  const ms = at - nowMs;
  return ms > 0 ? ms : undefined;
}

/**
 * The wait before retry number `retry` (1 for the first retry). `retryAfterMs`, when given,
 * replaces the computed wait (capped). `random` returns a number in [0, 1).
 */
export function retryDelay(
  retry: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.retryAfterCapMs);
  const base = Math.min(policy.initialDelayMs * policy.factor ** Math.max(0, retry - 1), policy.maxDelayMs);
  const spread = base * policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base + spread));
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * True for a failure of the connection itself that another attempt may not meet: a reset, a
 * broken pipe, a socket closed mid-body, a timeout; also a `RegistryError` marked temporary
 * with no HTTP status. Refused connections, DNS failures other than EAI_AGAIN and aborts are
 * not transient.
 */
export function isTransientNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.name === 'AbortError') return false;
    if (isRegistryError(e) && e.status === undefined) return e.temporary;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    if (/other side closed|socket hang up|premature close|terminated/i.test(e.message)) return true;
  }
  return false;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

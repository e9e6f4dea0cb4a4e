/**
 * How long to pause before retrying a call, as a pure function of the retry's number, the kind
 * of error and what AWS asked for. The SDK's retry strategy (src/aws/retry.ts) uses it for
 * every call; a workflow that retries a call itself can use it with its own clock.
 */

/** Why a call is retried: throttling backs off longer than a 5xx or a dropped connection. */
export type RetryErrorKind = 'throttling' | 'transient';

/** Attempts per call, the first included, unless AWS_MAX_ATTEMPTS says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 6;

/** The first retry waits up to this long; each further one up to twice as long as the last. */
export const RETRY_BASE_DELAY_MS: Readonly<Record<RetryErrorKind, number>> = {
  transient: 100,
  throttling: 500,
};

/** No pause is longer, a Retry-After included. */
export const MAX_RETRY_DELAY_MS = 20_000;

/**
 * The pause before retry number `retry` (1: the first retry, after the first attempt failed):
 * exponential backoff with full jitter, a random time from 0 up to `base × 2^(retry-1)`, capped
 * at MAX_RETRY_DELAY_MS, so that calls that failed together do not all come back together. When
 * AWS said when to come back (`retryAfterMs`, from Retry-After), never sooner than that, up to
 * the cap. `random` returns a number in [0, 1), as Math.random does.
 */
export function retryDelayMs(
  retry: number,
  kind: RetryErrorKind,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, RETRY_BASE_DELAY_MS[kind] * 2 ** Math.max(0, retry - 1));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs)) return jittered;
  return Math.max(jittered, Math.min(MAX_RETRY_DELAY_MS, Math.max(0, Math.ceil(retryAfterMs))));
}

/**
 * How long AWS asked the caller to wait before coming back, in ms from `nowMs`, read from an
 * error thrown by the SDK: the Retry-After header (seconds, or an HTTP date), or Lambda's
 * `retryAfterSeconds` (the same header, bound to the error). Undefined when AWS said nothing.
 */
export function retryAfterMs(error: unknown, nowMs: number): number | undefined {
  const e = (error ?? {}) as {
    retryAfterSeconds?: unknown;
    $response?: { headers?: Record<string, string | undefined> };
  };
  const headers = e.$response?.headers ?? {};
  const header = Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
  const raw = header ?? (e.retryAfterSeconds === undefined ? undefined : String(e.retryAfterSeconds));
  if (raw === undefined || raw.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

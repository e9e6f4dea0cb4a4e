import type { RetryErrorInfo, RetryErrorType, RetryStrategyV2, RetryToken } from '@smithy/types';
import type { Clock } from '../core/poll.js';
import { DEFAULT_MAX_ATTEMPTS, type RetryErrorKind, retryDelayMs } from '../core/retry-policy.js';
import { CliError } from '../errors.js';
import { systemClock } from './clock.js';

/**
 * The SDK's standard retry strategy keeps one retry-token bucket per client (500 tokens, 14 per
 * retried 5xx or timeout, 5 per throttle), shared by every call on it: one 5xx on each of 60
 * functions' first read drains it, and the last 25 fail after a single attempt. Here every call
 * gets its own attempts, and nothing is shared between calls: the rate budgets that every Lambda
 * attempt waits for (rate-budget.ts) do the pacing, so retries cannot flood AWS either.
 *
 * What is retried is exactly what the standard strategy retries, as the SDK's retry middleware
 * classifies it: throttling, and transient errors (HTTP 500, 502, 503, 504, timeouts, dropped or
 * refused connections); never a client error, nor another 5xx (such as 501).
 */
export interface RetryStrategyOptions {
  /** Attempts per call, the first included: 1 never retries. */
  maxAttempts: number;
  /** Pauses between attempts on it; default the system clock (tests pass one that does not wait). */
  clock?: Clock | undefined;
  /**
   * Ends a pause early with an AbortError: Ctrl-C, SIGTERM, and the run's deadline once it has
   * started (read at each pause: the deadline starts after the clients are made).
   */
  signal?: (() => AbortSignal | undefined) | undefined;
  /** In [0, 1), for the jitter; default Math.random. */
  random?: (() => number) | undefined;
}

/** A token knows how many retries its call has had; it holds no share of anything. */
class CallRetryToken implements RetryToken {
  readonly $retryLog: { acquisitionDelay: number };

  constructor(
    private readonly retries: number,
    pausedMs: number,
  ) {
    // The SDK adds this to $metadata.totalRetryDelay.
    this.$retryLog = { acquisitionDelay: pausedMs };
  }

  getRetryCount(): number {
    return this.retries;
  }

  /** The strategy has paused already, on its own clock: nothing left for the SDK to wait. */
  getRetryDelay(): number {
    return 0;
  }
}

const KIND_OF: Partial<Record<RetryErrorType, RetryErrorKind>> = {
  THROTTLING: 'throttling',
  TRANSIENT: 'transient',
};

export class PerCallRetryStrategy implements RetryStrategyV2 {
  /** As the standard strategy's: what the SDK reports in its user agent. */
  readonly mode = 'standard';
  readonly maxAttempts: number;
  private readonly clock: Clock;
  private readonly signal: () => AbortSignal | undefined;
  private readonly random: () => number;

  constructor(options: RetryStrategyOptions) {
    this.maxAttempts = options.maxAttempts;
    this.clock = options.clock ?? systemClock;
    this.signal = options.signal ?? (() => undefined);
    this.random = options.random ?? Math.random;
  }

  async acquireInitialRetryToken(_retryTokenScope: string): Promise<RetryToken> {
    return new CallRetryToken(0, 0);
  }

  /**
   * Pauses, then lets the call try again; throws (and the SDK throws the call's last error)
   * when the error is not retried or the call has had all its attempts.
   */
  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const kind = KIND_OF[errorInfo.errorType];
    const retry = token.getRetryCount() + 1;
    if (!kind || retry >= this.maxAttempts) throw new Error('No retry token available');
    // The SDK turns Retry-After into a Date with Date.now(), so it is read back the same way.
    const retryAfterMs = errorInfo.retryAfterHint
      ? errorInfo.retryAfterHint.getTime() - Date.now()
      : undefined;
    const delay = retryDelayMs(retry, kind, retryAfterMs, this.random);
    if (delay > 0) await this.clock.sleep(delay, this.signal());
    return new CallRetryToken(retry, delay);
  }

  recordSuccess(_token: RetryToken): void {}
}

/** A strategy for one client; `{ maxAttempts: 1 }` for a client whose calls must never be retried. */
export const retryStrategy = (options: RetryStrategyOptions): PerCallRetryStrategy =>
  new PerCallRetryStrategy(options);

/**
 * Attempts per call: AWS_MAX_ATTEMPTS when set (a whole number, at least 1), otherwise 6. The
 * profile's `max_attempts` is not read.
 */
export function maxAttemptsFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.AWS_MAX_ATTEMPTS?.trim();
  if (raw === undefined || raw === '') return DEFAULT_MAX_ATTEMPTS;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new CliError(
      'Config',
      `AWS_MAX_ATTEMPTS must be a whole number of at least 1, got '${env.AWS_MAX_ATTEMPTS}'.`,
      { hint: `It counts every attempt of a call, the first included (default ${DEFAULT_MAX_ATTEMPTS}).` },
    );
  }
  return value;
}

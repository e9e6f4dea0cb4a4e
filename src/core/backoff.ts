/**
 * How long to wait before attempt `attempt + 1` of a call that failed `attempt` times:
 * exponential with full jitter (AWS's "Exponential Backoff And Jitter"), from 100 ms, or 500 ms
 * when throttled, capped at 20 s.
 */
export function retryDelayMs(
  attempt: number,
  throttled: boolean,
  random: () => number = Math.random,
): number {
  const base = throttled ? 500 : 100;
  return Math.round(random() * Math.min(20_000, base * 2 ** Math.max(0, attempt - 1)));
}

import { setMaxListeners } from 'node:events';
import { DeadlineReached } from '../errors.js';
import type { RunDeps } from './deps.js';

/** The run's --timeout: when it ends, and the signal that cuts off every call still in flight then. */
export interface Deadline {
  /** Absolute time on the run's clock. */
  at: number;
  /** Aborts on Ctrl-C or SIGTERM, or with DeadlineReached once `at` has come. */
  signal: AbortSignal;
  /** Aborts with DeadlineReached once `at` has come, and only then: for a write, which Ctrl-C lets finish. */
  expiry: AbortSignal;
}

/**
 * Starts the run's deadline now. The calls made until then get its signal, so a read, a role
 * check or a write in flight ends when the time is up instead of when AWS answers (30 s per
 * attempt, six attempts).
 */
export function startDeadline(
  deps: Pick<RunDeps, 'clock' | 'signal'> & { aws?: RunDeps['aws'] },
  timeoutMs: number,
): Deadline {
  const at = deps.clock.now() + timeoutMs;
  const expiry = deps.clock.signalAt(at, new DeadlineReached(timeoutMs));
  const signal = deps.signal ? AbortSignal.any([deps.signal, expiry]) : expiry;
  // Every call of a fleet in flight listens to these at once; that is not a leak.
  setMaxListeners(0, expiry, signal);
  deps.aws?.limitTo(signal);
  return { at, expiry, signal };
}

import { isDeadline } from '../errors.js';

/** Time as the code sees it; tests pass a clock that moves only when the code sleeps. */
export interface Clock {
  now(): number;
  /** Rejects with an AbortError when the signal fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * A signal that aborts with `reason` once the clock reaches `at`: the deadline of the calls
   * in flight, so a slow call ends when the time is up rather than when it answers.
   */
  signalAt(at: number, reason: Error): AbortSignal;
  /**
   * Calls `fire` once `ms` have passed on this clock, unless the returned cancel comes first;
   * never keeps the process alive. What must happen while nothing else does (a heartbeat).
   */
  after(ms: number, fire: () => void): () => void;
}

export interface PollOptions<T> {
  /** One look at the thing waited for. */
  read: () => Promise<T>;
  /** True once the value read is what we wait for. */
  done: (value: T) => boolean;
  /** Absolute time (ms, on `clock`) after which polling stops with `timedOut`. */
  deadline: number;
  clock: Clock;
  /** Ctrl-C, SIGTERM, and the deadline (an abort whose reason is DeadlineReached: `timedOut`). */
  signal?: AbortSignal | undefined;
  firstDelayMs: number;
  maxDelayMs: number;
  /** Each delay is the last one times this, up to maxDelayMs (1: a steady interval). */
  backoff: number;
  /** The first look is already known (a write just answered, a listing was just made): pause first. */
  startWithPause?: boolean;
  /** Errors to poll through until the deadline, such as throttling the SDK already retried. */
  isTransient: (error: unknown) => boolean;
  /** Called with every value read, the final one included. */
  onValue?: (value: T) => void;
  onTransientError?: (error: unknown) => void;
  /** The errors to end with; `last` is the latest value read, if any. */
  timedOut: (last: T | undefined) => Error;
  interrupted: (last: T | undefined) => Error;
}

/**
 * Reads until `done`, pausing between reads with a bounded backoff, and never past the
 * deadline: the last pause is cut to what is left. Any error that is not transient ends the
 * poll at once (unlike the SDK's waiters, which spin on access denied until they time out).
 */
export async function poll<T>(o: PollOptions<T>): Promise<T> {
  const { clock, signal } = o;
  let nextDelay = o.firstDelayMs;
  let last: T | undefined;
  // The signal may carry the deadline too: a read cut off by it is a timeout, not Ctrl-C.
  const cutOff = () => (isDeadline(signal?.reason) ? o.timedOut(last) : o.interrupted(last));
  const pause = async () => {
    const remaining = o.deadline - clock.now();
    if (remaining <= 0) throw o.timedOut(last);
    try {
      await clock.sleep(Math.min(nextDelay, remaining), signal);
    } catch (error) {
      if (signal?.aborted) throw cutOff();
      throw error;
    }
    nextDelay = Math.min(nextDelay * o.backoff, o.maxDelayMs);
  };
  if (o.startWithPause) await pause();
  for (;;) {
    if (signal?.aborted) throw cutOff();
    try {
      last = await o.read();
      o.onValue?.(last);
      if (o.done(last)) return last;
    } catch (error) {
      if (signal?.aborted) throw cutOff();
      if (!o.isTransient(error)) throw error;
      o.onTransientError?.(error);
    }
    await pause();
  }
}

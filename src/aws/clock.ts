import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../core/poll.js';

/** The real clock: wall time, and sleeps that end early with an AbortError on Ctrl-C. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}),
  signalAt: (at, reason) => {
    const controller = new AbortController();
    // Unref'd: a deadline nobody waits for any more must not keep the process alive.
    setTimeout(() => controller.abort(reason), Math.max(0, at - Date.now())).unref();
    return controller.signal;
  },
  after: (ms, fire) => {
    const timer = setTimeout(fire, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

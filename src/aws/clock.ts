import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../core/poll.js';

/** The real clock: wall time, and sleeps that end early with an AbortError on Ctrl-C. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}),
};

import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../core/poll.js';
import { markNotSent } from '../errors.js';

/**
 * Lambda's per-account, per-region limits (docs/performance.md): the control plane
 * (UpdateFunctionConfiguration, GetFunctionConfiguration, ListFunctions, ListVersionsByFunction, …)
 * shares 15 requests/s; GetFunction has 100/s of its own. The defaults stay well below both,
 * leaving room for deploy tools running in the same account at the same time.
 */
export const AWS_CONTROL_PLANE_LIMIT = 15;
export const AWS_GET_FUNCTION_LIMIT = 100;
export const DEFAULT_CONTROL_PLANE_RATE = 10;
export const DEFAULT_GET_FUNCTION_RATE = 50;

/**
 * How far a GetFunction may be put back for one ranked earlier: a request is served before any
 * asked more than this after it, so ranking reorders the queue without starving anyone.
 */
export const MAX_OVERTAKE_MS = 10_000;

const readRanks = new AsyncLocalStorage<number>();

/**
 * Runs `read` with its GetFunction calls ranked `rank` (ms on the run's clock, lower first): a
 * poll passes the time its wait began, so with many functions in flight the budget serves first
 * those whose update started earliest, most likely settled by now. Unranked reads (the read
 * before a write, status) come first, as far as MAX_OVERTAKE_MS allows.
 */
export const withReadRank = <T>(rank: number, read: () => Promise<T>): Promise<T> =>
  readRanks.run(rank, read);

interface Waiter {
  key: number;
  order: number;
  grant: () => void;
  onAbort: () => void;
}

/**
 * Spaces requests `1000 / perSecond` ms apart, letting `burst` go at once after a quiet spell
 * (the generic cell rate algorithm). Any 1 s window then holds at most `perSecond + burst - 1`
 * requests, which is what a service that counts per second sees. While requests wait, each slot
 * goes to the lowest key: the caller's rank (unranked: the lowest), but never more than
 * MAX_OVERTAKE_MS before the time it asked; equal keys in the order asked. Callers that all pass
 * no rank are served in the order they asked.
 */
export class RateBudget {
  private intervalMs = 0;
  private toleranceMs = 0;
  /** The rate in force: `perSecond`, or less for a while after AWS throttled (see throttled()). */
  private currentRate: number;
  private lastCutAt = Number.NEGATIVE_INFINITY;
  private lastRaiseAt = Number.NEGATIVE_INFINITY;
  private nextSlotAt = Number.NEGATIVE_INFINITY;
  private readonly waiting: Waiter[] = [];
  private asked = 0;
  private dispatching = false;
  private pause: AbortController | undefined;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.currentRate = perSecond;
    this.setRate(perSecond);
  }

  /** Requests per second let through now. */
  get rate(): number {
    return this.currentRate;
  }

  /**
   * AWS throttled a call: someone else shares the account's limit (another run, a deploy). The
   * rate halves, at most once a second (one burst of 429s is one signal), down to 1/s; answers
   * then bring it back a tenth of `perSecond` a second. Two runs at the default 10/s against
   * AWS's 15 settle near half each instead of throttling each other until their retries run out.
   */
  throttled(): void {
    const now = this.clock.now();
    if (now - this.lastCutAt < 1000) return;
    this.lastCutAt = now;
    this.setRate(Math.max(1, this.currentRate / 2));
  }

  /** A call was answered without throttling. */
  answered(): void {
    if (this.currentRate >= this.perSecond) return;
    const now = this.clock.now();
    if (now - this.lastCutAt < 1000 || now - this.lastRaiseAt < 1000) return;
    this.lastRaiseAt = now;
    this.setRate(Math.min(this.perSecond, this.currentRate + this.perSecond / 10));
  }

  /**
   * The burst shrinks with the rate, so that a lowered rate never lets more through at once than
   * before (the allowance in ms only shrinks) and any 1 s window holds at most rate + burst - 1.
   */
  private setRate(perSecond: number): void {
    const raised = perSecond > this.currentRate;
    this.currentRate = perSecond;
    this.intervalMs = 1000 / perSecond;
    const burst = Math.max(1, Math.floor((this.burst * perSecond) / this.perSecond));
    this.toleranceMs = (burst - 1) * this.intervalMs;
    // A pause measured at the old rate would hold the next request back for nothing.
    if (raised) this.pause?.abort();
  }

  /** Resolves when the caller may send one request; rejects if `signal` aborts the wait. */
  take(signal?: AbortSignal, rank?: number): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const now = this.clock.now();
    if (this.waiting.length === 0 && this.freeAt(now) <= now) {
      this.reserve(now);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        key: Math.max(rank ?? Number.NEGATIVE_INFINITY, now - MAX_OVERTAKE_MS),
        order: this.asked++,
        grant: () => {
          signal?.removeEventListener('abort', waiter.onAbort);
          resolve();
        },
        onAbort: () => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          // Nobody left to serve (Ctrl-C): the dispatcher's pause must not hold the process open.
          if (this.waiting.length === 0) this.pause?.abort();
          reject(abortError(signal as AbortSignal));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiting.push(waiter);
      void this.dispatch();
    });
  }

  /** When the next request may go, by the cell rate algorithm. */
  private freeAt(now: number): number {
    return Math.max(this.nextSlotAt, now) - this.toleranceMs;
  }

  private reserve(now: number): void {
    this.nextSlotAt = Math.max(this.nextSlotAt, now) + this.intervalMs;
  }

  /** Hands out the slots one by one, to the best waiter each time, until nobody waits. */
  private async dispatch(): Promise<void> {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      while (this.waiting.length > 0) {
        const waitMs = this.freeAt(this.clock.now()) - this.clock.now();
        if (waitMs > 0) {
          this.pause = new AbortController();
          await this.clock.sleep(waitMs, this.pause.signal).catch(() => {});
          this.pause = undefined;
          continue; // The slot is looked at again: the pause may have been cut short.
        }
        const best = this.best();
        if (best === undefined) continue;
        this.waiting.splice(best, 1)[0]?.grant();
        this.reserve(this.clock.now());
      }
    } finally {
      this.dispatching = false;
    }
  }

  private best(): number | undefined {
    let best: number | undefined;
    for (let i = 0; i < this.waiting.length; i++) {
      const w = this.waiting[i] as Waiter;
      const b = best === undefined ? undefined : (this.waiting[best] as Waiter);
      if (!b || w.key < b.key || (w.key === b.key && w.order < b.order)) best = i;
    }
    return best;
  }
}

/** What node:timers/promises rejects an aborted wait with: the signal's reason as its cause. */
const abortError = (signal: AbortSignal) =>
  Object.assign(new Error('The operation was aborted'), { name: 'AbortError', cause: signal.reason });

/** The two budgets every Lambda call of one run draws from, whichever function it is for. */
export interface LambdaBudgets {
  controlPlane: RateBudget;
  getFunction: RateBudget;
}

export function lambdaBudgets(
  rates: { controlPlane: number; getFunction: number },
  clock: Clock,
): LambdaBudgets {
  // A burst of a third of a second's worth keeps any 1 s window within rate × 4/3.
  const burst = (perSecond: number) => Math.max(1, Math.floor(perSecond / 3));
  return {
    controlPlane: new RateBudget(rates.controlPlane, burst(rates.controlPlane), clock),
    getFunction: new RateBudget(rates.getFunction, burst(rates.getFunction), clock),
  };
}

/**
 * SDK middleware for the Lambda client, placed after the retry step so that every attempt,
 * retries of throttled calls included, waits for its budget. The wait ends with the call's own
 * abort signal (the run's deadline) when it has one, else with the run's. Placed after the SDK's
 * deserializer, it is the last step before the request leaves: what it throws was never sent.
 */
export function rateBudgetMiddleware(budgets: LambdaBudgets, signal: AbortSignal | undefined) {
  return (
    next: (args: unknown) => Promise<unknown>,
    context: { commandName?: string; __smithy_context?: { abortSignal?: AbortSignal } },
  ) =>
    async (args: unknown) => {
      const budget =
        context.commandName === 'GetFunctionCommand' ? budgets.getFunction : budgets.controlPlane;
      const callSignal = context.__smithy_context?.abortSignal ?? signal;
      try {
        await budget.take(callSignal, readRanks.getStore());
      } catch (error) {
        throw markNotSent(error);
      }
      // Aborted while it waited: the SDK would refuse to send it; say that nothing left.
      if (callSignal?.aborted)
        throw markNotSent(
          Object.assign(new Error('Request aborted'), { name: 'AbortError', cause: callSignal.reason }),
        );
      // Below the deserializer, the answer is the raw HTTP response: Lambda throttles with a 429.
      // An error thrown with its status (were the deserializer ever inside) says the same. No
      // answer (a dropped connection, Ctrl-C) and a 5xx say nothing about the rate.
      const heard = (status: number | undefined) => {
        if (status === 429) budget.throttled();
        else if (status !== undefined && status < 500) budget.answered();
      };
      let answer: { response?: { statusCode?: number } };
      try {
        answer = (await next(args)) as typeof answer;
      } catch (error) {
        heard((error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode);
        throw error;
      }
      heard(answer.response?.statusCode);
      return answer;
    };
}

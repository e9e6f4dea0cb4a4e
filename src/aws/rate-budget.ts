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
 * Spaces requests `1000 / perSecond` ms apart, letting `burst` go at once after a quiet spell
 * (the generic cell rate algorithm). Any 1 s window then holds at most `perSecond + burst - 1`
 * requests, which is what a service that counts per second sees. Each caller reserves its slot
 * synchronously, so callers are served in the order they asked.
 */
export class RateBudget {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private nextSlotAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.intervalMs = 1000 / perSecond;
    this.toleranceMs = (Math.max(1, burst) - 1) * this.intervalMs;
  }

  /** Resolves when the caller may send one request; rejects if `signal` aborts the wait. */
  async take(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(this.nextSlotAt, now);
    this.nextSlotAt = slot + this.intervalMs;
    const waitMs = slot - this.toleranceMs - now;
    if (waitMs > 0) await this.clock.sleep(waitMs, signal);
  }
}

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
        await budget.take(callSignal);
      } catch (error) {
        throw markNotSent(error);
      }
      // Aborted while it waited: the SDK would refuse to send it; say that nothing left.
      if (callSignal?.aborted)
        throw markNotSent(
          Object.assign(new Error('Request aborted'), { name: 'AbortError', cause: callSignal.reason }),
        );
      return next(args);
    };
}

import type { Ctx } from '../src/cli/context.js';
import { run } from '../src/cli.js';
import type { Clock } from '../src/core/poll.js';
import { checkJsonOutput } from './json-schema.js';

/** A clock that only moves when the code under test sleeps: no test waits for real. */
export function fakeClock(start = 1_000_000) {
  let t = start;
  const sleeps: number[] = [];
  // Deadlines and timers, each fired when the clock reaches it.
  const events: Array<{ at: number; fire: () => void }> = [];
  /** Moves to `until`, firing what falls due on the way, in order; stops early once `signal` aborts. */
  const advanceTo = (until: number, signal?: AbortSignal) => {
    for (;;) {
      const next = events.filter((e) => e.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      t = Math.max(t, next.at);
      events.splice(events.indexOf(next), 1);
      next.fire();
      if (signal?.aborted) return;
    }
    t = Math.max(t, until);
  };
  return {
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw abortError(signal);
      sleeps.push(ms);
      advanceTo(t + ms, signal);
      if (signal?.aborted) throw abortError(signal);
    },
    signalAt: (at: number, reason: Error) => {
      const controller = new AbortController();
      if (at <= t) controller.abort(reason);
      else events.push({ at, fire: () => controller.abort(reason) });
      return controller.signal;
    },
    after: (ms: number, fire: () => void) => {
      const event = { at: t + ms, fire };
      events.push(event);
      return () => {
        const index = events.indexOf(event);
        if (index >= 0) events.splice(index, 1);
      };
    },
    advance: (ms: number) => advanceTo(t + ms),
    sleeps,
  };
}

/**
 * Virtual time with concurrent timers: a sleep ends when the clock reaches it, and the clock moves
 * to the earliest pending timer only once everything already due has run.
 */
export function eventClock(start = 0) {
  let t = start;
  const timers: Array<{ at: number; wake: () => void }> = [];
  const clock: Clock = {
    now: () => t,
    sleep: (ms, signal) =>
      new Promise<void>((wake, fail) => {
        if (signal?.aborted) return fail(abortError(signal));
        const timer = { at: t + ms, wake };
        timers.push(timer);
        signal?.addEventListener(
          'abort',
          () => {
            const index = timers.indexOf(timer);
            if (index >= 0) timers.splice(index, 1);
            fail(abortError(signal));
          },
          { once: true },
        );
      }),
    signalAt: () => new AbortController().signal,
    after: () => () => {},
  };
  /** Work the clock must wait for (a call on the wire): time stands still until it is released. */
  let held = 0;
  const hold = () => {
    held++;
    let released = false;
    return () => {
      if (!released) held--;
      released = true;
    };
  };
  async function runUntil(done: Promise<unknown>): Promise<void> {
    let finished = false;
    void done.finally(() => {
      finished = true;
    });
    while (!finished) {
      await new Promise((r) => setImmediate(r));
      const next = held === 0 ? timers.sort((a, b) => a.at - b.at).shift() : undefined;
      if (next) {
        t = Math.max(t, next.at);
        next.wake();
      } else await new Promise((r) => setTimeout(r, 1)); // calls on the wire, not yet answered
    }
    await done;
  }
  return { clock, runUntil, hold };
}

/** What node:timers/promises rejects an aborted sleep with: the signal's reason as its cause. */
const abortError = (signal: AbortSignal) =>
  Object.assign(new Error('The operation was aborted'), { name: 'AbortError', cause: signal.reason });

export function captureStream(isTTY = false) {
  let text = '';
  return {
    isTTY,
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
    get text() {
      return text;
    },
  };
}

/** Runs the CLI in-process through run(argv, ctx), capturing stdout and stderr. */
export async function runCli(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; clock?: ReturnType<typeof fakeClock> } = {},
) {
  const stdout = captureStream();
  const stderr = captureStream();
  const clock = options.clock ?? fakeClock();
  const ctx: Ctx = {
    stdout,
    stderr,
    env: options.env ?? { NO_COLOR: '1' },
    signal: options.signal,
    clock,
  };
  const code = await run(argv, ctx);
  checkJsonOutput(stdout.text);
  return { code, stdout: stdout.text, stderr: stderr.text, clock };
}

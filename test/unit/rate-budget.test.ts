import { describe, expect, it } from 'vitest';
import { MAX_OVERTAKE_MS, RateBudget } from '../../src/aws/rate-budget.js';
import { eventClock, fakeClock } from '../helpers.js';

// The budget's queue on virtual time: each request is asked at a set moment on the clock, and
// what is asserted is when and in which order the budget lets them go, whatever the machine's load.

interface Ask {
  name: string;
  askedAt: number;
  rank?: number;
  signal?: AbortSignal;
}

async function serve(perSecond: number, asks: readonly Ask[], start = 0) {
  const { clock, runUntil } = eventClock(start);
  const budget = new RateBudget(perSecond, 1, clock);
  const served: Array<{ name: string; at: number }> = [];
  const failed: string[] = [];
  const one = async (ask: Ask) => {
    if (ask.askedAt > clock.now()) await clock.sleep(ask.askedAt - clock.now());
    try {
      await budget.take(ask.signal, ask.rank);
      served.push({ name: ask.name, at: clock.now() });
    } catch (error) {
      failed.push(`${ask.name} ${(error as Error).name}`);
    }
  };
  await runUntil(Promise.all(asks.map(one)));
  return { served, failed, order: served.map((s) => s.name) };
}

describe('RateBudget ranks', () => {
  it('while requests wait, gives each slot to the lowest rank, one every 1000/rate ms', async () => {
    const { served } = await serve(1, [
      { name: 'first', askedAt: 0 },
      { name: 'rank 300', askedAt: 0, rank: 300 },
      { name: 'rank 100', askedAt: 0, rank: 100 },
      { name: 'rank 200', askedAt: 0, rank: 200 },
    ]);
    expect(served).toEqual([
      { name: 'first', at: 0 },
      { name: 'rank 100', at: 1000 },
      { name: 'rank 200', at: 2000 },
      { name: 'rank 300', at: 3000 },
    ]);
  });

  it('serves an unranked request (a read before a write) before ranked polls, and equal keys in the order asked', async () => {
    const { order } = await serve(1, [
      { name: 'first', askedAt: 0 },
      { name: 'poll a', askedAt: 0, rank: 0 },
      { name: 'poll b', askedAt: 0, rank: 0 },
      { name: 'read x', askedAt: 0 },
      { name: 'read y', askedAt: 0 },
    ]);
    expect(order).toEqual(['first', 'read x', 'read y', 'poll a', 'poll b']);
  });

  it(`never lets a request be overtaken by one asked more than ${MAX_OVERTAKE_MS / 1000} s after it`, async () => {
    const start = 100_000;
    // A wait that has just begun, then a stream of polls of old waits, two a second for 30 s,
    // at a budget of one a second: without the bound the young one would wait until the stream ends.
    const stream = Array.from({ length: 60 }, (_, i) => ({
      name: `old ${i}`,
      askedAt: start + 500 * (i + 1),
      rank: 0,
    }));
    const { served } = await serve(
      1,
      [{ name: 'busy', askedAt: start }, { name: 'young', askedAt: start, rank: start }, ...stream],
      start,
    );
    const young = served.find((s) => s.name === 'young');
    const before = served.slice(
      0,
      served.findIndex((s) => s.name === 'young'),
    );
    const askedAt = new Map(stream.map((a) => [a.name, a.askedAt]));
    expect(before.length).toBeGreaterThan(2);
    for (const s of before)
      if (s.name !== 'busy') expect(askedAt.get(s.name)).toBeLessThanOrEqual(start + MAX_OVERTAKE_MS);
    // Every poll asked after the bound goes after it.
    const after = served.slice(served.indexOf(young as (typeof served)[number]) + 1);
    expect(after.map((s) => askedAt.get(s.name) ?? 0).every((t) => t > start)).toBe(true);
    expect(after.some((s) => (askedAt.get(s.name) ?? 0) <= start + MAX_OVERTAKE_MS)).toBe(true);
  });

  it('drops a waiter whose signal aborts, rejecting it with an AbortError, and gives its slot to the next', async () => {
    const controller = new AbortController();
    const { clock, runUntil } = eventClock();
    const budget = new RateBudget(1, 1, clock);
    const served: Array<[string, number]> = [];
    await budget.take();
    const gone = budget.take(controller.signal, 0);
    const next = budget.take(undefined, 5).then(() => served.push(['next', clock.now()]));
    controller.abort(new Error('Ctrl-C'));
    await expect(gone).rejects.toMatchObject({ name: 'AbortError', cause: { message: 'Ctrl-C' } });
    await runUntil(next);
    expect(served).toEqual([['next', 1000]]);
  });

  it('keeps any 1 s window within rate + burst - 1 however the ranks reorder the queue', async () => {
    const asks = Array.from({ length: 200 }, (_, i) => ({
      name: String(i),
      askedAt: (i * 37) % 3000,
      rank: (i * 7919) % 5000,
    }));
    const { clock, runUntil } = eventClock();
    const budget = new RateBudget(50, 16, clock);
    const times: number[] = [];
    await runUntil(
      Promise.all(
        asks.map(async (a) => {
          await clock.sleep(a.askedAt);
          await budget.take(undefined, a.rank);
          times.push(clock.now());
        }),
      ),
    );
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    expect(times).toHaveLength(200);
    expect(busiest).toBeLessThanOrEqual(50 + 16 - 1);
    expect(busiest).toBeGreaterThan(50);
  });
});

describe('RateBudget after AWS throttled', () => {
  it('halves the rate at most once a second, down to 1/s, then climbs back a tenth of the rate a second', () => {
    const clock = fakeClock(0);
    const budget = new RateBudget(10, 3, clock);
    budget.throttled();
    budget.throttled();
    expect(budget.rate).toBe(5);
    clock.advance(1000);
    budget.throttled();
    clock.advance(1000);
    budget.throttled();
    clock.advance(1000);
    budget.throttled();
    clock.advance(1000);
    budget.throttled();
    expect(budget.rate).toBe(1);
    const climb: number[] = [];
    for (let s = 0; s < 12; s++) {
      clock.advance(1000);
      budget.answered();
      budget.answered();
      climb.push(budget.rate);
    }
    expect(climb).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10]);
  });

  it('spaces requests at the lowered rate', async () => {
    const clock = fakeClock(0);
    const budget = new RateBudget(10, 1, clock);
    budget.throttled();
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      await budget.take();
      times.push(clock.now());
    }
    expect(times).toEqual([0, 200, 400, 600]);
  });
});

it('a request asked after every waiter gave up still waits for its slot', async () => {
  const { clock, runUntil } = eventClock();
  const budget = new RateBudget(1, 1, clock);
  await budget.take();
  const controller = new AbortController();
  const gone = budget.take(controller.signal).catch((e: Error) => e.name);
  controller.abort();
  // Asked at once, while the budget's pause for the one that gave up is being cut short.
  let servedAt: number | undefined;
  const next = budget.take().then(() => (servedAt = clock.now()));
  expect(await gone).toBe('AbortError');
  await runUntil(next);
  expect(servedAt).toBe(1000);
});

describe('RateBudget lowered', () => {
  let budgetClock = eventClock();
  async function grantTimes(
    budget: RateBudget,
    count: number,
    onGrant: (i: number, at: number) => void = () => {},
  ) {
    const { clock, runUntil } = budgetClock;
    const times: number[] = [];
    await runUntil(
      Promise.all(
        Array.from({ length: count }, () =>
          budget.take().then(() => {
            times.push(clock.now());
            onGrant(times.length, clock.now());
          }),
        ),
      ),
    );
    return times;
  }

  it('a 429 lets nothing extra out: after the cut, requests leave at the new interval', async () => {
    budgetClock = eventClock();
    const budget = new RateBudget(50, 16, budgetClock.clock);
    let cutAt = 0;
    const times = await grantTimes(budget, 80, (i, at) => {
      if (i === 40) {
        budget.throttled();
        cutAt = at;
      }
    });
    const after = times.filter((t) => t > cutAt);
    const gaps = after.map((t, i) => t - (i === 0 ? cutAt : (after[i - 1] as number)));
    expect(after.length).toBe(40);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(40);
  });

  it('after a quiet spell at a lowered rate, any 1 s window holds at most rate + its shrunk burst - 1', async () => {
    budgetClock = eventClock();
    const budget = new RateBudget(50, 16, budgetClock.clock);
    budget.throttled();
    await budgetClock.runUntil(budgetClock.clock.sleep(1000));
    budget.throttled();
    expect(budget.rate).toBe(12.5);
    await budgetClock.runUntil(budgetClock.clock.sleep(20_000));
    const times = await grantTimes(budget, 40);
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    // 12.5/s with a burst of 16 × 12.5/50 = 4.
    expect(busiest).toBeLessThanOrEqual(12 + 4);
  });
});

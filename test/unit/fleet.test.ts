import { describe, expect, it } from 'vitest';
import { lambdaBudgets, RateBudget } from '../../src/aws/rate-budget.js';
import { matchesNetworkFilter } from '../../src/core/fleet-filter.js';
import { runPool } from '../../src/core/pool.js';
import { emptyResult, skippedResult, summarize } from '../../src/core/result.js';
import { parseCount, parseFunctionList } from '../../src/core/validate.js';
import { CliError } from '../../src/errors.js';
import { fakeClock } from '../helpers.js';

/** Sends `count` requests through the budget one after another; returns when each was let through. */
async function sendTimes(budget: RateBudget, clock: ReturnType<typeof fakeClock>, count: number) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    await budget.take();
    times.push(clock.now());
  }
  return times;
}

/** The most requests any 1 s window holds (the way Lambda counts them). */
const busiestSecond = (times: number[]) =>
  Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));

describe('RateBudget', () => {
  it('lets a burst through at once, then one request every 1000/rate ms', async () => {
    const clock = fakeClock(0);
    const times = await sendTimes(new RateBudget(10, 3, clock), clock, 8);
    expect(times).toEqual([0, 0, 0, 100, 200, 300, 400, 500]);
  });

  it('keeps the default control-plane budget under the 15/s Lambda allows, in every second', async () => {
    const clock = fakeClock(0);
    const { controlPlane, getFunction } = lambdaBudgets({ controlPlane: 10, getFunction: 50 }, clock);
    const times = await sendTimes(controlPlane, clock, 100);
    expect(busiestSecond(times)).toBe(12);
    expect(times.at(-1)).toBe(9_700);
    expect(busiestSecond(await sendTimes(getFunction, clock, 300))).toBeLessThanOrEqual(65);
  });

  it('serves concurrent callers in the order they asked, and refills after a quiet spell', async () => {
    const clock = fakeClock(0);
    const budget = new RateBudget(5, 1, clock);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => budget.take().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
    clock.advance(10_000);
    const before = clock.now();
    await budget.take();
    expect(clock.now()).toBe(before);
  });

  it('gives up waiting when the signal aborts', async () => {
    const clock = fakeClock(0);
    const budget = new RateBudget(1, 1, clock);
    await budget.take();
    const controller = new AbortController();
    controller.abort();
    await expect(budget.take(controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('runPool', () => {
  it('never has more than `concurrency` in flight and returns results in input order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await runPool([30, 10, 20, 5, 15], 2, async (ms, i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, ms));
      inFlight--;
      return i * 10;
    });
    expect(most).toBe(2);
    expect(results).toEqual([0, 10, 20, 30, 40]);
  });

  it('starts nothing new once stopped, and finishes what it started', async () => {
    let stop = false;
    const started: number[] = [];
    const results = await runPool(
      [1, 2, 3, 4, 5],
      2,
      async (n) => {
        started.push(n);
        await Promise.resolve();
        if (n === 2) stop = true;
        return n;
      },
      () => stop,
    );
    expect(started).toEqual([1, 2]);
    expect(results).toEqual([1, 2, undefined, undefined, undefined]);
  });
});

describe('fleet input', () => {
  it('reads one function a line, skipping blank lines and comments, CRLF or not', () => {
    expect(
      parseFunctionList(
        '# team A\r\nfn-a\r\n\n  fn-b  # cron\narn:aws:lambda:us-east-1:123456789012:function:c\n',
      ),
    ).toEqual(['fn-a', 'fn-b', 'arn:aws:lambda:us-east-1:123456789012:function:c']);
    expect(parseFunctionList('\n# only comments\n')).toEqual([]);
  });

  it('accepts whole numbers within the limit only', () => {
    expect(parseCount('15', '--lambda-rate', 15)).toBe(15);
    for (const bad of ['0', '16', '2.5', '-1', 'ten', ''])
      expect(() => parseCount(bad, '--lambda-rate', 15)).toThrow(CliError);
    expect(() => parseCount('0', '--concurrency', 500)).toThrow(
      "--concurrency must be a whole number from 1 to 500, got '0'.",
    );
  });

  it('filters by VPC and by subnet; both must match when both are given', () => {
    const vpc = { VpcId: 'vpc-1', SubnetIds: ['subnet-a', 'subnet-b'] };
    expect(matchesNetworkFilter(vpc, {})).toBe(true);
    expect(matchesNetworkFilter(undefined, {})).toBe(true);
    expect(matchesNetworkFilter(vpc, { vpcId: 'vpc-1' })).toBe(true);
    expect(matchesNetworkFilter(vpc, { vpcId: 'vpc-2' })).toBe(false);
    expect(matchesNetworkFilter(undefined, { vpcId: 'vpc-1' })).toBe(false);
    expect(matchesNetworkFilter(vpc, { subnetId: 'subnet-b' })).toBe(true);
    expect(matchesNetworkFilter(vpc, { vpcId: 'vpc-1', subnetId: 'subnet-c' })).toBe(false);
  });

  it('summarises a batch by outcome', () => {
    const updated = { ...emptyResult('a'), outcome: 'updated' as const };
    expect(summarize([updated, updated, emptyResult('b'), skippedResult('c', 'Not started.')])).toEqual({
      total: 4,
      outcomes: { updated: 2, failed: 1, skipped: 1 },
    });
  });
});

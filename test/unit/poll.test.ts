import { describe, expect, it } from 'vitest';
import { type PollOptions, poll } from '../../src/core/poll.js';
import { fakeClock } from '../helpers.js';

const transient = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
const denied = Object.assign(new Error('no'), { name: 'AccessDeniedException' });

/** Reads the answers in turn (an Error is thrown), polling until one is 'done'. */
function pollAnswers(answers: Array<string | Error>, over: Partial<PollOptions<string>> = {}) {
  const clock = fakeClock(0);
  const reads: number[] = [];
  const seen: string[] = [];
  const result = poll<string>({
    read: async () => {
      reads.push(clock.now());
      const next = answers.shift() ?? 'pending';
      if (next instanceof Error) throw next;
      return next;
    },
    done: (v) => v === 'done',
    deadline: 10_000,
    clock,
    firstDelayMs: 1000,
    maxDelayMs: 2000,
    backoff: 1.5,
    isTransient: (e) => (e as Error).name === 'ThrottlingException',
    onValue: (v) => seen.push(v),
    timedOut: (last) => new Error(`timed out, last ${last}`),
    interrupted: (last) => new Error(`interrupted, last ${last}`),
    ...over,
  });
  return { result, clock, reads, seen };
}

describe('poll', () => {
  it('reads until done, backing off up to the maximum, and shows every value read', async () => {
    const { result, clock, reads, seen } = pollAnswers(['a', 'b', 'c', 'done']);
    await expect(result).resolves.toBe('done');
    expect(clock.sleeps).toEqual([1000, 1500, 2000]);
    expect(reads).toEqual([0, 1000, 2500, 4500]);
    expect(seen).toEqual(['a', 'b', 'c', 'done']);
  });

  it('pauses first when the first look is already known', async () => {
    const { result, reads } = pollAnswers(['done'], { startWithPause: true });
    await result;
    expect(reads).toEqual([1000]);
  });

  it('polls through transient errors and ends at once on any other', async () => {
    const through = pollAnswers([transient, transient, 'done']);
    await expect(through.result).resolves.toBe('done');
    expect(through.reads).toHaveLength(3);
    const ended = pollAnswers(['a', denied, 'done']);
    await expect(ended.result).rejects.toBe(denied);
    expect(ended.reads).toHaveLength(2);
  });

  it('never sleeps past the deadline and names the last value seen', async () => {
    const { result, clock } = pollAnswers([], { deadline: 2500, backoff: 1 });
    await expect(result).rejects.toThrow('timed out, last pending');
    expect(clock.sleeps).toEqual([1000, 1000, 500]);
  });

  it('stops waiting when the signal fires', async () => {
    const controller = new AbortController();
    const { result, reads } = pollAnswers(['a', 'b'], {
      signal: controller.signal,
      onValue: () => controller.abort(),
    });
    await expect(result).rejects.toThrow('interrupted, last a');
    expect(reads).toHaveLength(1);
  });
});

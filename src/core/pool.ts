/**
 * Functions in flight at once, by default. The rate budgets, not this, keep AWS from
 * throttling; with real updates taking 30–90 s, this is what bounds a fleet's throughput,
 * while 100 functions polling stay well within the GetFunction budget.
 */
export const DEFAULT_CONCURRENCY = 100;

/** --timeout's default for attach, detach and status --wait: the bound on the whole command. */
export const DEFAULT_TIMEOUT = '15m';

/**
 * Runs `work` on each item with at most `concurrency` in flight, starting them in order.
 * Once `stopped()` says so, nothing new starts; work already started runs to its end, since
 * an update that was sent must be seen through. Resolves with each item's result, in the
 * items' order, or `undefined` for an item that never started.
 */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
  stopped: () => boolean = () => false,
): Promise<Array<R | undefined>> {
  const results: Array<R | undefined> = new Array(items.length).fill(undefined);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stopped()) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  const workers = Math.max(1, Math.min(concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

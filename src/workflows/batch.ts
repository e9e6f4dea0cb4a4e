import { runPool } from '../core/pool.js';
import { type FunctionResult, skippedResult } from '../core/result.js';
import { type CliError, endsTheRun } from '../errors.js';

/**
 * Works on every target, up to `concurrency` at once. After a failure that would fail every
 * function alike (credentials, Ctrl-C) or, with --fail-fast, any failure, nothing new starts;
 * the targets never started get a `skipped` result saying why. Results are in target order.
 */
export async function runBatch<T extends { input: string }>(
  targets: readonly T[],
  options: { concurrency: number; failFast: boolean },
  work: (target: T) => Promise<{ result: FunctionResult; error?: CliError | undefined }>,
): Promise<{ results: FunctionResult[]; runEnded: boolean }> {
  let stoppedBy: string | undefined;
  let runEnded = false;
  const finished = await runPool(
    targets,
    options.concurrency,
    async (target) => {
      const { result, error } = await work(target);
      if (error) {
        runEnded ||= endsTheRun(error);
        stoppedBy ??= endsTheRun(error)
          ? `the run stopped at ${target.input} (${error.code})`
          : options.failFast
            ? `--fail-fast stopped the run after ${target.input} failed`
            : undefined;
      }
      return result;
    },
    () => stoppedBy !== undefined,
  );
  const results = targets.map((t, i) => finished[i] ?? skippedResult(t.input, `Not started: ${stoppedBy}.`));
  return { results, runEnded };
}

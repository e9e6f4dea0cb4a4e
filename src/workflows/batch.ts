import type { LambdaClient } from '@aws-sdk/client-lambda';
import { runPool } from '../core/pool.js';
import { type FunctionResult, skippedResult } from '../core/result.js';
import { mergeNote, namesToResolve, uniqueTargets } from '../core/unique-targets.js';
import { parseFunctionRef, type Target } from '../core/validate.js';
import { type CliError, endsTheRun } from '../errors.js';
import { readFunction } from '../services/lambda.js';

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

/**
 * The targets with every function once, and a note per input merged into another. A plain name
 * given with an ARN of the same name is read first (GetFunction's FunctionArn says its account);
 * a read that fails leaves it apart, and the run reports that failure in its turn.
 */
export async function dedupeTargets<T extends Target>(
  lambda: LambdaClient,
  targets: readonly T[],
  signal: AbortSignal | undefined,
): Promise<{ targets: T[]; notes: Map<string, string> }> {
  const accounts = new Map<string, string | undefined>();
  await Promise.all(
    namesToResolve(targets).map(async ({ ref }) => {
      try {
        const arn = (await readFunction(lambda, ref.id, { signal })).FunctionArn;
        accounts.set(ref.id, arn ? parseFunctionRef(arn).accountId : undefined);
      } catch {
        accounts.set(ref.id, undefined);
      }
    }),
  );
  const unique = uniqueTargets(targets, (t) => t.ref.accountId ?? accounts.get(t.ref.id));
  return {
    targets: unique.targets,
    notes: new Map(unique.merges.map((merge) => [merge.kept.input, mergeNote(merge)])),
  };
}

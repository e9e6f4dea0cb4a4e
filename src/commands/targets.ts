import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { runPool } from '../core/pool.js';
import { type FunctionResult, skippedResult } from '../core/result.js';
import { type FunctionRef, parseCount, parseFunctionList } from '../core/validate.js';
import { type CliError, stopsTheBatch, usageError } from '../errors.js';
import type { Ctx } from './session.js';

/** A function as the user named it, and what that name refers to. */
export type Target = { ref: FunctionRef; input: string };

/**
 * Functions in flight at once, by default. The rate budgets, not this, keep AWS from
 * throttling; with real updates taking 30–90 s, this is what bounds a fleet's throughput,
 * while 100 functions polling stay well within the GetFunction budget.
 */
export const DEFAULT_CONCURRENCY = 100;
export const MAX_CONCURRENCY = 500;

export interface FleetOptions {
  functionsFile?: string;
  concurrency: string;
  failFast: boolean;
}

/** Adds the options attach, detach and status share for working on many functions at once. */
export function withFleetOptions(command: Command): Command {
  return command
    .option(
      '--functions-file <path>',
      'also read function names or ARNs from a file, one a line (# comments allowed); - reads stdin',
    )
    .option('--concurrency <n>', 'how many functions to work on at once', String(DEFAULT_CONCURRENCY))
    .option('--fail-fast', 'start no further functions once one has failed', false);
}

export const concurrencyOf = (options: FleetOptions): number =>
  parseCount(
    options.concurrency,
    '--concurrency',
    MAX_CONCURRENCY,
    'Lambda calls stay within the rate budgets whatever the concurrency (see --help).',
  );

/** The functions named as arguments and in --functions-file, in that order; at least one. */
export async function functionNames(
  args: readonly string[],
  options: FleetOptions,
  ctx: Ctx,
  alternative = '--functions-file',
): Promise<string[]> {
  const file = options.functionsFile;
  const fromFile = file === undefined ? [] : parseFunctionList(await readList(file, ctx));
  const names = [...args, ...fromFile];
  if (names.length === 0) {
    throw file === undefined
      ? usageError(`Name at least one function, or use ${alternative}.`)
      : usageError(`--functions-file ${file} lists no functions.`);
  }
  return names;
}

async function readList(file: string, ctx: Ctx): Promise<string> {
  if (file === '-') {
    if (!ctx.readStdin)
      throw usageError(
        '--functions-file - reads the list from stdin, but stdin is a terminal.',
        'Pipe the list in, or pass a file.',
      );
    return ctx.readStdin();
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable');
    throw usageError(`Cannot read --functions-file ${file}: ${why}.`);
  }
}

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
        runEnded ||= stopsTheBatch(error);
        stoppedBy ??= stopsTheBatch(error)
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
